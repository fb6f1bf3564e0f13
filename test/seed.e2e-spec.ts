import { seedDemoData } from '../src/database/seed.js';
import { createTestApp, type TestApp } from './harness/app.js';

describe('demo seed (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('seeds cooperatives in several provinces and products of all six OCOP groups, once', async () => {
    const [first, second] = await Promise.all([seedDemoData(t.app), seedDemoData(t.app)]);
    const report = first ?? second;
    expect([first, second].filter((r) => r === null)).toHaveLength(1);
    expect(report!.cooperatives).toBeGreaterThanOrEqual(3);
    expect(report!.products).toBeGreaterThanOrEqual(20);
    const provinces = await t.db.query('SELECT count(DISTINCT province_code)::int AS n FROM cooperatives');
    expect(provinces.rows[0].n).toBeGreaterThanOrEqual(3);
    const groups = await t.db.query('SELECT array_agg(DISTINCT ocop_group ORDER BY ocop_group) AS g FROM products');
    expect(groups.rows[0].g).toEqual(['beverages', 'community_tourism', 'food', 'handicrafts', 'herbal', 'ornamental']);
    expect(await seedDemoData(t.app)).toBeNull();
    const count = await t.db.query('SELECT count(*)::int AS n FROM products');
    expect(count.rows[0].n).toBe(report!.products);
  });

  it('keeps Vietnamese diacritics and is found by diacritic-insensitive search', async () => {
    const res = await t.http.get('/products').query({ q: 'ca phe dak lak' }).expect(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    expect(res.body.items[0].name).toMatch(/cà phê/i);
    expect(res.body.items[0].name).toMatch(/Đắk Lắk/); // every word in the name ranks first
    const tea = await t.http.get('/products').query({ q: 'che tan cuong' }).expect(200);
    expect(tea.body.items.map((p: { name: string }) => p.name)).toContain('Chè búp Tân Cương đặc biệt');
  });

  it('gives every demo product a picture drawn locally, processed by the job queue into WebP sizes', async () => {
    const photos = await t.db.query(`SELECT count(*)::int AS n, count(DISTINCT product_id)::int AS products FROM product_photos`);
    const products = await t.db.query('SELECT count(*)::int AS n FROM products');
    expect(photos.rows[0]).toEqual({ n: products.rows[0].n, products: products.rows[0].n });
    const until = Date.now() + 60_000;
    for (;;) {
      const pending = await t.db.query(`SELECT count(*)::int AS n FROM product_photos WHERE status <> 'ready'`);
      if (pending.rows[0].n === 0) break;
      if (Date.now() > until) throw new Error(`${pending.rows[0].n} demo pictures not ready`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const page = await t.http.get('/products').query({ limit: 100 }).expect(200);
    for (const p of page.body.items) {
      expect(p.photos).toHaveLength(1);
      expect(p.images[0]).toBe(p.photos[0].sizes['1280']);
      expect([p.photos[0].width, p.photos[0].height]).toEqual([1280, 960]);
    }
    const file = await t.http.get(new URL(page.body.items[0].photos[0].sizes['640']).pathname).expect(200);
    expect(file.headers['content-type']).toBe('image/webp');
  });

  it('issued a working cooperative key', async () => {
    const keys = await t.db.query(`SELECT count(*)::int AS n FROM api_keys WHERE role = 'cooperative'`);
    expect(keys.rows[0].n).toBe(1);
  });
});
