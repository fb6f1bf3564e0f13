import { DataSource, type DataSourceOptions } from 'typeorm';
import pg from 'pg';
import { MIGRATIONS } from '../../migrations/index.js';

// DATE columns are calendar days (business days in Asia/Ho_Chi_Minh): keep them as 'YYYY-MM-DD'
// strings instead of letting the driver turn them into midnight in the server's time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

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
    logging: false, // failures surface as domain errors or in the error filter's log
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
