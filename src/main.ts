import 'reflect-metadata';
import cluster from 'node:cluster';
import { type AppConfig, ConfigError, loadConfig } from './config/config.js';
import { databaseAvailability } from './health/database-readiness.js';
import { assertPortFree, failStart, failureContext, migrate, startDatabase } from './startup/boot.js';
import { runPrimary } from './startup/cluster-primary.js';
import { runWorker } from './startup/cluster-worker.js';
import { WORKER_SLOT_ENV } from './startup/cluster-messages.js';
import type { StartStep } from './startup/explain-failure.js';
import { announceReady, startInstance } from './startup/instance.js';
import { Lifecycle } from './startup/lifecycle.js';
import { startupLogFromEnv, type StartupLog } from './startup/startup-log.js';

/**
 * Bootstrap only. WEB_CONCURRENCY=1: one process (database, migrations, app, background jobs).
 * More: a cluster primary (database and migrations once) and that many web workers
 * (src/startup/cluster-*.ts). Every failure to start ends with one line and exit code 1.
 */
async function single(config: AppConfig, log: StartupLog, life: Lifecycle): Promise<void> {
  const progress: { step: StartStep } = { step: 'listen' };
  try {
    await assertPortFree(config.host, config.port);
    progress.step = 'database';
    const url = await startDatabase(config, log, life, {
      down: (reason) => databaseAvailability.markDown(reason),
      up: () => databaseAvailability.markUp(),
      giveUp(line) {
        log.fatal(line);
        void life.exit(1);
      },
    });
    progress.step = 'migrations';
    await migrate(url, log);
    const instance = await startInstance(config, url, progress);
    life.add('the app', () => instance.close());
    announceReady(log, config, instance.welcome);
  } catch (e) {
    await failStart(log, life, e, failureContext(config, progress.step));
  }
}

function main(): void {
  const worker = cluster.isWorker;
  const log = startupLogFromEnv(process.env, worker ? `[worker ${process.env[WORKER_SLOT_ENV] ?? process.pid}] ` : '');
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    log.fatal(`could not start: ${e.message}`);
    process.exit(1);
  }
  if (worker) {
    void runWorker(config, log);
    return;
  }
  const life = new Lifecycle(log);
  life.onSignals();
  void (config.webConcurrency > 1 ? runPrimary(config, log, life) : single(config, log, life));
}

main();
