/**
 * The cluster primary (WEB_CONCURRENCY > 1): starts the embedded database once and applies the
 * migrations once, then forks the web workers. Exactly one worker gets BACKGROUND_JOBS (the
 * payment-expiry sweep, the job queue, the demo seed) — none when this instance was started with
 * BACKGROUND_JOBS=false. A worker that dies is replaced in its slot (so the background jobs move to
 * the replacement); when workers keep dying (WORKER_RESTARTS) the primary stops. SIGTERM/SIGINT:
 * the workers finish their requests and exit, then the database stops. It never loads the app.
 */
import cluster, { type Worker } from 'node:cluster';
import type { AppConfig } from '../config/config.js';
import { assertPortFree, failStart, failureContext, migrate, startDatabase } from './boot.js';
import { isMessage, WORKER_SLOT_ENV, type ToPrimary, type ToWorker } from './cluster-messages.js';
import type { StartStep } from './explain-failure.js';
import { announceReady, type Welcome } from './instance.js';
import type { Lifecycle } from './lifecycle.js';
import { RestartBudget, WORKER_RESTARTS } from './restart-budget.js';
import type { StartupLog } from './startup-log.js';

const WORKER_STOP_MS = 30_000;

interface Slot {
  index: number;
  background: boolean;
  worker: Worker | null;
  ready: boolean;
}

/** Which slots run background work: the first, unless this instance runs none. Pure. */
export function backgroundSlots(workers: number, backgroundJobs: boolean): boolean[] {
  return Array.from({ length: workers }, (_, i) => backgroundJobs && i === 0);
}

export async function runPrimary(config: AppConfig, log: StartupLog, life: Lifecycle): Promise<void> {
  const progress: { step: StartStep } = { step: 'listen' };
  let dbDown: string | null = null;
  const slots: Slot[] = backgroundSlots(config.webConcurrency, config.backgroundJobs).map((background, index) => ({ index, background, worker: null, ready: false }));
  const budget = new RestartBudget(WORKER_RESTARTS);
  const broadcast = (m: ToWorker) => {
    for (const s of slots) if (s.worker?.isConnected()) s.worker.send(m);
  };
  let welcome: Welcome | null = null;
  let started = false;
  let startFailed: (e: unknown) => void = () => undefined;
  let allReady: () => void = () => undefined;

  const fork = (slot: Slot, url: string) => {
    const worker = cluster.fork({ DATABASE_URL: url, BACKGROUND_JOBS: String(slot.background), [WORKER_SLOT_ENV]: String(slot.index + 1) });
    slot.worker = worker;
    slot.ready = false;
    if (dbDown) worker.send({ type: 'db', down: dbDown } satisfies ToWorker);
    worker.on('message', (m: unknown) => {
      if (!isMessage<ToPrimary>(m, ['ready', 'fatal'])) return;
      if (m.type === 'ready') {
        slot.ready = true;
        if (m.welcome) welcome = m.welcome;
        if (!started && slots.every((s) => s.ready)) allReady();
      } else if (!started) {
        startFailed(Object.assign(new Error(m.line), { workerLine: m.line, detail: m.detail }));
      } else {
        log.warn(`worker ${worker.process.pid} could not start: ${m.line}`);
      }
    });
    worker.on('exit', (code, signal) => {
      if (slot.worker === worker) slot.worker = null;
      if (life.closing) return;
      const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
      if (!started) {
        startFailed(new Error(`a web worker ${how} while starting`));
        return;
      }
      if (!budget.take(Date.now())) {
        log.fatal(`stops: web worker ${worker.process.pid} ${how}, the ${WORKER_RESTARTS.max + 1}th worker death within ${WORKER_RESTARTS.windowMs / 1000} s`);
        void life.exit(1);
        return;
      }
      log.warn(`web worker ${worker.process.pid} ${how}; starting another${slot.background ? ' (it takes over the background jobs)' : ''}`);
      fork(slot, url);
    });
  };

  try {
    await assertPortFree(config.host, config.port);
    progress.step = 'database';
    const url = await startDatabase(config, log, life, {
      down(reason) {
        dbDown = reason;
        broadcast({ type: 'db', down: reason });
      },
      up() {
        dbDown = null;
        broadcast({ type: 'db', down: null });
      },
      giveUp(line) {
        log.fatal(line);
        void life.exit(1);
      },
    });
    progress.step = 'migrations';
    await migrate(url, log);
    progress.step = 'workers';
    life.add('the web workers', () => stopWorkers(slots));
    await new Promise<void>((ok, fail) => {
      allReady = ok;
      startFailed = fail;
      for (const s of slots) fork(s, url);
    });
    started = true;
  } catch (e) {
    const line = (e as { workerLine?: string }).workerLine;
    if (line) {
      const detail = (e as { detail?: string }).detail;
      log.fatal(`could not start: ${line}`, detail);
      await life.exit(1);
    }
    await failStart(log, life, e, failureContext(config, progress.step));
  }
  announceReady(log, config, welcome, ` with ${slots.length} web workers (WEB_CONCURRENCY)`);
}

/** Asks every worker to finish and exit; kills those that do not within WORKER_STOP_MS. */
async function stopWorkers(slots: Slot[]): Promise<void> {
  const workers = slots.map((s) => s.worker).filter((w): w is Worker => w !== null && !w.isDead());
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((ok) => {
          if (w.isDead()) return ok();
          const timer = setTimeout(() => w.process.kill('SIGKILL'), WORKER_STOP_MS);
          w.once('exit', () => {
            clearTimeout(timer);
            ok();
          });
          if (w.isConnected()) w.send({ type: 'shutdown' } satisfies ToWorker);
          else w.process.kill('SIGTERM');
        }),
    ),
  );
}
