/**
 * Steps shared by a single-process start and a cluster primary: the HTTP port is free, the database
 * (embedded and supervised, or DATABASE_URL), the migrations; and the one line when a step fails.
 */
import { embeddedClusterDir } from '../database/data-layout.js';
import { createServer } from 'node:net';
import type { AppConfig } from '../config/config.js';
import { runMigrations } from '../database/data-source.js';
import { resolveDatabase } from '../database/database-url.js';
import { startEmbeddedPostgres } from '../database/embedded-postgres.js';
import { DatabaseSupervisor, type DatabaseEvents } from './database-supervisor.js';
import { explainStartupFailure, type FailureContext, type StartStep } from './explain-failure.js';
import type { Lifecycle } from './lifecycle.js';
import type { StartupLog } from './startup-log.js';

export function failureContext(config: AppConfig, step: StartStep): FailureContext {
  return {
    step,
    host: config.host,
    port: config.port,
    dataDir: config.databaseUrl ? undefined : embeddedClusterDir(config.dataDir),
    embeddedPgPort: config.embeddedPgPort || undefined,
  };
}

/** Prints the one line for a failed start (and the stack of an unexpected one), then exits 1. */
export function failStart(log: StartupLog, life: Lifecycle, err: unknown, ctx: FailureContext): Promise<never> {
  const x = explainStartupFailure(err, ctx);
  log.fatal(`could not start: ${x.line}`, x.known ? undefined : err instanceof Error ? err.stack : undefined);
  return life.exit(1);
}

/** Fails at once, before the database starts, when another program holds the HTTP port. */
export function assertPortFree(host: string, port: number): Promise<void> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => ok()));
  });
}

/** The database URL; an embedded server is supervised and registered for shutdown. */
export async function startDatabase(config: AppConfig, log: StartupLog, life: Lifecycle, events: DatabaseEvents): Promise<string> {
  const info = (m: string) => log.info(m);
  const db = await resolveDatabase(config, info, { detached: true });
  if (!db.server) return db.url;
  const supervisor = new DatabaseSupervisor(
    db.server,
    (port) => startEmbeddedPostgres({ dataDir: embeddedClusterDir(config.dataDir), port, detached: true, log: info }),
    events,
    log,
    failureContext(config, 'database'),
  );
  life.add('the embedded PostgreSQL', () => supervisor.stop());
  return db.url;
}

export async function migrate(url: string, log: StartupLog): Promise<void> {
  const applied = await runMigrations(url);
  if (applied.length) log.info(`migrations applied: ${applied.join(', ')}`);
}
