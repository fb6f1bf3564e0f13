import { randomUUID } from 'node:crypto';
import { bearer, createTestApp, type TestApp } from './harness/app.js';
import { createCooperative } from './harness/fixtures.js';

type Role = 'admin' | 'cooperative' | 'market_manager';
type Who = 'anonymous' | Role;

/**
 * The role × route matrix: every route of the API (checked against the OpenAPI document, so a new
 * route cannot slip in without a decision here) with who may call it. Ownership within a role
 * (another cooperative's order, another market) is tested beside each feature.
 */
const ROUTES: Array<[method: string, path: string, access: 'public' | Role[]]> = [
  ['get', '/health/live', 'public'],
  ['get', '/health/ready', 'public'],
  ['get', '/me', ['admin', 'cooperative', 'market_manager']],
  ['post', '/api-keys', ['admin']],
  ['get', '/api-keys', ['admin', 'cooperative', 'market_manager']],
  ['delete', '/api-keys/{id}', ['admin', 'cooperative', 'market_manager']],
  ['get', '/regions/provinces', 'public'],
  ['get', '/regions/provinces/{code}/communes', 'public'],
  ['get', '/banks', 'public'],
  ['post', '/cooperatives', ['admin']],
  ['get', '/cooperatives', 'public'],
  ['get', '/cooperatives/{id}', 'public'],
  ['patch', '/cooperatives/{id}', ['admin', 'cooperative']],
  ['post', '/cooperatives/{id}/api-keys', ['admin', 'cooperative']],
  ['get', '/cooperatives/{id}/orders', ['admin', 'cooperative']],
  ['get', '/cooperatives/{id}/balance', ['admin', 'cooperative']],
  ['get', '/cooperatives/{id}/transfers', ['admin', 'cooperative']],
  ['get', '/cooperatives/{id}/ledger', ['admin', 'cooperative']],
  ['get', '/cooperatives/{id}/refunds', ['admin', 'cooperative']],
  ['post', '/cooperatives/{id}/bank-feeds', ['admin', 'cooperative']],
  ['get', '/cooperatives/{id}/bank-feeds', ['admin', 'cooperative']],
  ['post', '/products', ['admin', 'cooperative']],
  ['get', '/products', 'public'],
  ['get', '/products/{id}', 'public'],
  ['patch', '/products/{id}', ['admin', 'cooperative']],
  ['delete', '/products/{id}', ['admin', 'cooperative']],
  ['post', '/products/{id}/images', ['admin', 'cooperative']],
  ['get', '/products/{id}/images', ['admin', 'cooperative']],
  ['patch', '/products/{id}/images', ['admin', 'cooperative']],
  ['delete', '/products/{id}/images/{imageId}', ['admin', 'cooperative']],
  ['get', '/media/photos/{photoId}/{file}', 'public'],
  ['post', '/checkout', 'public'],
  ['get', '/orders/{id}', 'public'],
  ['get', '/orders/{id}/qr.png', 'public'],
  ['get', '/orders/{id}/qr.svg', 'public'],
  ['post', '/orders/{id}/transitions', ['admin', 'cooperative']],
  ['post', '/orders/{id}/refunds', ['admin', 'cooperative']],
  ['post', '/vietqr/decode', 'public'],
  ['post', '/vietqr/encode', 'public'],
  ['get', '/vietqr/qr.png', 'public'],
  ['get', '/vietqr/qr.svg', 'public'],
  ['post', '/webhooks/stripe', 'public'],
  ['post', '/webhooks/bank-transactions', 'public'],
  ['post', '/webhooks/bank/{feedId}', 'public'],
  ['post', '/reconciliation/statements', ['admin', 'cooperative']],
  ['get', '/reconciliation/statements/{id}', ['admin', 'cooperative']],
  ['get', '/reconciliation/unmatched', ['admin', 'cooperative']],
  ['get', '/reconciliation/transactions/{id}', ['admin', 'cooperative']],
  ['post', '/reconciliation/transactions/{id}/match', ['admin', 'cooperative']],
  ['post', '/reconciliation/transactions/{id}/ignore', ['admin', 'cooperative']],
  ['post', '/reconciliation/transactions/{id}/reopen', ['admin', 'cooperative']],
  ['get', '/reconciliation/report', ['admin', 'cooperative']],
  ['post', '/markets', ['admin']],
  ['get', '/markets', 'public'],
  ['get', '/markets/stats', ['admin', 'market_manager']],
  ['get', '/markets/{id}', 'public'],
  ['patch', '/markets/{id}', ['admin', 'market_manager']],
  ['post', '/markets/{id}/api-keys', ['admin']],
  ['get', '/markets/{id}/qr-cards.pdf', ['admin', 'market_manager']],
  ['get', '/markets/{id}/stats', ['admin', 'market_manager']],
  ['post', '/markets/{id}/stalls', ['admin', 'market_manager']],
  ['post', '/markets/{id}/stalls/import-qr', ['admin', 'market_manager']],
  ['get', '/markets/{id}/stalls', ['admin', 'market_manager']],
  ['post', '/markets/{id}/transactions', ['admin', 'market_manager']],
  ['post', '/markets/{id}/transactions/batch', ['admin', 'market_manager']],
  ['get', '/markets/{id}/transactions', ['admin', 'market_manager']],
  ['post', '/markets/{id}/bank-feeds', ['admin', 'market_manager']],
  ['get', '/markets/{id}/bank-feeds', ['admin', 'market_manager']],
  ['delete', '/bank-feeds/{id}', ['admin', 'cooperative', 'market_manager']],
  ['get', '/stalls/{id}', ['admin', 'market_manager']],
  ['patch', '/stalls/{id}', ['admin', 'market_manager']],
  ['get', '/stalls/{id}/qr.png', 'public'],
  ['get', '/stalls/{id}/qr.svg', 'public'],
];

describe('authorization matrix (e2e)', () => {
  let t: TestApp;
  const keys: Partial<Record<Role, string>> = {};
  let coopId: string;
  let marketId: string;

  beforeAll(async () => {
    t = await createTestApp();
    keys.admin = t.adminKey;
    const coop = await createCooperative(t);
    coopId = coop.id;
    keys.cooperative = coop.key;
    const market = await t.http
      .post('/markets')
      .set(bearer(t.adminKey))
      .send({ name: 'Chợ 4.0 Ea Kao', provinceCode: '66', communeCode: '24169', address: 'Buôn Kao' })
      .expect(201);
    marketId = market.body.id;
    keys.market_manager = (await t.http.post(`/markets/${marketId}/api-keys`).set(bearer(t.adminKey)).send({ name: 'quản lý chợ' }).expect(201)).body.key;
  });
  afterAll(() => t.close());

  it('lists every route of the OpenAPI document', async () => {
    const doc = await t.http.get('/docs-json').expect(200);
    const documented = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method} ${path}`),
    );
    const inMatrix = new Set(ROUTES.map(([m, p]) => `${m} ${p}`));
    expect(documented.filter((r) => !inMatrix.has(r))).toEqual([]);
    expect([...inMatrix].filter((r) => !documented.includes(r))).toEqual([]);
  });

  const concrete = (path: string) =>
    path
      .replace('/cooperatives/{id}', () => `/cooperatives/${coopId}`)
      .replace('/markets/{id}', () => `/markets/${marketId}`)
      .replace('{code}', '66')
      .replace('{feedId}', () => randomUUID())
      .replace('{imageId}', () => randomUUID())
      .replace('{photoId}', () => randomUUID())
      .replace('{file}', 'w320.webp')
      .replace('{id}', randomUUID());

  const call = (method: string, path: string, who: Who) => {
    const req = (t.http as unknown as Record<string, (p: string) => ReturnType<typeof t.http.get>>)[method](concrete(path));
    if (who !== 'anonymous') req.set(bearer(keys[who]!));
    return method === 'get' || method === 'delete' ? req : req.send({});
  };

  describe.each(ROUTES)('%s %s', (method, path, access) => {
    if (access === 'public') {
      it('is open to anonymous callers', async () => {
        const res = await call(method, path, 'anonymous');
        expect([401, 403]).not.toContain(res.status);
      });
      return;
    }
    it('401 for anonymous callers', async () => {
      const res = await call(method, path, 'anonymous');
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    });
    for (const role of ['admin', 'cooperative', 'market_manager'] as Role[]) {
      if (access.includes(role)) {
        it(`lets ${role} through`, async () => {
          const res = await call(method, path, role);
          expect([401, 403]).not.toContain(res.status);
        });
      } else {
        it(`403 for ${role}`, async () => {
          const res = await call(method, path, role);
          expect(res.status).toBe(403);
        });
      }
    }
  });
});
