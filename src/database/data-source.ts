import { DataSource, type DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';

/** TypeORM options shared by the app, the migration CLI, the test harness and the benchmarks. */
export function dataSourceOptions(url: string, opts: { poolMax?: number; entities?: DataSourceOptions['entities'] } = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: opts.entities ?? [],
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    extra: { max: opts.poolMax ?? 10, application_name: 'ocop-market' },
  };
}

export async function runMigrations(url: string): Promise<string[]> {
  const ds = new DataSource(dataSourceOptions(url, { poolMax: 2 }));
  await ds.initialize();
  try {
    // One instance migrates at a time (many app instances may start together).
    await ds.query('SELECT pg_advisory_lock(7710001)');
    try {
      const done = await ds.runMigrations({ transaction: 'each' });
      return done.map((m) => m.name);
    } finally {
      await ds.query('SELECT pg_advisory_unlock(7710001)');
    }
  } finally {
    await ds.destroy();
  }
}

export async function revertLastMigration(url: string): Promise<void> {
  const ds = new DataSource(dataSourceOptions(url, { poolMax: 2 }));
  await ds.initialize();
  try {
    await ds.undoLastMigration({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}
