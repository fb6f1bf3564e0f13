import { type AppConfig } from '../config/config.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

export interface ResolvedDatabase {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** DATABASE_URL if given; otherwise the embedded server in DATA_DIR with an `ocop` database. */
export async function resolveDatabase(config: AppConfig, log: (msg: string) => void): Promise<ResolvedDatabase> {
  if (config.databaseUrl) {
    return { url: config.databaseUrl, embedded: false, stop: async () => undefined };
  }
  const server = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort });
  const { Client } = await import('pg');
  const admin = new Client({ connectionString: server.adminUrl });
  await admin.connect();
  try {
    const exists = await admin.query(`SELECT 1 FROM pg_database WHERE datname = 'ocop'`);
    if (!exists.rowCount) await admin.query('CREATE DATABASE ocop');
  } finally {
    await admin.end();
  }
  const url = server.adminUrl.replace(/\/postgres$/, '/ocop');
  log(`embedded PostgreSQL on port ${server.port}, data in ${config.dataDir}`);
  return { url, embedded: true, stop: () => server.stop() };
}
