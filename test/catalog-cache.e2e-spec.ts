import { ManualClock } from '../src/common/clock.js';
import { bearer, createTestApp, type TestApp } from './harness/app.js';
import { buyer, createCooperative, createProduct, type CreatedCooperative } from './harness/fixtures.js';

/**
 * Public product lists kept for CATALOG_CACHE_SECONDS on each instance, cleared on every instance
 * when a product changes (NOTIFY); two instances on one database.
 */
describe('catalog list cache across instances (e2e)', () => {
  let a: TestApp;
  let b: TestApp;
  let coop: CreatedCooperative;
  const clock = new ManualClock(new Date('2026-11-27T02:00:00Z'));

  beforeAll(async () => {
    a = await createTestApp({ clock, env: { CATALOG_CACHE_SECONDS: '5' } });
    b = await createTestApp({ clock, env: { CATALOG_CACHE_SECONDS: '5' }, sameDatabaseAs: a });
    coop = await createCooperative(a, { taxCode: '0300588569' });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  const names = async (t: TestApp, q = 'ca phe') => (await t.http.get('/products').query({ q }).expect(200)).body.items.map((p: { name: string }) => p.name);
  const stockOf = async (t: TestApp, id: string) =>
    (await t.http.get('/products').query({ cooperativeId: coop.id }).expect(200)).body.items.find((p: { id: string }) => p.id === id).stockQty as number;
  async function until(check: () => Promise<boolean>) {
    for (let i = 0; i < 100; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('not in time');
  }

  it('answers a repeated list from memory (a change made behind the app is not seen until the entry expires)', async () => {
    const id = await createProduct(a, coop.key, { name: 'Cà phê Robusta rang mộc', stockQty: 10 });
    expect(await names(b)).toEqual(['Cà phê Robusta rang mộc']); // b stores it
    await a.db.query(`UPDATE products SET name = 'Cà phê đổi tên ngầm' WHERE id = $1`, [id]); // not through the app: no notice
    expect(await names(b)).toEqual(['Cà phê Robusta rang mộc']);
    clock.advance(5_001);
    expect(await names(b, 'ca phe')).toEqual(['Cà phê đổi tên ngầm']);
  });

  it('a product changed through another instance clears this one at once', async () => {
    expect(await names(b, 'tra')).toEqual([]);
    await createProduct(a, coop.key, { name: 'Trà xanh Tân Cương', stockQty: 5 });
    await until(async () => (await names(b, 'tra')).length === 1); // no clock movement: the notice cleared b
    const [id] = (await a.http.get('/products').query({ q: 'tra' }).expect(200)).body.items.map((p: { id: string }) => p.id);
    await a.http.patch(`/products/${id}`).set(bearer(coop.key)).send({ name: 'Trà móc câu Tân Cương' }).expect(200);
    await until(async () => (await names(b, 'tra')).includes('Trà móc câu Tân Cương'));
    await a.http.delete(`/products/${id}`).set(bearer(coop.key)).expect(200);
    await until(async () => (await names(b, 'tra')).length === 0);
  });

  it('stock in lists may lag by at most the time to live; the product page and the checkout are exact', async () => {
    const id = await createProduct(a, coop.key, { name: 'Mật ong hoa cà phê', stockQty: 3 });
    expect(await stockOf(b, id)).toBe(3);
    await b.http.post('/checkout').send({ buyer: buyer(), items: [{ productId: id, qty: 3 }], paymentMethod: 'vietqr' }).expect(201);
    expect(await stockOf(b, id)).toBe(3); // the cached list
    expect((await b.http.get(`/products/${id}`).expect(200)).body.stockQty).toBe(0);
    await b.http.post('/checkout').send({ buyer: buyer(), items: [{ productId: id, qty: 1 }], paymentMethod: 'vietqr' }).expect(409);
    clock.advance(5_001);
    expect(await stockOf(b, id)).toBe(0);
  });

  it('a list with includeInactive (a cooperative\'s own view) is never cached', async () => {
    const id = await createProduct(a, coop.key, { name: 'Cà phê chồn', stockQty: 1 });
    const own = () => b.http.get('/products').query({ cooperativeId: coop.id, includeInactive: 'true' }).set(bearer(coop.key)).expect(200);
    expect((await own()).body.items.some((p: { id: string }) => p.id === id)).toBe(true);
    await a.db.query(`UPDATE products SET name = 'Cà phê chồn (đổi)' WHERE id = $1`, [id]);
    expect((await own()).body.items.find((p: { id: string }) => p.id === id).name).toBe('Cà phê chồn (đổi)');
  });
});
