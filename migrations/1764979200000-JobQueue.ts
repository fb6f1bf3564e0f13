import type { MigrationInterface, QueryRunner } from 'typeorm';
import PgBoss from 'pg-boss';

/**
 * The PostgreSQL job queue's own schema (`pgboss`), created here so that the schema stays under
 * explicit migrations: the app starts pg-boss with `migrate: false`, and pg-boss refuses to run
 * against a schema of another version. The SQL is pg-boss's own construction plan for the
 * installed version, which wraps itself in BEGIN/COMMIT under an advisory lock, hence
 * `transaction = false`.
 *
 * Upgrading pg-boss to a release with another schema version: add a migration that runs
 * `PgBoss.getMigrationPlans('pgboss', <old version>)`, and bump SCHEMA_VERSION in src/jobs.
 */
export class JobQueue1764979200000 implements MigrationInterface {
  name = 'JobQueue1764979200000';
  transaction = false as const;

  async up(q: QueryRunner): Promise<void> {
    await q.query(PgBoss.getConstructionPlans('pgboss'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP SCHEMA IF EXISTS pgboss CASCADE');
  }
}
