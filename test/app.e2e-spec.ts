import { bearer, createTestApp, type TestApp } from './harness/app.js';

describe('app foundation (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers liveness and readiness (database checked)', async () => {
    await t.http.get('/health/live').expect(200, { status: 'ok' });
    const ready = await t.http.get('/health/ready').expect(200);
    expect(ready.body.info.database.status).toBe('up');
  });

  it('serves the OpenAPI document with the error schema', async () => {
    const res = await t.http.get('/docs-json').expect(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(res.body.components.schemas.ErrorResponse).toBeDefined();
    expect(res.body.components.securitySchemes.bearer).toBeDefined();
    await t.http.get('/docs').redirects(1).expect(200);
  });

  it('exposes Prometheus metrics with routes, statuses and the database pool', async () => {
    await t.http.get('/health/live');
    const res = await t.http.get('/metrics').expect(200);
    expect(res.text).toMatch(/http_requests_total\{method="GET",route="\/health\/live",status="200"\} \d+/);
    expect(res.text).toMatch(/db_pool_connections_total \d+/);
    expect(res.text).toMatch(/http_request_duration_seconds_bucket/);
  });

  it('sets security headers and a request id', async () => {
    const res = await t.http.get('/health/live').set('X-Request-Id', 'abc-123');
    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
    // API answers: the short OWASP set; documents (the pages, /docs): helmet's full policy.
    expect(res.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['cross-origin-opener-policy']).toBeUndefined();
    const docs = await t.http.get('/docs/');
    expect(docs.headers['content-security-policy']).toContain("script-src 'self'");
    expect(docs.headers['cross-origin-opener-policy']).toBe('same-origin');
    const shop = await t.http.get('/'); // the storefront shell (or the 503 page when not built)
    expect(shop.headers['content-security-policy']).toContain("script-src 'self'");
    expect(shop.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    const generated = await t.http.get('/health/live');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with the error shape', async () => {
    const res = await t.http.get('/nope').expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  it('answers malformed JSON with 400 and an oversized body with 413', async () => {
    const bad = await t.http.post('/api-keys').set(bearer(t.adminKey)).set('Content-Type', 'application/json').send('{"name":').expect(400);
    expect(bad.body.details).toEqual([{ field: 'body', problem: 'is not valid JSON' }]);
    const big = await t.http.post('/api-keys').set(bearer(t.adminKey)).send({ name: 'x'.repeat(2 * 1024 * 1024) }).expect(413);
    expect(big.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
  });

  describe('API keys', () => {
    it('401 without a key, 401 with a malformed or unknown key', async () => {
      expect((await t.http.get('/me').expect(401)).body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
      await t.http.get('/me').set('Authorization', 'Basic abc').expect(401);
      await t.http.get('/me').set(bearer('ocop_sk_' + 'x'.repeat(43))).expect(401);
    });

    it('bootstraps the admin from ADMIN_API_KEY', async () => {
      const res = await t.http.get('/me').set(bearer(t.adminKey)).expect(200);
      expect(res.body).toEqual({ keyId: 'env', role: 'admin', cooperativeId: null, marketIds: [] });
    });

    it('issues a key once, stores only its hash, lists without secrets, revokes', async () => {
      const issued = await t.http.post('/api-keys').set(bearer(t.adminKey)).send({ name: 'second admin' }).expect(201);
      const key: string = issued.body.key;
      expect(key).toMatch(/^ocop_sk_[A-Za-z0-9_-]{43}$/);
      expect(issued.body.prefix).toBe(key.slice(0, 16));

      const stored = await t.db.query('SELECT * FROM api_keys WHERE id = $1', [issued.body.id]);
      expect(JSON.stringify(stored.rows[0])).not.toContain(key.slice(8));
      expect(stored.rows[0].key_hash).toHaveLength(32);

      const me = await t.http.get('/me').set(bearer(key)).expect(200);
      expect(me.body).toMatchObject({ role: 'admin', keyId: issued.body.id });

      const list = await t.http.get('/api-keys').set(bearer(key)).expect(200);
      expect(list.body.items.map((k: { id: string }) => k.id)).toContain(issued.body.id);
      expect(JSON.stringify(list.body)).not.toContain(key);
      expect(list.body.items[0].key).toBeUndefined();

      await t.http.delete(`/api-keys/${issued.body.id}`).set(bearer(t.adminKey)).expect(200);
      await t.http.get('/me').set(bearer(key)).expect(401);
    });

    it('validates input naming the field, and rejects unknown fields', async () => {
      const before = await t.db.query('SELECT count(*)::int AS n FROM api_keys');
      const res = await t.http.post('/api-keys').set(bearer(t.adminKey)).send({ name: '', role: 'admin' }).expect(400);
      expect(res.body.details).toEqual(
        expect.arrayContaining([
          { field: 'name', problem: expect.stringContaining('name') },
          { field: 'role', problem: 'is not an allowed field' },
        ]),
      );
      const count = await t.db.query('SELECT count(*)::int AS n FROM api_keys');
      expect(count.rows[0].n).toBe(before.rows[0].n);
    });

    it('rejects non-UUID ids and missing keys', async () => {
      expect((await t.http.delete('/api-keys/abc').set(bearer(t.adminKey)).expect(400)).body.details).toEqual([{ field: 'id', problem: 'must be a UUID' }]);
      await t.http.delete('/api-keys/7d1c5d2e-8c7a-4a51-9f7e-2f8f4b9c1a11').set(bearer(t.adminKey)).expect(404);
    });

    it('rejects a bad cursor with 400 naming cursor', async () => {
      const res = await t.http.get('/api-keys?cursor=%%%').set(bearer(t.adminKey)).expect(400);
      expect(res.body.details).toEqual([{ field: 'cursor', problem: 'is not a valid cursor for this list' }]);
    });
  });
});
