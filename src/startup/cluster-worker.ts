/**
 * A web worker of the cluster: the app on the database the primary started and migrated
 * (DATABASE_URL), background work only when the primary gave it BACKGROUND_JOBS=true. Tells the
 * primary when it listens or why it could not start; follows the primary's news of the database.
 */
import type { AppConfig } from '../config/config.js';
import { databaseAvailability } from '../health/database-readiness.js';
import { failureContext } from './boot.js';
import { isMessage, type ToPrimary, type ToWorker } from './cluster-messages.js';
import { explainStartupFailure, type StartStep } from './explain-failure.js';
import { startInstance, type Instance } from './instance.js';
import type { StartupLog } from './startup-log.js';

function send(m: ToPrimary): Promise<void> {
  return new Promise((ok) => {
    if (!process.send || !process.connected) return ok();
    process.send(m, undefined, undefined, () => ok());
  });
}

export async function runWorker(config: AppConfig, log: StartupLog): Promise<void> {
  let instance: Instance | null = null;
  let closing: Promise<void> | null = null;
  const close = (code: number) => {
    closing ??= (async () => {
      await instance?.close().catch((e: Error) => log.warn(`closing failed: ${e.message}`));
      process.exit(code);
    })();
    return closing;
  };
  // Registered before anything is awaited: the primary may send news of the database at once.
  process.on('message', (m) => {
    if (!isMessage<ToWorker>(m, ['db', 'shutdown'])) return;
    if (m.type === 'shutdown') void close(0);
    else if (m.type === 'db' && m.down) databaseAvailability.markDown(m.down);
    else databaseAvailability.markUp();
  });
  // A terminal's Ctrl-C reaches every process of the group; the primary's message follows.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void close(0));
  // The primary is gone (killed): nobody supervises this worker any more.
  process.on('disconnect', () => void close(0));

  const progress: { step: StartStep } = { step: 'app' };
  try {
    instance = await startInstance(config, config.databaseUrl!, progress);
  } catch (e) {
    const x = explainStartupFailure(e, failureContext(config, progress.step));
    await send({ type: 'fatal', line: x.line, detail: x.known ? undefined : e instanceof Error ? e.stack : String(e) });
    process.exit(1);
  }
  if (closing) return;
  log.info(`worker ${process.pid} listening${config.backgroundJobs ? ', runs the background jobs' : ''}`);
  await send({ type: 'ready', welcome: instance.welcome });
}
