import { DataSource } from 'typeorm';
import { CatalogService } from '../src/catalog/catalog.service.js';
import { ManualClock } from '../src/common/clock.js';
import { bearer, createTestApp, type TestApp } from './harness/app.js';

/** 2026-01-10 10:00 in Hà Nội. */
const START = '2026-01-10T03:00:00.000Z';

interface Coop {
  id: string;
  key: string;
}

interface Product {
  id: string;
  name: string;
  priceVnd: number;
  createdAt: string;
  ocop: { stars: number; group: string; level: string; certifiedAt: string; expiresAt: string };
  cooperative: { id: string; name: string; provinceCode: string; provinceName: string };
  provinceCode: string;
  status: string;
  purchasable: boolean;
  [k: string]: unknown;
}

const ids = (items: Array<{ id: string }>) => items.map((p) => p.id);

describe('catalog (e2e)', () => {
  let t: TestApp;
  const clock = new ManualClock(new Date(START));
  let seq = 0;

  async function createCoop(body: Record<string, unknown>): Promise<Coop> {
    const res = await t.http
      .post('/cooperatives')
      .set(bearer(t.adminKey))
      .send({
        kind: 'cooperative',
        address: 'Thôn 3',
        bankAccount: { bankBin: '970436', accountNumber: '1023456789', accountName: 'HTX TEST' },
        ...body,
      });
    expect(res.status).toBe(201);
    const key = await t.http.post(`/cooperatives/${res.body.id}/api-keys`).set(bearer(t.adminKey)).send({ name: 'catalog test' }).expect(201);
    return { id: res.body.id, key: key.body.key };
  }

  function body(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    seq += 1;
    const { ocop, ...rest } = overrides;
    return {
      name: 'Sản phẩm thử',
      description: '',
      sku: `SKU-${seq}`,
      priceVnd: 100000,
      unit: 'hộp 500g',
      stockQty: 10,
      images: ['https://cdn.example.vn/ocop/a.jpg'],
      ...rest,
      ocop: { group: 'food', stars: 4, certificateNo: `GCN-${seq}`, certifiedAt: '2025-06-15', decisionNo: `${seq}/QĐ-UBND`, ...(ocop as object) },
    };
  }

  /** Creates a product, then moves the clock 1 s so "newest" has a strict order (unless `sameTime`). */
  async function create(coop: Coop, overrides: Record<string, unknown> = {}, sameTime = false): Promise<Product> {
    const res = await t.http.post('/products').set(bearer(coop.key)).send(body(overrides));
    if (res.status !== 201) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
    if (!sameTime) clock.advance(1000);
    return res.body;
  }

  async function list(query: Record<string, string | number | boolean>, key?: string): Promise<Product[]> {
    const req = t.http.get('/products').query({ limit: 100, ...query });
    const res = await (key ? req.set(bearer(key)) : req);
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    return res.body.items;
  }

  /** Walks every page with `limit`, checking each page's size and cursor. */
  async function walk(query: Record<string, string | number>, limit: number): Promise<Product[]> {
    const out: Product[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 100; page++) {
      const res: { status: number; body: { items: Product[]; nextCursor: string | null } } = await t.http
        .get('/products')
        .query({ ...query, limit, ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      out.push(...res.body.items);
      cursor = res.body.nextCursor;
      if (!cursor) return out;
      expect(res.body.items).toHaveLength(limit);
    }
    throw new Error('too many pages');
  }

  async function productRow(id: string): Promise<Record<string, unknown>> {
    return (await t.db.query('SELECT * FROM products WHERE id = $1', [id])).rows[0];
  }

  async function snapshot(): Promise<string> {
    const r = await t.db.query(`SELECT id, name, sku, price_vnd, stock_qty, status, search_extra, updated_at, ocop_expires_at FROM products ORDER BY id`);
    return JSON.stringify(r.rows);
  }

  let eaTu: Coop; // Đắk Lắk, coffee
  let gom: Coop; // Hà Nội
  let phuQuoc: Coop; // An Giang
  const p: Record<string, Product> = {};

  beforeAll(async () => {
    t = await createTestApp({ clock });
    eaTu = await createCoop({ name: 'Hợp tác xã Cà phê Ea Tu', taxCode: '0300588569', provinceCode: '66', communeCode: '22015' });
    gom = await createCoop({ name: 'Hợp tác xã Gốm sứ Bát Tràng', taxCode: '0100109106', provinceCode: '01', communeCode: '00004' });
    phuQuoc = await createCoop({ name: 'Hợp tác xã Nước mắm Hàm Ninh', taxCode: '0101248141', provinceCode: '91', communeCode: '30292' });

    p.robusta = await create(eaTu, {
      name: 'Cà phê Robusta rang xay',
      description: 'Hạt Robusta trồng trên đất đỏ bazan, rang mộc, không tẩm ướp.',
      priceVnd: 185000,
      ocop: { stars: 4 },
    });
    p.honey = await create(eaTu, { name: 'Mật ong hoa cà phê', priceVnd: 220000, ocop: { stars: 3 } });
    p.pepper = await create(eaTu, { name: 'Tiêu đen Ea Tu', priceVnd: 90000, ocop: { stars: 3 } });
    p.vase = await create(gom, { name: 'Bình gốm men lam', priceVnd: 650000, ocop: { group: 'handicrafts', stars: 5 } });
    p.cacao = await create(gom, { name: 'Cacao nguyên chất Đắk Lắk', priceVnd: 150000, ocop: { stars: 4 } });
    p.teaOld = await create(gom, { name: 'Trà sen Tây Hồ Hoà Bình', priceVnd: 300000, ocop: { group: 'beverages', stars: 4 } }); // old tone-mark placement
    p.teaNew = await create(gom, { name: 'Trà Hòa Vang thượng hạng', priceVnd: 300000, ocop: { group: 'beverages', stars: 3 } }); // new placement, same price as teaOld
    p.fishSauce = await create(phuQuoc, { name: 'Nước mắm Phú Quốc 40 độ đạm', priceVnd: 120000, unit: 'chai 500ml', ocop: { stars: 5 } });
    p.fishSauce2 = await create(phuQuoc, { name: 'Nước mắm cá cơm Phú Quốc', priceVnd: 120000, unit: 'chai 500ml', ocop: { stars: 4 } }, true);
    p.squid = await create(phuQuoc, { name: 'Mực một nắng', priceVnd: 120000, ocop: { stars: 4 } }, true);
  });

  afterAll(async () => {
    await t.close();
  });

  const all = () => Object.values(p);

  describe('POST /products', () => {
    it('creates a product for the key\'s cooperative, with derived level and expiry', async () => {
      const res = await t.http.post('/products').set(bearer(eaTu.key)).send(body({ name: '  Cà phê Arabica Cầu Đất  ', sku: 'CF-AR-1', ocop: { stars: 5, certifiedAt: '2024-02-29' } })).expect(201);
      expect(res.body).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        cooperativeId: eaTu.id,
        cooperative: { id: eaTu.id, name: 'Hợp tác xã Cà phê Ea Tu', provinceCode: '66', provinceName: 'Tỉnh Đắk Lắk' },
        name: 'Cà phê Arabica Cầu Đất',
        sku: 'CF-AR-1',
        priceVnd: 100000,
        unit: 'hộp 500g',
        stockQty: 10,
        images: ['https://cdn.example.vn/ocop/a.jpg'],
        ocop: { group: 'food', stars: 5, level: 'national', certifiedAt: '2024-02-29', expiresAt: '2027-02-28', certificateNo: expect.any(String), decisionNo: expect.any(String) },
        provinceCode: '66',
        status: 'active',
        purchasable: true,
        archivedAt: null,
      });
      expect(res.body.createdAt).toBe(clock.now().toISOString());
      const row = await productRow(res.body.id);
      expect(row.price_vnd).toBe('100000');
      expect(row.search_extra).toBe('hop tac xa ca phe ea tu dak lak');
      await t.http.get(`/products/${res.body.id}`).expect(200);
      p.arabica = res.body;
      clock.advance(1000);
    });

    it('writes the folded cooperative, province and description into search_extra', async () => {
      const row = await productRow(p.robusta.id);
      expect(row.search_extra).toBe('hop tac xa ca phe ea tu dak lak hat robusta trong tren dat do bazan, rang moc, khong tam uop.');
      expect(String(row.search_vector)).toContain("'robusta':3A");
    });

    it('lets an admin create for a named cooperative, and only then', async () => {
      const ok = await t.http.post('/products').set(bearer(t.adminKey)).send(body({ cooperativeId: gom.id, name: 'Ấm chén men rạn' })).expect(201);
      expect(ok.body.cooperativeId).toBe(gom.id);
      p.teapot = ok.body;
      clock.advance(1000);
      const missing = await t.http.post('/products').set(bearer(t.adminKey)).send(body()).expect(400);
      expect(missing.body.details).toEqual([{ field: 'cooperativeId', problem: 'is required with an admin key' }]);
      const unknown = await t.http.post('/products').set(bearer(t.adminKey)).send(body({ cooperativeId: '7d1c5d2e-8c7a-4a51-9f7e-2f8f4b9c1a11' })).expect(400);
      expect(unknown.body.details).toEqual([{ field: 'cooperativeId', problem: expect.stringContaining('no cooperative') }]);
    });

    it('401 without a key or with a bad one, 403 for another cooperative', async () => {
      const before = await snapshot();
      await t.http.post('/products').send(body()).expect(401);
      await t.http.post('/products').set(bearer('ocop_sk_' + 'x'.repeat(43))).send(body()).expect(401);
      const other = await t.http.post('/products').set(bearer(gom.key)).send(body({ cooperativeId: eaTu.id })).expect(403);
      expect(other.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
      expect(await snapshot()).toBe(before);
    });

    it('names every invalid field, rejects unknown ones, and stores nothing', async () => {
      const before = await snapshot();
      const res = await t.http
        .post('/products')
        .set(bearer(eaTu.key))
        .send({
          name: ' ',
          sku: 'bad sku!',
          priceVnd: 1.5,
          unit: '',
          stockQty: -1,
          images: ['https://ok.example.vn/a.jpg', 'ftp://cdn.example.vn/b.jpg'],
          color: 'red',
          ocop: { group: 'seafood', stars: 6, certificateNo: '', certifiedAt: '2025-02-30', expiresAt: 'soon', level: 'district', extra: 1 },
        })
        .expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'invalid_input' });
      const fields = new Set(res.body.details.map((d: { field: string }) => d.field));
      for (const f of [
        'name',
        'sku',
        'priceVnd',
        'unit',
        'stockQty',
        'images',
        'color',
        'ocop.group',
        'ocop.stars',
        'ocop.certificateNo',
        'ocop.certifiedAt',
        'ocop.expiresAt',
        'ocop.level',
        'ocop.extra',
      ]) {
        expect(fields).toContain(f);
      }
      expect(res.body.details).toContainEqual({ field: 'color', problem: 'is not an allowed field' });
      expect(res.body.details).toContainEqual({ field: 'images', problem: 'images.1 must be an http(s) URL of at most 2000 characters' });
      expect(await snapshot()).toBe(before);
    });

    it.each([
      [{ priceVnd: '185000' }, 'priceVnd'],
      [{ priceVnd: 0 }, 'priceVnd'],
      [{ priceVnd: 1e12 + 1 }, 'priceVnd'],
      [{ priceVnd: 99.99 }, 'priceVnd'],
      [{ stockQty: 2.5 }, 'stockQty'],
      [{ stockQty: null }, 'stockQty'],
      [{ images: Array.from({ length: 11 }, (_, i) => `https://cdn.example.vn/${i}.jpg`) }, 'images'],
      [{ images: 'https://cdn.example.vn/a.jpg' }, 'images'],
      [{ name: 'x'.repeat(201) }, 'name'],
      [{ name: 'Cà phê\u0000' }, 'name'],
      [{ ocop: 'food' }, 'ocop'],
      [{ ocop: { stars: '4' } }, 'ocop.stars'],
      [{ cooperativeId: 'abc' }, 'cooperativeId'],
    ])('rejects %j naming %s', async (overrides, field) => {
      const b = body();
      const res = await t.http.post('/products').set(bearer(eaTu.key)).send({ ...b, ...overrides }).expect(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it('accepts the largest price (1e12 VND)', async () => {
      const res = await t.http.post('/products').set(bearer(phuQuoc.key)).send(body({ name: 'Tàu gỗ mô hình', priceVnd: 1e12, ocop: { group: 'handicrafts' } })).expect(201);
      expect(res.body.priceVnd).toBe(1e12);
      p.ship = res.body;
      clock.advance(1000);
    });

    it.each([
      [{ stars: 5, level: 'provincial' }, 'ocop.level', /national/],
      [{ stars: 4, level: 'national' }, 'ocop.level', /provincial/],
      [{ certifiedAt: '2025-06-15', expiresAt: '2028-06-16' }, 'ocop.expiresAt', /36 months.*2028-06-15/],
      [{ certifiedAt: '2025-06-15', expiresAt: '2025-06-14' }, 'ocop.expiresAt', /after certifiedAt/],
      [{ certifiedAt: '2026-01-11' }, 'ocop.certifiedAt', /future/],
    ])('checks the certificate: %j → %s', async (ocop, field, problem) => {
      const before = await snapshot();
      const res = await t.http.post('/products').set(bearer(eaTu.key)).send(body({ ocop })).expect(400);
      expect(res.body.details).toEqual([{ field, problem: expect.stringMatching(problem) }]);
      expect(await snapshot()).toBe(before);
    });

    it('accepts an explicit expiresAt within 36 months', async () => {
      const res = await t.http.post('/products').set(bearer(eaTu.key)).send(body({ name: 'Bơ sáp Krông Pắc', ocop: { stars: 4, level: 'provincial', certifiedAt: '2025-06-15', expiresAt: '2028-06-15' } })).expect(201);
      expect(res.body.ocop).toMatchObject({ level: 'provincial', expiresAt: '2028-06-15' });
      p.avocado = res.body;
      clock.advance(1000);
    });

    it('409 for a SKU the cooperative already uses, with the field named; other cooperatives may reuse it', async () => {
      const before = await snapshot();
      const res = await t.http.post('/products').set(bearer(eaTu.key)).send(body({ sku: 'CF-AR-1' })).expect(409);
      expect(res.body).toMatchObject({ statusCode: 409, code: 'duplicate_sku', details: [{ field: 'sku', problem: expect.any(String) }] });
      expect(await snapshot()).toBe(before);
      const other = await t.http.post('/products').set(bearer(gom.key)).send(body({ sku: 'CF-AR-1', name: 'Đĩa gốm vẽ tay' })).expect(201);
      p.plate = other.body;
      clock.advance(1000);
    });
  });

  describe('GET /products/:id', () => {
    it('returns the product with its cooperative', async () => {
      const res = await t.http.get(`/products/${p.fishSauce.id}`).expect(200);
      expect(res.body).toMatchObject({ id: p.fishSauce.id, cooperative: { name: 'Hợp tác xã Nước mắm Hàm Ninh', provinceCode: '91', provinceName: 'Tỉnh An Giang' }, provinceCode: '91' });
    });
    it('400 for a non-UUID id, 404 for an unknown one', async () => {
      const bad = await t.http.get('/products/abc').expect(400);
      expect(bad.body.details).toEqual([{ field: 'id', problem: 'must be a UUID' }]);
      const missing = await t.http.get('/products/7d1c5d2e-8c7a-4a51-9f7e-2f8f4b9c1a11').expect(404);
      expect(missing.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    });
  });

  describe('search', () => {
    it('"ca phe" finds "Cà phê …" first, then products of a coffee cooperative', async () => {
      const items = await list({ q: 'ca phe' });
      const found = ids(items);
      expect(found).toEqual(expect.arrayContaining([p.robusta.id, p.honey.id, p.arabica.id, p.pepper.id, p.avocado.id]));
      expect(found).not.toContain(p.vase.id);
      // Name matches (weight A) rank above matches on the cooperative's name only.
      const nameHits = [p.robusta.id, p.honey.id, p.arabica.id];
      expect(new Set(found.slice(0, 3))).toEqual(new Set(nameHits));
      expect(found.indexOf(p.pepper.id)).toBeGreaterThan(2);
    });

    it('is case- and diacritic-insensitive: "CÀ PHÊ", "Cà phê", "ca phe" are the same search', async () => {
      const a = ids(await list({ q: 'ca phe' }));
      expect(ids(await list({ q: 'CÀ PHÊ' }))).toEqual(a);
      expect(ids(await list({ q: 'Cà phê' }))).toEqual(a);
      expect(ids(await list({ q: 'Cà phê'.normalize('NFD') }))).toEqual(a);
    });

    it('"dak lak" finds the products of a Đắk Lắk cooperative and those named so', async () => {
      const found = ids(await list({ q: 'dak lak' }));
      expect(found).toEqual(expect.arrayContaining([p.robusta.id, p.honey.id, p.pepper.id, p.cacao.id]));
      expect(found).not.toContain(p.vase.id);
      expect(found).not.toContain(p.fishSauce.id);
      expect(found[0]).toBe(p.cacao.id); // the only one with Đắk Lắk in its name
      expect(ids(await list({ q: 'Đắk Lắk' }))).toEqual(found);
      expect(ids(await list({ q: 'DAK' })).sort()).toEqual(ids(await list({ q: 'đắk' })).sort());
    });

    it('"d" matches "đ", and the last word is a prefix', async () => {
      expect(ids(await list({ q: 'nuoc mam phu q' }))).toEqual(expect.arrayContaining([p.fishSauce.id, p.fishSauce2.id]));
      expect(ids(await list({ q: 'dam' }))).toEqual([p.fishSauce.id]); // "đạm"
      expect(ids(await list({ q: 'Đạm' }))).toEqual([p.fishSauce.id]);
    });

    it('ignores where the tone mark sits: "hoa", "Hoà" and "Hòa" find the same products', async () => {
      const hoa = ids(await list({ q: 'hoa' }));
      expect(hoa).toEqual(expect.arrayContaining([p.teaOld.id, p.teaNew.id, p.honey.id]));
      expect(ids(await list({ q: 'Hoà' }))).toEqual(hoa);
      expect(ids(await list({ q: 'Hòa' }))).toEqual(hoa);
      expect(ids(await list({ q: 'HOÀ' }))).toEqual(hoa);
    });

    it('needs every word', async () => {
      expect(ids(await list({ q: 'nuoc mam ca com' }))).toEqual([p.fishSauce2.id]);
      expect(await list({ q: 'ca phe gom' })).toEqual([]);
    });

    it('combines with filters and other sorts', async () => {
      expect(ids(await list({ q: 'ca phe', minStars: 4 })).sort()).toEqual([p.robusta.id, p.arabica.id, p.avocado.id].sort());
      // "nuoc mam" is in two names and in the name of their cooperative (so all its products match)
      const byPrice = await list({ q: 'nuoc mam', sort: 'price_desc' });
      expect(ids(byPrice)).toEqual([p.ship.id, ...[p.fishSauce.id, p.fishSauce2.id, p.squid.id].sort().reverse()]);
      expect(ids((await list({ q: 'nuoc mam' })).slice(0, 2)).sort()).toEqual([p.fishSauce.id, p.fishSauce2.id].sort());
    });

    it('400 naming q when no usable word is left, and for an over-long q', async () => {
      for (const q of ['!!!', '', '   ', '&|:*']) {
        const res = await t.http.get('/products').query({ q }).expect(400);
        expect(res.body.details).toEqual([{ field: 'q', problem: 'has no searchable word (letters or digits)' }]);
      }
      const long = await t.http.get('/products').query({ q: 'a'.repeat(201) }).expect(400);
      expect(long.body.details[0].field).toBe('q');
    });

    it('pages through relevance results without duplicates or gaps', async () => {
      const full = ids(await list({ q: 'ca phe' }));
      expect(full.length).toBeGreaterThanOrEqual(5);
      expect(ids(await walk({ q: 'ca phe' }, 2))).toEqual(full);
      expect(ids(await walk({ q: 'ca phe' }, 1))).toEqual(full);
    });
  });

  describe('filters and sorts', () => {
    const cmpId = (a: Product, b: Product) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    const visible = () => all().filter((x) => x.status === 'active');
    const sorts: Record<string, (a: Product, b: Product) => number> = {
      newest: (a, b) => b.createdAt.localeCompare(a.createdAt) || -cmpId(a, b),
      price_asc: (a, b) => a.priceVnd - b.priceVnd || cmpId(a, b),
      price_desc: (a, b) => b.priceVnd - a.priceVnd || -cmpId(a, b),
      stars: (a, b) => b.ocop.stars - a.ocop.stars || b.createdAt.localeCompare(a.createdAt) || -cmpId(a, b),
    };

    it.each(Object.keys(sorts))('sort=%s orders every product, ties broken by id', async (sort) => {
      const expected = visible().sort(sorts[sort]);
      expect(ids(await list({ sort }))).toEqual(ids(expected));
    });

    it('defaults to newest without q', async () => {
      expect(ids(await list({}))).toEqual(ids(visible().sort(sorts.newest)));
    });

    it.each([
      [{ provinceCode: '66' }, (x: Product) => x.provinceCode === '66'],
      [{ provinceCode: '91' }, (x: Product) => x.provinceCode === '91'],
      [{ group: 'beverages' }, (x: Product) => x.ocop.group === 'beverages'],
      [{ group: 'handicrafts' }, (x: Product) => x.ocop.group === 'handicrafts'],
      [{ minStars: 4 }, (x: Product) => x.ocop.stars >= 4],
      [{ minStars: 5 }, (x: Product) => x.ocop.stars === 5],
      [{ minPriceVnd: 150000 }, (x: Product) => x.priceVnd >= 150000],
      [{ maxPriceVnd: 120000 }, (x: Product) => x.priceVnd <= 120000],
      [{ minPriceVnd: 120000, maxPriceVnd: 120000 }, (x: Product) => x.priceVnd === 120000],
      [{ cooperativeId: 'PHUQUOC' }, (x: Product) => x.cooperative.name.includes('Hàm Ninh')],
      [{ group: 'food', minStars: 4, sort: 'price_asc' }, (x: Product) => x.ocop.group === 'food' && x.ocop.stars >= 4],
    ])('filter %j', async (query, keep) => {
      const q: Record<string, string | number> = { ...query };
      if (q.cooperativeId === 'PHUQUOC') q.cooperativeId = phuQuoc.id;
      const sort = (q.sort as string) ?? 'newest';
      const expected = visible().filter(keep).sort(sorts[sort]);
      expect(expected.length).toBeGreaterThan(0);
      expect(ids(await list(q))).toEqual(ids(expected));
    });

    it.each(Object.keys(sorts))('walks sort=%s page by page without duplicates or gaps', async (sort) => {
      const full = ids(await list({ sort }));
      for (const limit of [1, 2, 3]) {
        const walked = ids(await walk({ sort }, limit));
        expect(walked).toEqual(full);
        expect(new Set(walked).size).toBe(walked.length);
      }
    });

    it('walks a filtered list page by page', async () => {
      const q = { group: 'food', minStars: 4, sort: 'price_asc' };
      expect(ids(await walk(q, 2))).toEqual(ids(await list(q)));
    });

    it('rejects a cursor of another sort or filter, and a forged cursor, naming cursor', async () => {
      const first = await t.http.get('/products').query({ sort: 'price_asc', limit: 2 }).expect(200);
      const cursor = first.body.nextCursor;
      expect(cursor).toEqual(expect.any(String));
      await t.http.get('/products').query({ sort: 'price_asc', limit: 2, cursor }).expect(200);
      for (const q of [{ sort: 'price_desc' }, { sort: 'newest' }, { sort: 'price_asc', group: 'food' }, { q: 'ca phe' }]) {
        const res = await t.http.get('/products').query({ ...q, cursor }).expect(400);
        expect(res.body.details).toEqual([{ field: 'cursor', problem: expect.any(String) }]);
      }
      const [fp] = JSON.parse(Buffer.from(cursor, 'base64url').toString());
      for (const forged of [
        Buffer.from(JSON.stringify([fp, 1, 'not-a-uuid'])).toString('base64url'),
        Buffer.from(JSON.stringify([fp, 1.5, p.vase.id])).toString('base64url'),
        Buffer.from(JSON.stringify([fp, '1', p.vase.id])).toString('base64url'),
        'not base64!',
        'e30',
      ]) {
        const res = await t.http.get('/products').query({ sort: 'price_asc', cursor: forged }).expect(400);
        expect(res.body.details).toEqual([{ field: 'cursor', problem: expect.any(String) }]);
      }
    });

    it.each([
      [{ minPriceVnd: 200000, maxPriceVnd: 100000 }, 'minPriceVnd'],
      [{ minPriceVnd: '1.5' }, 'minPriceVnd'],
      [{ maxPriceVnd: 'abc' }, 'maxPriceVnd'],
      [{ minStars: 6 }, 'minStars'],
      [{ group: 'seafood' }, 'group'],
      [{ provinceCode: '6' }, 'provinceCode'],
      [{ provinceCode: '99' }, 'provinceCode'],
      [{ cooperativeId: 'x' }, 'cooperativeId'],
      [{ sort: 'cheapest' }, 'sort'],
      [{ sort: 'relevance' }, 'sort'],
      [{ limit: 101 }, 'limit'],
      [{ limit: 0 }, 'limit'],
      [{ includeInactive: 'yes' }, 'includeInactive'],
      [{ includeInactive: 'true' }, 'cooperativeId'],
      [{ colour: 'red' }, 'colour'],
    ])('400 for %j naming %s', async (query, field) => {
      const res = await t.http.get('/products').query(query).expect(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    });
  });

  describe('PATCH /products/:id', () => {
    it('lets the owning cooperative change fields; search text follows the description', async () => {
      const res = await t.http
        .patch(`/products/${p.pepper.id}`)
        .set(bearer(eaTu.key))
        .send({ name: 'Tiêu đen Ea Tu hữu cơ', description: 'Tiêu sọ phơi nắng tự nhiên', priceVnd: 95000, stockQty: 0, images: null })
        .expect(200);
      expect(res.body).toMatchObject({ name: 'Tiêu đen Ea Tu hữu cơ', priceVnd: 95000, stockQty: 0, images: [], purchasable: false });
      expect(res.body.updatedAt).toBe(clock.now().toISOString());
      expect(ids(await list({ q: 'tieu so phoi nang' }))).toEqual([p.pepper.id]);
      expect(ids(await list({ q: 'huu co' }))).toEqual([p.pepper.id]);
      p.pepper = res.body;
    });

    it('merges ocop: new stars re-derive level, a new certifiedAt resets expiresAt', async () => {
      const res = await t.http.patch(`/products/${p.squid.id}`).set(bearer(t.adminKey)).send({ ocop: { stars: 5, certifiedAt: '2025-09-01' } }).expect(200);
      expect(res.body.ocop).toMatchObject({ stars: 5, level: 'national', certifiedAt: '2025-09-01', expiresAt: '2028-09-01', group: 'food' });
      const earlier = await t.http.patch(`/products/${p.squid.id}`).set(bearer(phuQuoc.key)).send({ ocop: { expiresAt: '2027-09-01' } }).expect(200);
      expect(earlier.body.ocop).toMatchObject({ stars: 5, level: 'national', expiresAt: '2027-09-01' });
      const reset = await t.http.patch(`/products/${p.squid.id}`).set(bearer(phuQuoc.key)).send({ ocop: { expiresAt: null } }).expect(200);
      expect(reset.body.ocop.expiresAt).toBe('2028-09-01');
      p.squid = reset.body;
    });

    it('rejects invalid changes naming the field and changes nothing', async () => {
      const before = await snapshot();
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ name: null }, 'name'],
        [{ priceVnd: -5 }, 'priceVnd'],
        [{ priceVnd: '5000' }, 'priceVnd'],
        [{ stockQty: 1.5 }, 'stockQty'],
        [{ ocop: { level: 'provincial' } }, 'ocop.level'], // squid is 5★
        [{ ocop: { expiresAt: '2030-01-01' } }, 'ocop.expiresAt'],
        [{ ocop: { stars: null } }, 'ocop.stars'],
        [{ cooperativeId: gom.id }, 'cooperativeId'],
        [{ status: 'active' }, 'status'],
      ];
      for (const [patch, field] of cases) {
        const res = await t.http.patch(`/products/${p.squid.id}`).set(bearer(phuQuoc.key)).send(patch);
        expect([res.status, res.body.details?.map((d: { field: string }) => d.field)]).toEqual([400, expect.arrayContaining([field])]);
      }
      expect(await snapshot()).toBe(before);
    });

    it('409 when the new SKU is taken, nothing changed', async () => {
      const before = await snapshot();
      const res = await t.http.patch(`/products/${p.robusta.id}`).set(bearer(eaTu.key)).send({ sku: 'CF-AR-1', priceVnd: 1 }).expect(409);
      expect(res.body.details).toEqual([{ field: 'sku', problem: expect.any(String) }]);
      expect(await snapshot()).toBe(before);
    });

    it('401 without a key, 403 for another cooperative, 404 unknown, 400 bad id', async () => {
      const before = await snapshot();
      await t.http.patch(`/products/${p.robusta.id}`).send({ priceVnd: 1 }).expect(401);
      const res = await t.http.patch(`/products/${p.robusta.id}`).set(bearer(gom.key)).send({ priceVnd: 1 }).expect(403);
      expect(res.body).toMatchObject({ statusCode: 403, code: 'forbidden' });
      await t.http.patch('/products/7d1c5d2e-8c7a-4a51-9f7e-2f8f4b9c1a11').set(bearer(gom.key)).send({ priceVnd: 1 }).expect(404);
      await t.http.patch('/products/nope').set(bearer(gom.key)).send({ priceVnd: 1 }).expect(400);
      expect(await snapshot()).toBe(before);
    });

    it('an empty patch changes nothing', async () => {
      const before = await snapshot();
      const res = await t.http.patch(`/products/${p.robusta.id}`).set(bearer(eaTu.key)).send({}).expect(200);
      expect(res.body.updatedAt).toBe(p.robusta.updatedAt);
      expect(await snapshot()).toBe(before);
    });
  });

  describe('DELETE /products/:id (archive)', () => {
    it('403 for another cooperative, 401 without a key, 404 unknown', async () => {
      const before = await snapshot();
      await t.http.delete(`/products/${p.vase.id}`).set(bearer(eaTu.key)).expect(403);
      await t.http.delete(`/products/${p.vase.id}`).expect(401);
      await t.http.delete('/products/7d1c5d2e-8c7a-4a51-9f7e-2f8f4b9c1a11').set(bearer(eaTu.key)).expect(404);
      expect(await snapshot()).toBe(before);
    });

    it('archives (idempotent): hidden from lists and search, still readable by id', async () => {
      expect(ids(await list({ q: 'binh gom men lam' }))).toEqual([p.vase.id]);
      const res = await t.http.delete(`/products/${p.vase.id}`).set(bearer(gom.key)).expect(200);
      expect(res.body).toMatchObject({ id: p.vase.id, status: 'archived', purchasable: false, archivedAt: clock.now().toISOString() });
      clock.advance(5000);
      const again = await t.http.delete(`/products/${p.vase.id}`).set(bearer(t.adminKey)).expect(200);
      expect(again.body.archivedAt).toBe(res.body.archivedAt);
      p.vase = res.body;

      expect(ids(await list({}))).not.toContain(p.vase.id);
      expect(ids(await list({ q: 'binh gom men lam' }))).toEqual([]);
      expect(ids(await list({ cooperativeId: gom.id }))).not.toContain(p.vase.id);
      const byId = await t.http.get(`/products/${p.vase.id}`).expect(200);
      expect(byId.body).toMatchObject({ status: 'archived', purchasable: false });
      const row = await productRow(p.vase.id);
      expect(row.status).toBe('archived');
    });

    it('an archived product cannot be changed (409)', async () => {
      const res = await t.http.patch(`/products/${p.vase.id}`).set(bearer(gom.key)).send({ priceVnd: 1 }).expect(409);
      expect(res.body.code).toBe('product_archived');
    });

    it('the owner and admins list archived products with includeInactive; others may not', async () => {
      const own = ids(await list({ cooperativeId: gom.id, includeInactive: true }, gom.key));
      expect(own).toContain(p.vase.id);
      expect(ids(await list({ cooperativeId: gom.id, includeInactive: true }, t.adminKey))).toEqual(own);
      await t.http.get('/products').query({ cooperativeId: gom.id, includeInactive: true }).set(bearer(eaTu.key)).expect(403);
      await t.http.get('/products').query({ cooperativeId: gom.id, includeInactive: true }).expect(401);
      // false is the public list
      expect(ids(await list({ cooperativeId: gom.id, includeInactive: false }))).not.toContain(p.vase.id);
    });
  });

  describe('certificate expiry (clock in Asia/Ho_Chi_Minh)', () => {
    let expiring: Product;
    afterAll(() => clock.set(new Date(clock.now().getTime())));

    it('a certificate is valid through its expiresAt day, then hidden from lists but readable by id', async () => {
      // certified 2023-03-16 → valid through 2026-03-16 (36 months)
      expiring = await create(eaTu, { name: 'Cà phê chồn Buôn Ma Thuột', ocop: { certifiedAt: '2023-03-16' } });
      expect(expiring.ocop.expiresAt).toBe('2026-03-16');
      clock.set('2026-03-16T16:59:59Z'); // 23:59:59 on 16 March in Vietnam
      expect(ids(await list({ q: 'ca phe chon' }))).toEqual([expiring.id]);
      expect((await t.http.get(`/products/${expiring.id}`).expect(200)).body.purchasable).toBe(true);

      clock.set('2026-03-16T17:00:00Z'); // 00:00 on 17 March in Vietnam (still 16 March in UTC)
      expect(await list({ q: 'ca phe chon' })).toEqual([]);
      expect(ids(await list({}))).not.toContain(expiring.id);
      expect(ids(await list({ cooperativeId: eaTu.id }))).not.toContain(expiring.id);
      const byId = await t.http.get(`/products/${expiring.id}`).expect(200);
      expect(byId.body).toMatchObject({ status: 'active', purchasable: false });
      const own = ids(await list({ cooperativeId: eaTu.id, includeInactive: true }, eaTu.key));
      expect(own).toContain(expiring.id);
      await t.http.get('/products').query({ cooperativeId: eaTu.id, includeInactive: true }).set(bearer(gom.key)).expect(403);
    });

    it('renewing the certificate (PATCH ocop) brings it back', async () => {
      const res = await t.http.patch(`/products/${expiring.id}`).set(bearer(eaTu.key)).send({ ocop: { certifiedAt: '2026-03-10', certificateNo: 'GCN-RENEW' } }).expect(200);
      expect(res.body).toMatchObject({ purchasable: true, ocop: { certifiedAt: '2026-03-10', expiresAt: '2029-03-10', certificateNo: 'GCN-RENEW' } });
      expect(ids(await list({ q: 'ca phe chon' }))).toEqual([expiring.id]);
      p.chon = res.body;
    });
  });

  describe('cooperative changes refresh the products', () => {
    it('renaming a cooperative or moving it to another province updates search and the province filter', async () => {
      await t.http.patch(`/cooperatives/${phuQuoc.id}`).set(bearer(phuQuoc.key)).send({ name: 'Hợp tác xã Hải sản Gành Dầu' }).expect(200);
      const found = ids(await list({ q: 'ganh dau' }));
      expect(found.sort()).toEqual([p.fishSauce.id, p.fishSauce2.id, p.squid.id, p.ship.id].sort());
      expect(await list({ q: 'ham ninh' })).toEqual([]);
      const item = (await list({ q: 'ganh dau' }))[0];
      expect(item.cooperative.name).toBe('Hợp tác xã Hải sản Gành Dầu');

      await t.http.patch(`/cooperatives/${phuQuoc.id}`).set(bearer(t.adminKey)).send({ provinceCode: '92', communeCode: await communeOf('92') }).expect(200);
      const moved = ids(await list({ provinceCode: '92' }));
      expect(moved.sort()).toEqual([p.fishSauce.id, p.fishSauce2.id, p.squid.id, p.ship.id].sort());
      expect(ids(await list({ provinceCode: '91' }))).toEqual([]);
      expect(ids(await list({ q: 'can tho' })).sort()).toEqual(moved.sort());
      const row = await productRow(p.squid.id);
      expect(row.province_code).toBe('92');
      expect(row.search_extra).toMatch(/^hop tac xa hai san ganh dau can tho/);
    });
  });

  async function communeOf(province: string): Promise<string> {
    const res = await t.http.get(`/regions/provinces/${province}/communes`).expect(200);
    return res.body.items[0].code;
  }

  describe('CatalogService stock (checkout calls it in its own transaction)', () => {
    let ds: DataSource;
    let catalog: CatalogService;
    const today = () => catalog.today();
    beforeAll(() => {
      ds = t.app.get(DataSource);
      catalog = t.app.get(CatalogService);
    });

    it('20 concurrent reservations of 1 unit against a stock of 5: exactly 5 succeed', async () => {
      const prod = await create(gom, { name: 'Bình hút lộc', stockQty: 5 });
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () => ds.transaction((m) => catalog.reserveStock(m, [{ productId: prod.id, qty: 1, index: 0 }], today()))),
      );
      const ok = results.filter((r) => r.status === 'fulfilled');
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(ok).toHaveLength(5);
      expect(failed).toHaveLength(15);
      for (const f of failed) expect(f.reason).toMatchObject({ code: 'out_of_stock', details: [{ field: 'items.0.qty', problem: 'out of stock' }] });
      expect((await productRow(prod.id)).stock_qty).toBe(0);
      // Each line brings its seller: the name and the payout account stored for the cooperative.
      const [seller] = await ds.query(`SELECT bank_bin, bank_account_number, bank_account_name FROM cooperatives WHERE id = $1`, [gom.id]);
      expect(seller.bank_account_number).toMatch(/^\d{6,19}$/);
      expect((ok[0] as PromiseFulfilledResult<unknown>).value).toEqual([
        {
          productId: prod.id, cooperativeId: gom.id, name: 'Bình hút lộc', unit: 'hộp 500g', sku: expect.any(String), priceVnd: 100000, qty: 1,
          cooperative: {
            name: 'Hợp tác xã Gốm sứ Bát Tràng',
            account: { bankBin: seller.bank_bin, accountNumber: seller.bank_account_number, accountName: seller.bank_account_name },
          },
        },
      ]);
      // … and giving them back
      await ds.transaction((m) => catalog.releaseStock(m, [{ productId: prod.id, qty: 5 }]));
      expect((await productRow(prod.id)).stock_qty).toBe(5);
    });

    it('multi-line reservations are all or nothing, in input order, and name the failing line', async () => {
      const a = await create(gom, { name: 'Chén A', stockQty: 3 });
      const b = await create(gom, { name: 'Chén B', stockQty: 1 });
      const taken = await ds.transaction((m) =>
        catalog.reserveStock(m, [{ productId: b.id, qty: 1, index: 0 }, { productId: a.id, qty: 2, index: 1 }], today()),
      );
      expect(taken.map((l) => [l.productId, l.qty])).toEqual([[b.id, 1], [a.id, 2]]);
      await expect(
        ds.transaction((m) => catalog.reserveStock(m, [{ productId: a.id, qty: 1, index: 0 }, { productId: b.id, qty: 1, index: 1 }], today())),
      ).rejects.toMatchObject({ code: 'out_of_stock', details: [{ field: 'items.1.qty', problem: 'out of stock' }] });
      expect((await productRow(a.id)).stock_qty).toBe(1); // the first line was rolled back
      await expect(
        ds.transaction((m) => catalog.reserveStock(m, [{ productId: a.id, qty: 2, index: 4 }], today())),
      ).rejects.toMatchObject({ code: 'out_of_stock', details: [{ field: 'items.4.qty', problem: 'only 1 left in stock' }] });
    });

    it('refuses archived, expired and unknown products', async () => {
      await expect(ds.transaction((m) => catalog.reserveStock(m, [{ productId: p.vase.id, qty: 1, index: 2 }], today()))).rejects.toMatchObject({
        code: 'not_purchasable',
        details: [{ field: 'items.2.productId', problem: 'the product is archived' }],
      });
      await expect(ds.transaction((m) => catalog.reserveStock(m, [{ productId: p.robusta.id, qty: 1, index: 0 }], '2099-01-01'))).rejects.toMatchObject({
        code: 'not_purchasable',
        details: [{ field: 'items.0.productId', problem: expect.stringContaining('expired') }],
      });
      await expect(
        ds.transaction((m) => catalog.reserveStock(m, [{ productId: '7d1c5d2e-8c7a-4a51-9f7e-2f8f4b9c1a11', qty: 1, index: 3 }], today())),
      ).rejects.toMatchObject({ kind: 'not_found', details: [{ field: 'items.3.productId', problem: expect.any(String) }] });
      await expect(ds.transaction((m) => catalog.reserveStock(m, [{ productId: p.robusta.id, qty: 0, index: 0 }], today()))).rejects.toMatchObject({
        kind: 'invalid',
        details: [{ field: 'items.0.qty', problem: 'must be a positive integer' }],
      });
    });
  });

  it('documents the catalog in OpenAPI', async () => {
    const doc = (await t.http.get('/docs-json').expect(200)).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/products', '/products/{id}']));
    expect(Object.keys(doc.paths['/products'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(doc.paths['/products/{id}'])).toEqual(expect.arrayContaining(['get', 'patch', 'delete']));
    for (const s of ['ProductDto', 'CreateProductDto', 'UpdateProductDto', 'OcopInputDto', 'ProductPageDto', 'ProductCooperativeDto']) {
      expect(doc.components.schemas[s]).toBeDefined();
    }
    expect(doc.components.schemas.ProductDto.properties.purchasable).toBeDefined();
  });
});
