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

  it('issued a working cooperative key', async () => {
    const keys = await t.db.query(`SELECT count(*)::int AS n FROM api_keys WHERE role = 'cooperative'`);
    expect(keys.rows[0].n).toBe(1);
  });
});
