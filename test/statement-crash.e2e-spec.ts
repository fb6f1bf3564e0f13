import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../src/database/embedded-postgres.js';
import { checkLedger } from '../src/ledger/ledger.service.js';
import { MAX_IMPORT_ATTEMPTS, STATEMENT_IMPORT_QUEUE } from '../src/reconciliation/statement-import.service.js';
import { bearer, createTestApp, type TestApp } from './harness/app.js';
import { ensureBuilt } from './harness/dist.js';
import { buyer, createCooperative, createProduct } from './harness/fixtures.js';

/**
 * A statement import survives the process that runs it (issue 10): a real app process is killed
 * with SIGKILL in the middle of an import, another one is started, and the import finishes by
 * itself, every line stored once and every order paid once.
 */
describe('statement import across a crash (e2e, real processes, kill -9)', () => {
  let t: TestApp;
  let main: string;
  let dataDir: string;
  const children = new Set<ChildProcess>();
  const LINES = 12_000;
  const ORDERS = 12;

  beforeAll(async () => {
    main = ensureBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'ocop-crash-'));
    // This process only takes the upload: its app runs no background work, so the import waits
    // for a worker process.
    t = await createTestApp({ env: { BACKGROUND_WORK: 'false' } });
  }, 120_000);
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function startWorker(): Promise<ChildProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, [main], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DATABASE_URL: t.databaseUrl,
        DATA_DIR: dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        SEED_DEMO: 'false',
        BACKGROUND_WORK: 'true',
        JOB_SWEEP_SECONDS: '1',
        ORDER_EXPIRY_SWEEP_SECONDS: '0',
        LOG_LEVEL: 'warn',
        LOG_FORMAT: 'json',
        WEB_CONCURRENCY: '1',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    children.add(child);
    child.once('exit', (code, signal) => {
      children.delete(child);
      if (code && code !== 0 && signal === null) console.error(`worker exited ${code}: ${stderr}`);
    });
    return child;
  }

  const row = async (id: string) => (await t.db.query(`SELECT * FROM statement_imports WHERE id = $1`, [id])).rows[0];
  async function until<T>(what: string, check: () => Promise<T | undefined | false>, ms = 90_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = await check();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const leased = async (id: string) =>
    (
      await t.db.query(
        `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = 7710100 AND objid = (hashtext($1)::bigint & 4294967295)::oid AND objsubid = 2) AS held`,
        [`${STATEMENT_IMPORT_QUEUE}:${id}`],
      )
    ).rows[0].held as boolean;

  it('kill -9 during an import: the next process resumes it and ends in the state of an uninterrupted run', async () => {
    const coop = await createCooperative(t, { taxCode: '0300588569' }); // account 1023456789
    const product = await createProduct(t, coop.key, { priceVnd: 75_000, stockQty: 100 });
    const orders: Array<{ id: string; ref: string }> = [];
    for (let i = 0; i < ORDERS; i++) {
      const res = await t.http.post('/checkout').send({ buyer: buyer(), items: [{ productId: product, qty: 1 }], paymentMethod: 'vietqr' }).expect(201);
      orders.push({ id: res.body.orders[0].id, ref: res.body.orders[0].payment.reference });
    }
    // One paying line per 1,000, the rest transfers nothing matches; no bank ids, so every line's
    // key is its content and its position among identical lines.
    const lines = ['booked_at,account_number,direction,amount,description'];
    for (let i = 0; i < LINES; i++) {
      const k = i % 1000 === 999 ? (i - 999) / 1000 : -1;
      lines.push(k >= 0 ? `2026-11-27 09:00:00,1023456789,in,75000,IBFT ${orders[k].ref} thanh toan` : `2026-11-27 09:00:00,1023456789,in,1000,chuyen tien ${i % 50}`);
    }
    const upload = await t.http
      .post('/reconciliation/statements')
      .set(bearer(t.adminKey))
      .attach('file', Buffer.from(lines.join('\n')), 'sao-ke-lon.csv')
      .expect(202);
    const id: string = upload.body.id;
    expect(upload.body.status).toBe('processing');
    expect((await t.db.query(`SELECT count(*)::int AS n FROM statement_files WHERE import_id = $1`, [id])).rows[0].n).toBeGreaterThan(0);

    // Worker A starts the import; it is killed once some batches have committed.
    const a = await startWorker();
    const before = await until('two committed batches', async () => {
      const r = await row(id);
      return r.lines_read >= 2000 && r;
    });
    expect(before.status).toBe('processing');
    a.kill('SIGKILL');
    await until('worker A gone', async () => a.exitCode !== null || a.signalCode !== null);
    // Its lease ends with its connections; the import is still owed.
    await until('lease released', async () => !(await leased(id)));
    const atCrash = await row(id);
    expect(atCrash.status).toBe('processing');
    expect(atCrash.lines_read).toBeLessThan(LINES);
    expect(atCrash.lines_read % 1000).toBe(0); // only whole batches were committed

    // Worker B: nobody uploads anything again.
    await startWorker();
    const done = await until('import completed', async () => {
      const r = await row(id);
      return r.status !== 'processing' && r;
    });
    expect(done).toMatchObject({ status: 'completed', lines_read: LINES, inserted: LINES, duplicates: 0, matched: ORDERS, unmatched: LINES - ORDERS, error: null });
    expect(done.attempts).toBe(2);

    const stored = await t.db.query(`SELECT count(*)::int AS n, count(DISTINCT external_id)::int AS keys FROM bank_transactions WHERE statement_import_id = $1`, [id]);
    expect(stored.rows[0]).toEqual({ n: LINES, keys: LINES });
    const paid = await t.db.query(
      `SELECT o.status, p.received_vnd::int AS received FROM orders o JOIN payments p ON p.order_id = o.id WHERE o.id = ANY($1::uuid[])`,
      [orders.map((o) => o.id)],
    );
    expect(paid.rows).toHaveLength(ORDERS);
    expect(paid.rows.every((r) => r.status === 'paid' && r.received === 75_000)).toBe(true);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM statement_files WHERE import_id = $1`, [id])).rows[0].n).toBe(0);
    const ledger = await checkLedger({ query: async (sql) => (await t.db.query(sql)).rows });
    expect(ledger.ok).toBe(true);
    const api = await t.http.get(`/reconciliation/statements/${id}`).set(bearer(t.adminKey)).expect(200);
    expect(api.body).toMatchObject({ status: 'completed', linesRead: LINES, inserted: LINES });
  }, 180_000);

  it('an import that cannot finish ends failed with the reason (no file; started too often)', async () => {
    const csv = 'booked_at,account_number,direction,amount,description\n2026-11-27 09:00:00,1023456789,in,5000,abc\n';
    const mk = async (name: string) => (await t.http.post('/reconciliation/statements').set(bearer(t.adminKey)).attach('file', Buffer.from(csv), name).expect(202)).body.id as string;
    const noFile = await mk('gone.csv');
    const tooOften = await mk('again.csv');
    await t.db.query(`DELETE FROM statement_files WHERE import_id = $1`, [noFile]);
    await t.db.query(`UPDATE statement_imports SET attempts = $2 WHERE id = $1`, [tooOften, MAX_IMPORT_ATTEMPTS]);
    // A worker (still running from the test above, or a new one) picks both up.
    if (!children.size) await startWorker();
    const a = await until('failed', async () => {
      const r = await row(noFile);
      return r.status !== 'processing' && r;
    });
    const b = await until('failed', async () => {
      const r = await row(tooOften);
      return r.status !== 'processing' && r;
    });
    expect(a).toMatchObject({ status: 'failed', error: expect.stringContaining('no longer available') });
    expect(b).toMatchObject({ status: 'failed', error: expect.stringContaining(`started ${MAX_IMPORT_ATTEMPTS} times`) });
    expect((await t.db.query(`SELECT count(*)::int AS n FROM statement_files WHERE import_id = $1`, [tooOften])).rows[0].n).toBe(0);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM bank_transactions WHERE statement_import_id = ANY($1::uuid[])`, [[noFile, tooOften]])).rows[0].n).toBe(0);
  }, 120_000);
});
