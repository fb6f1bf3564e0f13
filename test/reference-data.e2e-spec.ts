import { createTestApp, type TestApp } from './harness/app.js';

describe('reference data (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('lists the 34 provinces with official codes', async () => {
    const res = await t.http.get('/regions/provinces').expect(200);
    expect(res.body.items).toHaveLength(34);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.items[0]).toEqual({ code: '01', name: 'Hà Nội', fullName: 'Thành phố Hà Nội', nameEn: expect.any(String), type: 'city' });
    expect(res.body.items.map((p: { code: string }) => p.code)).toContain('66');
    expect(res.headers['cache-control']).toContain('max-age');
  });

  it('lists the communes of a province, filterable without diacritics', async () => {
    const res = await t.http.get('/regions/provinces/66/communes').expect(200);
    expect(res.body.items.length).toBeGreaterThan(50);
    expect(res.body.items.every((c: { provinceCode: string }) => c.provinceCode === '66')).toBe(true);
    const filtered = await t.http.get('/regions/provinces/66/communes').query({ q: 'buon ma thuot' }).expect(200);
    expect(filtered.body.items.map((c: { fullName: string }) => c.fullName)).toContain('Phường Buôn Ma Thuột');
  });

  it('404 for an unknown province', async () => {
    const res = await t.http.get('/regions/provinces/99/communes').expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, message: 'Province 99 not found' });
  });

  it('lists the NAPAS banks', async () => {
    const res = await t.http.get('/banks').expect(200);
    expect(res.body.items.length).toBeGreaterThanOrEqual(50);
    expect(res.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ bin: '970436', shortName: 'Vietcombank' })]));
  });
});
