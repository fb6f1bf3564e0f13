/**
 * A throw-away embedded PostgreSQL server for one benchmark: data in .data-bench/<name> (removed
 * before and after), databases created on demand (optionally from a template), migrated with the
 * app's own migrations.
 */
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { runMigrations } from '../../src/database/data-source.js';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/database/embedded-postgres.js';

/** The repository root (this file runs as dist/bench/lib/*.js). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const RESULTS_FILE = join(REPO_ROOT, 'bench', 'RESULTS.md');

export interface BenchPostgres {
  server: EmbeddedServer;
  dataDir: string;
  urlOf(database: string): string;
  /** CREATE DATABASE (optionally TEMPLATE another one, which must have no connections). */
  createDatabase(name: string, opts?: { template?: string; migrate?: boolean }): Promise<string>;
  dropDatabase(name: string): Promise<void>;
  version(): Promise<string>;
  stop(): Promise<void>;
}

export async function startBenchPostgres(name: string, opts: { keepData?: boolean } = {}): Promise<BenchPostgres> {
  const dataDir = join(REPO_ROOT, '.data-bench', name);
  rmSync(dataDir, { recursive: true, force: true });
  const server = await startEmbeddedPostgres({ dataDir, persistent: false });
  const urlOf = (db: string) => server.adminUrl.replace(/\/postgres$/, `/${db}`);
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: server.adminUrl });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  return {
    server,
    dataDir,
    urlOf,
    async createDatabase(db, o = {}) {
      await admin((c) => c.query(`CREATE DATABASE ${db}${o.template ? ` TEMPLATE ${o.template}` : ''}`));
      if (o.migrate) await runMigrations(urlOf(db));
      return urlOf(db);
    },
    async dropDatabase(db) {
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`));
    },
    async version() {
      return admin(async (c) => (await c.query('SHOW server_version')).rows[0].server_version as string);
    },
    async stop() {
      await server.stop();
      if (!opts.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
