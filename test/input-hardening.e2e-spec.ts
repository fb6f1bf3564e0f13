import { randomUUID } from 'node:crypto';
import { bearer, createTestApp, type TestApp } from './harness/app.js';
import { signedWebhook } from './harness/fake-stripe.js';
import { buyer, cooperativeBody, type CreatedCooperative, createCooperative, createProduct, productBody, vietqrOrder } from './harness/fixtures.js';
import { createMarket, createStall, type CreatedMarket, REAL_QR } from './fixtures/markets/markets.js';

/**
 * Issue 12, "Server errors": inputs that used to end as a 500 (or were silently accepted) answer a
 * 400 naming the field and change nothing. One test per reported instance, then the class of bug:
 * for every validated body of the OpenAPI document, an empty object and nulls everywhere.
 */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let t: TestApp;
let coop: CreatedCooperative;
let market: CreatedMarket;
let stallId: string;
/** The fields a 400 names (a field may have several problems). */
const fields = (res: { body: { details?: Array<{ field: string }> } }) => [...new Set((res.body.details ?? []).map((d) => d.field))];
const count = async (table: string) => (await t.db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;
const cursorOf = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');

beforeAll(async () => {
  t = await createTestApp({ env: { BANK_WEBHOOK_API_KEY: 'bank-hook-key-0123456789' } });
  coop = await createCooperative(t);
  market = await createMarket(t);
  stallId = (await createStall(t, market.key, market.id)).id;
});
afterAll(() => t.close());

describe('the reported instances', () => {
  it('POST /cooperatives without bankAccount (or with one that is not an object) is a 400 naming bankAccount; nothing stored', async () => {
    const before = await count('cooperatives');
    for (const bankAccount of [undefined, null, [], ['970436'], 'VCB 1023456789', 42, true]) {
      const body = cooperativeBody({ taxCode: '0100109106', bankAccount });
      if (bankAccount === undefined) delete body.bankAccount;
      const res = await t.http.post('/cooperatives').set(bearer(t.adminKey)).send(body);
      // An array is also reported item by item (bankAccount.0).
      expect({ bankAccount, status: res.status, fields: fields(res).filter((f) => !f.startsWith('bankAccount.')) }).toEqual({ bankAccount, status: 400, fields: ['bankAccount'] });
    }
    expect(await count('cooperatives')).toBe(before);
  });

  it('POST /products with "cooperativeId": null is a 400 naming cooperativeId, with a cooperative key and with an admin key', async () => {
    const before = await count('products');
    for (const key of [coop.key, t.adminKey]) {
      const res = await t.http.post('/products').set(bearer(key)).send(productBody({ cooperativeId: null }));
      expect({ status: res.status, fields: fields(res) }).toEqual({ status: 400, fields: ['cooperativeId'] });
    }
    for (const cooperativeId of [42, [coop.id], { id: coop.id }, '']) {
      const res = await t.http.post('/products').set(bearer(t.adminKey)).send(productBody({ cooperativeId }));
      expect({ cooperativeId, status: res.status, fields: fields(res) }).toEqual({ cooperativeId, status: 400, fields: ['cooperativeId'] });
    }
    expect(await count('products')).toBe(before);
  });

  it('a list cursor whose parts are not what the list wrote is a 400 naming cursor, on every keyset list', async () => {
    const uuid = randomUUID();
    const bad = [
      cursorOf(['not-a-date', uuid]),
      cursorOf(['2026-02-30T00:00:00.000Z', uuid]),
      cursorOf(['2026-03-01T24:00:00.000Z', uuid]),
      cursorOf(['2026-03-01T07:00:00.000Z', 'not-a-uuid']),
      cursorOf(['2026-03-01T07:00:00.000Z', uuid, 'extra']),
      cursorOf([1700000000000, uuid]),
      Buffer.from(JSON.stringify({ t: '2026-03-01T07:00:00.000Z' })).toString('base64url'),
      'not base64 !',
    ];
    const lists: Array<[string, string]> = [
      ['/cooperatives', t.adminKey],
      ['/markets', t.adminKey],
      ['/api-keys', t.adminKey],
      [`/cooperatives/${coop.id}/orders`, coop.key],
      ['/reconciliation/unmatched', t.adminKey],
      [`/cooperatives/${coop.id}/bank-feeds`, coop.key],
      [`/markets/${market.id}/bank-feeds`, market.key],
      [`/markets/${market.id}/transactions`, market.key],
    ];
    for (const [path, key] of lists) {
      for (const cursor of bad) {
        const res = await t.http.get(path).query({ cursor }).set(bearer(key));
        expect({ path, cursor, status: res.status, fields: fields(res) }).toEqual({ path, cursor, status: 400, fields: ['cursor'] });
      }
    }
    // Stall codes are text: a NUL (which PostgreSQL text cannot hold) is refused too.
    const stalls = await t.http.get(`/markets/${market.id}/stalls`).query({ cursor: cursorOf(['A\u0000']) }).set(bearer(market.key));
    expect({ status: stalls.status, fields: fields(stalls) }).toEqual({ status: 400, fields: ['cursor'] });
  });

  it('a products cursor keeps its own fingerprint but a broken timestamp: 400 naming cursor', async () => {
    await createProduct(t, coop.key);
    await createProduct(t, coop.key);
    for (const sort of ['newest', 'stars']) {
      const page = await t.http.get('/products').query({ limit: 1, sort }).expect(200);
      const values = JSON.parse(Buffer.from(page.body.nextCursor, 'base64url').toString()) as unknown[];
      const at = sort === 'newest' ? 1 : 2;
      for (const broken of ['not-a-date', '2026-13-45T99:99:99.000000Z']) {
        const cursor = cursorOf(values.map((v, i) => (i === at ? broken : v)));
        const res = await t.http.get('/products').query({ limit: 1, sort, cursor });
        expect({ sort, broken, status: res.status, fields: fields(res) }).toEqual({ sort, broken, status: 400, fields: ['cursor'] });
      }
    }
  });

  it('PATCH /cooperatives/:id refuses null for fields that cannot be empty, and null removes the phone', async () => {
    const before = (await t.db.query('SELECT tax_code, name, phone FROM cooperatives WHERE id = $1', [coop.id])).rows[0];
    for (const field of ['taxCode', 'name', 'kind', 'provinceCode', 'communeCode', 'address', 'bankAccount']) {
      const res = await t.http.patch(`/cooperatives/${coop.id}`).set(bearer(t.adminKey)).send({ [field]: null });
      expect({ field, status: res.status, fields: fields(res) }).toEqual({ field, status: 400, fields: [field] });
    }
    expect((await t.db.query('SELECT tax_code, name, phone FROM cooperatives WHERE id = $1', [coop.id])).rows[0]).toEqual(before);
    const cleared = await t.http.patch(`/cooperatives/${coop.id}`).set(bearer(coop.key)).send({ phone: null }).expect(200);
    expect(cleared.body.phone).toBeNull();
    expect((await t.db.query('SELECT phone FROM cooperatives WHERE id = $1', [coop.id])).rows[0].phone).toBeNull();
  });

  it('POST /markets/:id/stalls/import-qr with "status": null (or any other optional field null) is a 400 naming it; no stall', async () => {
    const before = await count('stalls');
    const base = { code: 'Q-01', payload: REAL_QR.subizStatic, vendorName: 'Lê Văn Tám', category: 'dry_goods', accountName: 'Le Van Tam' };
    for (const field of ['status', 'vendorPhone', 'accountName']) {
      const res = await t.http.post(`/markets/${market.id}/stalls/import-qr`).set(bearer(market.key)).send({ ...base, [field]: null });
      expect({ field, status: res.status, fields: fields(res) }).toEqual({ field, status: 400, fields: [field] });
    }
    expect(await count('stalls')).toBe(before);
  });

  it('null in other optional fields of bodies is a 400 naming the field', async () => {
    const order = await vietqrOrder(t, coop);
    const cases: Array<[string, string, string, Json, string]> = [
      ['post', '/checkout', '', { buyer: buyer({ email: null }), items: [{ productId: randomUUID(), qty: 1 }], paymentMethod: 'vietqr' }, 'buyer.email'],
      ['post', `/orders/${order.id}/refunds`, coop.key, { amountVnd: null, reason: 'x' }, 'amountVnd'],
      ['post', `/orders/${order.id}/transitions`, coop.key, { to: 'cancelled', reason: null }, 'reason'],
      ['post', `/cooperatives/${coop.id}/bank-feeds`, coop.key, { provider: 'sepay', name: 'SePay', secret: null }, 'secret'],
      ['post', `/markets/${market.id}/stalls`, market.key, { code: 'N-1', vendorName: 'Hoa', vendorPhone: '0905123456', category: 'other', status: null }, 'status'],
      ['patch', `/stalls/${stallId}`, market.key, { code: null }, 'code'],
      ['patch', `/markets/${market.id}`, market.key, { name: null }, 'name'],
      ['post', '/products', coop.key, productBody({ description: null }), 'description'],
    ];
    for (const [method, path, key, body, field] of cases) {
      const req = (t.http as unknown as Record<string, (p: string) => ReturnType<typeof t.http.post>>)[method](path);
      const res = await (key ? req.set(bearer(key)) : req).send(body);
      expect({ path, status: res.status, fields: fields(res) }).toEqual({ path, status: 400, fields: [field] });
    }
  });
});

describe('the class of bug', () => {
  it('NUL characters, which PostgreSQL text cannot hold, are a 400 naming the field (body, nested body, query, form body)', async () => {
    const before = await count('markets');
    const market = await t.http.post('/markets').set(bearer(t.adminKey)).send({ name: 'Chợ\u0000', provinceCode: '66', communeCode: '24133', address: 'Đường A' });
    expect({ status: market.status, fields: fields(market) }).toEqual({ status: 400, fields: ['name'] });
    const nested = await t.http.post('/checkout').send({ buyer: buyer({ address: { provinceCode: '66', communeCode: '24133', line: '12\u0000' } }), items: [], paymentMethod: 'vietqr' });
    expect({ status: nested.status, fields: fields(nested) }).toEqual({ status: 400, fields: ['buyer.address.line'] });
    const key = await t.http.post('/markets').set(bearer(t.adminKey)).send({ ['na\u0000me']: 'x' });
    expect(key.status).toBe(400);
    const query = await t.http.get('/products?q=ca%00phe');
    expect({ status: query.status, fields: fields(query) }).toEqual({ status: 400, fields: ['q'] });
    const stalls = await t.http.get(`/markets/${market.body.id ?? randomUUID()}/stalls?codePrefix=A%00`).set(bearer(t.adminKey));
    expect(stalls.status).toBe(400);
    const form = await t.http
      .post('/webhooks/bank-transactions')
      .set('Authorization', 'Apikey bank-hook-key-0123456789')
      .type('form')
      .send('id=1&gateway=VCB&transactionDate=2026-11-27%2010%3A00%3A00&accountNumber=1023456789&content=a%00b&transferType=in&transferAmount=1000');
    expect({ status: form.status, fields: fields(form) }).toEqual({ status: 400, fields: ['content'] });
    expect(await count('markets')).toBe(before);
    expect(await count('bank_transactions')).toBe(0);
  });

  it('found by the fuzzer: an item of a list that is not an object (a nested array) and a key that is the empty string are named', async () => {
    const before = await count('orders');
    const productId = await createProduct(t, coop.key);
    for (const item of [[], [[]], 'x', 1, null]) {
      const res = await t.http.post('/checkout').send({ buyer: buyer(), items: [{ productId, qty: 1 }, item], paymentMethod: 'vietqr' });
      expect({ item, status: res.status, fields: fields(res).filter((f) => !f.startsWith('items.')) }).toEqual({ item, status: 400, fields: ['items'] });
    }
    expect(await count('orders')).toBe(before);
    const empty = await t.http.post('/markets').set(bearer(t.adminKey)).send({ name: 'Chợ A', provinceCode: '66', communeCode: '24133', address: 'Đường A', '': 1 });
    expect(empty.body.details).toEqual([{ field: '""', problem: 'is not an allowed field' }]);
  });

  it('found by the fuzzer: a signed Stripe event without an object in data is a 400 naming data.object, not a handler crash (500)', async () => {
    for (const data of [1.5, null, { object: null }, { object: [] }, { object: 'pi_1' }]) {
      const { body, header } = signedWebhook({ id: 'evt_fuzz_1', object: 'event', type: 'charge.refunded', data });
      const res = await t.http.post('/webhooks/stripe').set('Stripe-Signature', header).set('Content-Type', 'application/json').send(body);
      expect({ data, status: res.status, fields: fields(res) }).toEqual({ data, status: 400, fields: ['data.object'] });
    }
  });

  it('dates that are not calendar days are a 400 naming the parameter, not a database error', async () => {
    const cases: Array<[string, string, string]> = [
      [`/markets/${market.id}/transactions?from=2026-02-31`, market.key, 'from'],
      [`/markets/${market.id}/transactions?to=2026-13-01`, market.key, 'to'],
      [`/markets/${market.id}/stats?from=2026-02-30`, market.key, 'from'],
      [`/markets/${market.id}/stats?to=2026-04-31`, market.key, 'to'],
      ['/markets/stats?from=2025-02-29', t.adminKey, 'from'],
      ['/reconciliation/report?date=2026-02-30', t.adminKey, 'date'],
      ['/reconciliation/report?date=0000-01-01', t.adminKey, 'date'],
    ];
    for (const [path, key, field] of cases) {
      const res = await t.http.get(path).set(bearer(key));
      expect({ path, status: res.status, fields: fields(res) }).toEqual({ path, status: 400, fields: [field] });
    }
  });

  it('query integers are whole decimal numbers: "0x10", "1e1", "1.5", "" and a repeated parameter are a 400 naming it', async () => {
    for (const q of ['limit=0x10', 'limit=1e1', 'limit=1.5', 'limit=', 'limit=2&limit=3', 'minStars=0x4', 'minPriceVnd=1e3']) {
      const res = await t.http.get(`/products?${q}`);
      expect({ q, status: res.status, fields: fields(res) }).toEqual({ q, status: 400, fields: [q.split('=')[0]] });
    }
    const png = await t.http.get('/vietqr/qr.png').query({ payload: REAL_QR.subizStatic, scale: '0x4' });
    expect({ status: png.status, fields: fields(png) }).toEqual({ status: 400, fields: ['scale'] });
  });

  /** Every operation whose body the ValidationPipe checks (additionalProperties: false in the document). */
  async function validatedBodies(): Promise<Array<{ method: string; path: string; schema: Json; components: Json }>> {
    const doc = (await t.http.get('/docs-json').expect(200)).body as Json;
    const out = [];
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
      for (const [method, op] of Object.entries(item)) {
        const ref = op.requestBody?.content?.['application/json']?.schema?.$ref as string | undefined;
        const schema = ref ? doc.components.schemas[ref.split('/').pop()!] : undefined;
        if (schema?.additionalProperties === false) out.push({ method, path, schema, components: doc.components.schemas });
      }
    }
    return out;
  }

  /** A concrete path for a documented one: an id of an existing resource (guards pass with the admin key). */
  const concrete = (path: string) =>
    path.replace('/cooperatives/{id}', `/cooperatives/${coop.id}`).replace('/markets/{id}', `/markets/${market.id}`).replace('/stalls/{id}', `/stalls/${stallId}`).replace('{id}', randomUUID());
  const send = (method: string, path: string, body: unknown) =>
    (t.http as unknown as Record<string, (p: string) => ReturnType<typeof t.http.post>>)[method](concrete(path)).set(bearer(t.adminKey)).send(body as object);

  it('for every validated body: {} is a 400 naming every required field (nested objects too), and changes nothing', async () => {
    const ops = await validatedBodies();
    expect(ops.length).toBeGreaterThan(20);
    const tables = ['cooperatives', 'products', 'orders', 'markets', 'stalls', 'stall_transactions', 'bank_feeds', 'api_keys'];
    const before = await Promise.all(tables.map(count));
    for (const { method, path, schema, components } of ops) {
      const res = await send(method, path, {});
      const required = (schema.required ?? []) as string[];
      if (!required.length) continue; // a PATCH: {} changes nothing and is answered normally
      expect({ route: `${method} ${path}`, status: res.status }).toEqual({ route: `${method} ${path}`, status: 400 });
      expect({ route: `${method} ${path}`, named: required.filter((f) => fields(res).includes(f)) }).toEqual({ route: `${method} ${path}`, named: required });
      // Nested objects: an empty one names its own required fields.
      for (const [name, prop] of Object.entries(schema.properties as Record<string, Json>)) {
        const ref = (prop.$ref ?? prop.allOf?.[0]?.$ref) as string | undefined;
        const nested = ref ? components[ref.split('/').pop()!] : undefined;
        if (!nested?.required?.length) continue;
        const inner = await send(method, path, { [name]: {} });
        const expected = (nested.required as string[]).map((f) => `${name}.${f}`);
        expect({ route: `${method} ${path}`, named: expected.filter((f) => fields(inner).includes(f)) }).toEqual({ route: `${method} ${path}`, named: expected });
      }
    }
    expect(await Promise.all(tables.map(count))).toEqual(before);
  });

  it('for every validated body: null is refused (400 naming the field) exactly where the document does not say nullable', async () => {
    for (const { method, path, schema } of await validatedBodies()) {
      const props = Object.entries(schema.properties as Record<string, Json>);
      const res = await send(method, path, Object.fromEntries(props.map(([name]) => [name, null])));
      const notNullable = props.filter(([, p]) => p.nullable !== true).map(([name]) => name);
      const named = fields(res);
      expect({ route: `${method} ${path}`, status: res.status }).toEqual({ route: `${method} ${path}`, status: notNullable.length ? 400 : res.status });
      expect({ route: `${method} ${path}`, refused: props.map(([n]) => n).filter((n) => named.includes(n)).sort() }).toEqual({
        route: `${method} ${path}`,
        refused: notNullable.sort(),
      });
    }
  });
});
