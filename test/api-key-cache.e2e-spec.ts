import { ApiKeysService } from '../src/auth/api-keys.service.js';
import { ManualClock } from '../src/common/clock.js';
import { bearer, createTestApp, type TestApp } from './harness/app.js';

/** API keys answered from memory, revoked everywhere at once (LISTEN/NOTIFY), two instances on one database. */
describe('API key cache across instances (e2e)', () => {
  let a: TestApp;
  let b: TestApp;
  const clock = new ManualClock(new Date('2026-11-27T02:00:00Z'));

  beforeAll(async () => {
    a = await createTestApp({ clock, env: { API_KEY_CACHE_SECONDS: '10' } });
    b = await createTestApp({ clock, env: { API_KEY_CACHE_SECONDS: '10' }, sameDatabaseAs: a });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  async function newKey(): Promise<string> {
    return (await a.http.post('/api-keys').set(bearer(a.adminKey)).send({ name: 'cached' }).expect(201)).body.key;
  }
  it('a verified key is answered from memory until it expires', async () => {
    const key = await newKey();
    const id = (await b.http.get('/me').set(bearer(key)).expect(200)).body.keyId; // verified and remembered on b
    // Revoked in the table only (not through the API: no notice): b answers from memory…
    await a.db.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1`, [id]);
    for (let i = 0; i < 5; i++) await b.http.get('/me').set(bearer(key)).expect(200);
    // …which a does not share, and which lasts API_KEY_CACHE_SECONDS.
    await a.http.get('/me').set(bearer(key)).expect(401);
    clock.advance(10_001);
    await b.http.get('/me').set(bearer(key)).expect(401);
  });

  it('a key revoked on one instance is refused by the other at once, although it held it in memory', async () => {
    const key = await newKey();
    await b.http.get('/me').set(bearer(key)).expect(200); // cached on b
    const id = (await a.http.get('/me').set(bearer(key)).expect(200)).body.keyId;
    await a.http.delete(`/api-keys/${id}`).set(bearer(a.adminKey)).expect(200);
    await a.http.get('/me').set(bearer(key)).expect(401); // the revoking instance: synchronously
    // The other instance: as soon as the notice arrives (milliseconds); well within the 10 s the key
    // would otherwise stay in memory, and the clock does not move.
    let status = 0;
    for (let i = 0; i < 40 && status !== 401; i++) {
      status = (await b.http.get('/me').set(bearer(key))).status;
      if (status !== 401) await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(401);
  });

  it('while the revocation channel is lost, nothing is answered from memory (a revocation cannot be missed)', async () => {
    const key = await newKey();
    const id = (await b.http.get('/me').set(bearer(key)).expect(200)).body.keyId; // cached on b
    // Cut b's LISTEN connection; once b has noticed (at once here; a silent loss within its 2 s
    // heartbeat), revoke behind everyone's back (no NOTIFY at all).
    const listener = (b.app.get(ApiKeysService) as unknown as { listener: { live: boolean } }).listener;
    await a.db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ocop-market:ocop_api_key_revoked' AND datname = current_database()`);
    for (let i = 0; i < 100 && listener.live; i++) await new Promise((r) => setTimeout(r, 20));
    expect(listener.live).toBe(false);
    await a.db.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1`, [id]);
    await b.http.get('/me').set(bearer(key)).expect(401);
    // b listens again after its back-off and keeps working.
    const other = await newKey();
    for (let i = 0; i < 100 && !(b.app.get(ApiKeysService) as unknown as { listener: { live: boolean } }).listener.live; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await b.http.get('/me').set(bearer(other)).expect(200);
  });
});
