import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import PgBoss from 'pg-boss';
import type { Pool } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { runWorkerLoop } from './worker-loop.js';

/** The schema the migration 1764979200000-JobQueue created (pg-boss runs with migrate: false). */
export const JOBS_SCHEMA = 'pgboss';

/** How often an idle worker looks for jobs (wake() cuts it short in this process). */
const POLL_MS = 2000;

/** Namespace of the advisory locks that mark work as being done by a live process (see lease()). */
const LEASE_NAMESPACE = 7710100;

export interface JobContext {
  id: string;
  /** Aborted when this instance shuts down: stop at the next safe point (the job is retried). */
  signal: AbortSignal;
}

export interface QueueDefinition<T extends object> {
  name: string;
  /** Runs one job. A throw fails this attempt; pg-boss retries it up to retryLimit times. */
  handler: (data: T, ctx: JobContext) => Promise<void>;
  retryLimit?: number;
  retryDelaySeconds?: number;
  /** How long one attempt may run before pg-boss counts it as lost (default 4 h). */
  expireInSeconds?: number;
  /**
   * Work that is owed but may have lost its job (its process died: pg-boss 10 has no heartbeat and
   * would wait for the expiry). Called at start and every sweep in the instance that runs
   * background work; every item returned is sent again under its key (one queued job per key),
   * and the handler's lease() makes a second delivery of live work a no-op.
   */
  recover?: () => Promise<Array<{ key: string; data: T }>>;
}

/**
 * Background work on PostgreSQL: a thin layer over pg-boss 10 (which runs on Node 20), sharing the
 * app's connection pool.
 *
 * - Every instance can send jobs, also inside a business transaction (`manager`), so a job exists
 *   exactly when the row it works on was committed.
 * - Only an instance with background work on (BACKGROUND_JOBS) fetches and runs jobs, and runs the
 *   recovery sweep. With several instances, any of them may run a given job.
 * - Liveness: a handler holds a session advisory lock for the thing it works on (lease()). A
 *   process that dies (kill -9, OOM) loses its connections and with them the lock, at once; the
 *   recovery sweep then sends the owed work again, and another (or the restarted) instance picks
 *   it up without waiting for pg-boss's expiry.
 */
@Injectable()
export class JobsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(JobsService.name);
  private readonly queues = new Map<string, QueueDefinition<object>>();
  /** Wakes a queue's worker loop out of its idle wait (wake()). */
  private readonly wakers = new Map<string, () => void>();
  private readonly loops = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private boss?: PgBoss;
  private sweepTimer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Declares a queue; call from a provider's constructor or onModuleInit (the queue is created and,
   * with background work on, worked at bootstrap). After bootstrap, the returned promise resolves
   * once the queue is ready.
   */
  register<T extends object>(def: QueueDefinition<T>): Promise<void> {
    if (this.queues.has(def.name)) throw new Error(`queue ${def.name} registered twice`);
    const q = def as unknown as QueueDefinition<object>;
    this.queues.set(q.name, q);
    return this.boss ? this.activate(this.boss, q) : Promise.resolve();
  }

  get runsBackgroundWork(): boolean {
    return this.config.backgroundJobs;
  }

  async onApplicationBootstrap(): Promise<void> {
    const pool = (this.ds.driver as unknown as { master: Pool }).master;
    const boss = new PgBoss({
      db: { executeSql: (text: string, values: unknown[]) => pool.query(text, values) },
      schema: JOBS_SCHEMA,
      migrate: false,
      supervise: this.config.backgroundJobs,
      schedule: false,
      maintenanceIntervalSeconds: 60,
    });
    boss.on('error', (e) => this.log.error({ err: e }, 'job queue error'));
    await boss.start();
    this.boss = boss;
    for (const q of this.queues.values()) await this.activate(boss, q);
    if (this.config.backgroundJobs && this.config.jobSweepSeconds > 0) {
      await this.sweep();
      this.sweepTimer = setInterval(() => void this.sweep(), this.config.jobSweepSeconds * 1000);
      this.sweepTimer.unref();
    }
  }

  private async activate(boss: PgBoss, q: QueueDefinition<object>): Promise<void> {
    if (!(await boss.getQueue(q.name))) await this.createQueue(boss, q);
    if (!this.config.backgroundJobs) return;
    const loop = this.work(boss, q).finally(() => this.loops.delete(loop));
    this.loops.add(loop);
  }

  /**
   * Creates a queue (a partition table: DDL). Instances that start together on a fresh database
   * (the workers of a cluster) would deadlock creating the same queues, so creation is serialised
   * by an advisory lock held on a connection of its own.
   */
  private async createQueue(boss: PgBoss, q: QueueDefinition<object>): Promise<void> {
    const runner = this.ds.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1, hashtext($2))', [LEASE_NAMESPACE, 'create-queues']);
      try {
        await this.createQueueUnlocked(boss, q);
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LEASE_NAMESPACE, 'create-queues']).catch(() => undefined);
      }
    } finally {
      await runner.release();
    }
  }

  private async createQueueUnlocked(boss: PgBoss, q: QueueDefinition<object>): Promise<void> {
    await boss.createQueue(q.name, {
      name: q.name,
      // At most one queued (not yet started) job per singleton key: recovery never piles up copies.
      policy: 'short',
      retryLimit: q.retryLimit ?? 5,
      retryDelay: q.retryDelaySeconds ?? 10,
      retryBackoff: true,
      expireInSeconds: q.expireInSeconds ?? 4 * 3600,
    });
  }

  /** The worker of one queue (src/jobs/worker-loop.ts). */
  private work(boss: PgBoss, q: QueueDefinition<object>): Promise<void> {
    const signal = this.abort.signal;
    return runWorkerLoop<PgBoss.Job<object>>({
      queue: q.name,
      calls: {
        fetch: async () => (await boss.fetch<object>(q.name, { batchSize: 1 }))[0],
        complete: (id) => boss.complete(q.name, id),
        fail: (id, error) => boss.fail(q.name, id, error),
      },
      run: (job) => q.handler(job.data, { id: job.id, signal }),
      idle: (ms) => this.idle(q.name, ms),
      signal,
      warn: (m) => this.log.warn(m),
      pollMs: POLL_MS,
    });
  }

  /** Waits `ms`, or less when wake() is called for the queue or the instance shuts down. */
  private idle(queue: string, ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.abort.signal.removeEventListener('abort', done);
        if (this.wakers.get(queue) === done) this.wakers.delete(queue);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.set(queue, done);
      this.abort.signal.addEventListener('abort', done);
    });
  }

  async onModuleDestroy(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.abort.abort();
    await this.sweeping;
    // Running jobs see the abort signal and stop at their next safe point (an import between two
    // batches); one still running after 30 s is left to its lease and the recovery sweep.
    await Promise.race([Promise.allSettled([...this.loops]), new Promise((r) => setTimeout(r, 30_000).unref())]);
    await this.boss?.stop({ graceful: true, wait: true, close: false, timeout: 5_000 }).catch(() => undefined);
  }

  /**
   * Enqueues a job. With `manager`, the job is written in that transaction (it exists only if the
   * transaction commits). Returns the job id, or null when a job with the same singleton key is
   * already queued.
   */
  async send<T extends object>(queue: string, data: T, opts: { singletonKey?: string; manager?: EntityManager } = {}): Promise<string | null> {
    const boss = this.started();
    if (!this.queues.has(queue)) throw new Error(`unknown queue ${queue}`);
    const m = opts.manager;
    const id = await boss.send(queue, data, {
      singletonKey: opts.singletonKey,
      ...(m ? { db: { executeSql: async (text: string, values: unknown[]) => ({ rows: await m.query(text, values) }) } } : {}),
    });
    // A worker in this process fetches it now instead of at its next poll (after commit: the caller
    // calls wake() when it sent inside a transaction).
    if (!m) this.wake(queue);
    return id;
  }

  /** Tells this instance's worker of `queue` to fetch now (no-op where background work is off). */
  wake(queue: string): void {
    this.wakers.get(queue)?.();
  }

  /**
   * Runs `fn` while holding the lease of `itemKey` in `queue`: a session advisory lock on a connection of its own,
   * released when fn ends or when this process dies. Returns { held: false } at once when a live
   * process holds it already.
   */
  async lease<R>(queue: string, itemKey: string, fn: () => Promise<R>): Promise<{ held: true; value: R } | { held: false }> {
    const key = `${queue}:${itemKey}`;
    const runner = this.ds.createQueryRunner();
    await runner.connect();
    try {
      const [{ ok }] = await runner.query('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [LEASE_NAMESPACE, key]);
      if (!ok) return { held: false };
      try {
        return { held: true, value: await fn() };
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LEASE_NAMESPACE, key]).catch(() => undefined);
      }
    } finally {
      await runner.release();
    }
  }

  /** Whether a live process holds the lease of `itemKey` in `queue` (for the sweep and for status views). */
  async leased(queue: string, itemKey: string): Promise<boolean> {
    const key = `${queue}:${itemKey}`;
    const [{ held }] = await this.ds.query(
      `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND classid = $1::int::oid AND objid = (hashtext($2)::bigint & 4294967295)::oid AND objsubid = 2 AND granted) AS held`,
      [LEASE_NAMESPACE, key],
    );
    return held;
  }

  /** Sends owed work again (see QueueDefinition.recover); runs at start and every JOB_SWEEP_SECONDS. */
  async sweep(): Promise<void> {
    if (this.sweeping || !this.boss) return this.sweeping;
    this.sweeping = (async () => {
      for (const q of this.queues.values()) {
        if (!q.recover) continue;
        try {
          for (const item of await q.recover()) {
            if (await this.leased(q.name, item.key)) continue;
            const id = await this.send(q.name, item.data, { singletonKey: item.key });
            if (id) this.log.warn(`re-sent ${q.name} ${item.key}: its work was owed and no live process held it`);
          }
        } catch (e) {
          this.log.error({ err: e }, `recovery sweep of ${q.name} failed`);
        }
      }
    })().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private started(): PgBoss {
    if (!this.boss) throw new Error('the job queue is not started yet (app.init() not called?)');
    return this.boss;
  }
}
