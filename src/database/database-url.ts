import { type AppConfig } from '../config/config.js';
import { embeddedClusterDir } from './data-layout.js';
import { startEmbeddedPostgres, type EmbeddedServer } from './embedded-postgres.js';

export interface ResolvedDatabase {
  url: string;
  embedded: boolean;
  /** The embedded server, when there is one (to supervise it). */
  server?: EmbeddedServer;
  stop(): Promise<void>;
}

export interface ResolveOptions {
  /** See EmbeddedOptions.detached (the app does; tools without signal handlers do not). */
  detached?: boolean;
  /** Tools: use the server a running app started on DATA_DIR instead of refusing. */
  reuseRunning?: boolean;
}

/** The embedded server's URL of the `ocop` database (created on first start). */
export async function ensureAppDatabase(server: EmbeddedServer): Promise<string> {
  const { Client } = await import('pg');
  const admin = new Client({ connectionString: server.adminUrl });
  await admin.connect();
  try {
    const exists = await admin.query(`SELECT 1 FROM pg_database WHERE datname = 'ocop'`);
    if (!exists.rowCount) await admin.query('CREATE DATABASE ocop');
  } finally {
    await admin.end();
  }
  return server.adminUrl.replace(/\/postgres$/, '/ocop');
}

/** DATABASE_URL if given; otherwise the embedded server in DATA_DIR with an `ocop` database. */
export async function resolveDatabase(config: AppConfig, log: (msg: string) => void, opts: ResolveOptions = {}): Promise<ResolvedDatabase> {
  if (config.databaseUrl) {
    return { url: config.databaseUrl, embedded: false, stop: async () => undefined };
  }
  const clusterDir = embeddedClusterDir(config.dataDir);
  const server = await startEmbeddedPostgres({ dataDir: clusterDir, port: config.embeddedPgPort, log, detached: opts.detached, reuseRunning: opts.reuseRunning });
  try {
    const url = await ensureAppDatabase(server);
    log(`embedded PostgreSQL on port ${server.port}, data in ${clusterDir}`);
    return { url, embedded: true, server, stop: () => server.stop() };
  } catch (e) {
    await server.stop();
    throw e;
  }
}
