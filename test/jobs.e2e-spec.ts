import { Client } from 'pg';
import { JobsService } from '../src/jobs/jobs.service.js';
import { createTestApp, type TestApp } from './harness/app.js';

/** Waits until `check` returns a value other than undefined (polling; the queue is asynchronous). */
async function eventually<T>(check: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('job queue (e2e, pg-boss on the real database)', () => {
  let t: TestApp;
  let jobs: JobsService;
  const seen: Array<{ n: number; job: string }> = [];

  beforeAll(async () => {
    t = await createTestApp({ env: { JOB_SWEEP_SECONDS: '0' } });
    jobs = t.app.get(JobsService);
    await jobs.register<{ n: number }>({
      name: 'test-echo',
      handler: async (data, ctx) => {
        seen.push({ n: data.n, job: ctx.id });
      },
    });
  });
  afterAll(() => t.close());

  it('is installed by the migration, not at run time (pg-boss runs with migrate: false)', async () => {
    const { rows } = await t.db.query(`SELECT version FROM pgboss.version`);
    expect(rows).toEqual([{ version: 24 }]);
    const m = await t.db.query(`SELECT name FROM migrations WHERE name = 'JobQueue1764979200000'`);
    expect(m.rowCount).toBe(1);
  });

  it('runs a sent job once, in this instance (background work is on by default)', async () => {
    const id = await jobs.send('test-echo', { n: 1 });
    expect(id).toEqual(expect.any(String));
    const hit = await eventually(async () => seen.find((s) => s.n === 1));
    expect(hit.job).toBe(id);
    await eventually(async () => {
      const { rows } = await t.db.query(`SELECT state FROM pgboss.job WHERE id = $1`, [id]);
      return rows[0]?.state === 'completed' ? true : undefined;
    });
    expect(seen.filter((s) => s.n === 1)).toHaveLength(1);
  });

  it('a job sent inside a transaction exists only if the transaction commits', async () => {
    const ds = t.app.get(JobsService)['ds'] as import('typeorm').DataSource;
    await expect(
      ds.transaction(async (m) => {
        await jobs.send('test-echo', { n: 2 }, { manager: m });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    let committed: string | null = null;
    await ds.transaction(async (m) => {
      committed = await jobs.send('test-echo', { n: 3 }, { manager: m });
    });
    jobs.wake('test-echo');
    await eventually(async () => seen.find((s) => s.n === 3));
    expect(committed).toEqual(expect.any(String));
    const { rows } = await t.db.query(`SELECT data->>'n' AS n FROM pgboss.job WHERE name = 'test-echo' ORDER BY created_on`);
    expect(rows.map((r) => r.n)).not.toContain('2');
    expect(seen.some((s) => s.n === 2)).toBe(false);
  });

  it('one queued job per singleton key', async () => {
    const other = jobs;
    // The handler blocks until released, so the first job stays active while more are sent.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const ran: string[] = [];
    await other.register<{ k: string }>({
      name: 'test-gated',
      handler: async (d) => {
        ran.push(d.k);
        await gate;
      },
    });
    const first = await other.send('test-gated', { k: 'a' }, { singletonKey: 'a' });
    await eventually(async () => (ran.includes('a') ? true : undefined)); // active now, not queued
    const second = await other.send('test-gated', { k: 'a2' }, { singletonKey: 'a' });
    const third = await other.send('test-gated', { k: 'a3' }, { singletonKey: 'a' });
    expect(first).toEqual(expect.any(String));
    expect(second).toEqual(expect.any(String)); // the active one does not count
    expect(third).toBeNull(); // the second is still queued behind the first (batchSize 1)
    release();
    await eventually(async () => (ran.includes('a2') ? true : undefined));
  });

  it('a lease is exclusive, visible to leased(), and ends with the connection that holds it', async () => {
    let inside = false;
    const outer = await jobs.lease('q', 'item-1', async () => {
      inside = true;
      expect(await jobs.leased('q', 'item-1')).toBe(true);
      const again = await jobs.lease('q', 'item-1', async () => 'never');
      expect(again).toEqual({ held: false });
      return 'done';
    });
    expect(inside).toBe(true);
    expect(outer).toEqual({ held: true, value: 'done' });
    expect(await jobs.leased('q', 'item-1')).toBe(false);

    // A process that dies loses its session locks: hold one from another connection, then kill it.
    const other = new Client({ connectionString: t.databaseUrl });
    await other.connect();
    await other.query(`SELECT pg_advisory_lock(7710100, hashtext('q:item-2'))`);
    const { rows } = await other.query('SELECT pg_backend_pid() AS pid');
    expect(await jobs.leased('q', 'item-2')).toBe(true);
    expect(await jobs.lease('q', 'item-2', async () => 1)).toEqual({ held: false });
    other.on('error', () => undefined);
    await t.db.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
    await eventually(async () => ((await jobs.leased('q', 'item-2')) ? undefined : true));
    expect(await jobs.lease('q', 'item-2', async () => 2)).toEqual({ held: true, value: 2 });
  });

  it('the recovery sweep re-sends owed work that no live process holds, and skips held work', async () => {
    const owed = new Set(['x', 'y']);
    const done: string[] = [];
    await jobs.register<{ k: string }>({
      name: 'test-owed',
      handler: async (d) => {
        const r = await jobs.lease('test-owed', d.k, async () => {
          done.push(d.k);
          owed.delete(d.k);
        });
        if (!r.held) return; // a live process works on it
      },
      recover: async () => [...owed].map((k) => ({ key: k, data: { k } })),
    });
    // y is held by a live session: the sweep must leave it alone.
    const holder = new Client({ connectionString: t.databaseUrl });
    await holder.connect();
    await holder.query(`SELECT pg_advisory_lock(7710100, hashtext('test-owed:y'))`);
    try {
      await jobs.sweep();
      await eventually(async () => (done.includes('x') ? true : undefined));
      await new Promise((r) => setTimeout(r, 300));
      expect(done).toEqual(['x']);
      const { rows } = await t.db.query(`SELECT data->>'k' AS k FROM pgboss.job WHERE name = 'test-owed'`);
      expect(rows.map((r) => r.k)).toEqual(['x']);
    } finally {
      await holder.end();
    }
    await jobs.sweep();
    await eventually(async () => (done.includes('y') ? true : undefined));
    expect(done).toEqual(['x', 'y']);
  });

  it('instances starting together on a database without queues create them once, without deadlocking', async () => {
    for (let round = 0; round < 3; round++) {
      await t.db.query(`SELECT pgboss.delete_queue(name) FROM pgboss.queue WHERE name NOT LIKE 'test-%'`);
      const apps = await Promise.all([1, 2, 3].map(() => createTestApp({ sameDatabaseAs: t, env: { BACKGROUND_JOBS: 'false', JOB_SWEEP_SECONDS: '0' } })));
      await Promise.all(apps.map((a) => a.close()));
      const { rows } = await t.db.query(`SELECT name FROM pgboss.queue WHERE name NOT LIKE 'test-%' ORDER BY name`);
      expect(rows.map((r) => r.name)).toEqual(['media.process-photo', 'statement-import']);
    }
  });
});
