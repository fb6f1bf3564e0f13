/**
 * GET /health/ready: 503 the moment the process knows its database is down (the supervisor of the
 * embedded server reports its death), and 503 when the database does not answer a ping; the 503
 * says which in its message. (The process-level behaviour is in startup.e2e-spec.ts.)
 */
import { Client } from 'pg';
import { databaseAvailability } from '../src/health/database-readiness.js';
import { createTestApp, type TestApp } from './harness/app.js';

describe('readiness (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    t.db.on('error', () => undefined); // its connections are terminated below
  });
  afterAll(() => t.close());

  it('answers 503 naming the reason while the database is known to be down, without asking it', async () => {
    await t.http.get('/health/ready').expect(200);
    databaseAvailability.markDown('the embedded PostgreSQL (pid 4242) was killed (SIGKILL, e.g. by the out-of-memory killer)');
    try {
      const res = await t.http.get('/health/ready').expect(503);
      expect(res.body).toEqual({
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'database: the embedded PostgreSQL (pid 4242) was killed (SIGKILL, e.g. by the out-of-memory killer)',
      });
      await t.http.get('/health/live').expect(200); // liveness does not depend on the database
    } finally {
      databaseAvailability.markUp();
    }
    await t.http.get('/health/ready').expect(200);
  });

  it('answers 503 when the database refuses connections, and 200 again when it is back', async () => {
    const db = new URL(t.databaseUrl).pathname.slice(1);
    const admin = new Client({ connectionString: process.env.OCOP_TEST_ADMIN_URL });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE ${db} WITH ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [db]);
      const res = await t.http.get('/health/ready').expect(503);
      expect(res.body.message).toBe('database: does not answer');
      await admin.query(`ALTER DATABASE ${db} WITH ALLOW_CONNECTIONS true`);
      await t.http.get('/health/ready').expect(200);
    } finally {
      await admin.query(`ALTER DATABASE ${db} WITH ALLOW_CONNECTIONS true`).catch(() => undefined);
      await admin.end();
    }
  });
});
