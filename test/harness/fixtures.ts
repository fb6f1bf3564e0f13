import { bearer, type TestApp } from './app.js';

/** Real enterprise codes whose check digit holds (Vinamilk, Viettel, FPT, …). */
export const VALID_TAX_CODES = ['0300588569', '0100109106', '0101248141', '0100112437', '0100686174'];

export function cooperativeBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Hợp tác xã Cà phê Ea Kao',
    kind: 'cooperative',
    taxCode: VALID_TAX_CODES[0],
    provinceCode: '66',
    communeCode: '24169',
    address: 'Thôn 3, phường Ea Kao',
    phone: '0912 345 678',
    email: 'LienHe@htx-eakao.vn',
    bankAccount: { bankBin: '970436', accountNumber: '1023 456 789', accountName: 'Hợp tác xã Cà phê Ea Kao' },
    ...overrides,
  };
}

export interface CreatedCooperative {
  id: string;
  key: string;
  body: Record<string, unknown>;
}

/** Creates a cooperative (as admin) and issues it an API key. */
export async function createCooperative(t: TestApp, overrides: Record<string, unknown> = {}): Promise<CreatedCooperative> {
  const res = await t.http.post('/cooperatives').set(bearer(t.adminKey)).send(cooperativeBody(overrides));
  if (res.status !== 201) throw new Error(`cooperative not created: ${res.status} ${JSON.stringify(res.body)}`);
  const key = await t.http.post(`/cooperatives/${res.body.id}/api-keys`).set(bearer(t.adminKey)).send({ name: 'test' }).expect(201);
  return { id: res.body.id, key: key.body.key, body: res.body };
}

/** A second cooperative, at another bank (MB), for tests that need two. */
export const SECOND_COOPERATIVE = {
  taxCode: VALID_TAX_CODES[1],
  name: 'HTX Nước mắm Phú Quốc',
  provinceCode: '91',
  communeCode: '31078',
  bankAccount: { bankBin: '970422', accountNumber: '0881000123456', accountName: 'HTX Nuoc mam Phu Quoc' },
};

let skuSeq = 0;

export function productBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  skuSeq += 1;
  return {
    name: 'Cà phê Robusta rang xay Ea Kao',
    description: 'Cà phê hạt Robusta trồng trên đất đỏ bazan, rang mộc.',
    sku: `CF-${skuSeq}`,
    priceVnd: 185000,
    unit: 'gói 500g',
    stockQty: 100,
    images: [],
    ocop: { group: 'food', stars: 4, certificateNo: `OCOP-DL-2025-${skuSeq}`, certifiedAt: '2025-03-15', decisionNo: '512/QĐ-UBND' },
    ...overrides,
  };
}

/** Creates a product with the cooperative's key; returns its id. */
export async function createProduct(t: TestApp, cooperativeKey: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await t.http.post('/products').set(bearer(cooperativeKey)).send(productBody(overrides));
  if (res.status !== 201) throw new Error(`product not created: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

export function buyer(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Nguyễn Thị Lan',
    phone: '0987654321',
    email: 'lan@example.vn',
    address: { provinceCode: '66', communeCode: '24133', line: '12 Lê Duẩn' },
    ...overrides,
  };
}

export interface VietqrOrder {
  id: string;
  code: string;
  totalVnd: number;
  accessToken: string;
  payment: { reference: string };
}

/** A product of `coop` and an order of `qty` of it paid by VietQR (pending payment). */
export async function vietqrOrder(t: TestApp, coop: CreatedCooperative, price = 185000, qty = 2): Promise<VietqrOrder> {
  const p = await createProduct(t, coop.key, { priceVnd: price, stockQty: 50 });
  const res = await t.http.post('/checkout').send({ buyer: buyer(), items: [{ productId: p, qty }], paymentMethod: 'vietqr' }).expect(201);
  return res.body.orders[0];
}
