import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Statement imports run on the job queue (src/jobs) and survive the process that took the upload:
 * the uploaded file is kept in the database, where every instance can read it, until the import
 * ends; `attempts` counts how often an import was started, so that one that kills its process
 * every time ends `failed` instead of looping.
 */
export class DurableImports1765065600000 implements MigrationInterface {
  name = 'DurableImports1765065600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE statement_files (
        import_id uuid NOT NULL REFERENCES statement_imports(id) ON DELETE CASCADE,
        seq integer NOT NULL CHECK (seq >= 0),
        bytes bytea NOT NULL,
        PRIMARY KEY (import_id, seq)
      )`);
    // Stored uncompressed (EXTERNAL): a chunk lives only until its import ends, and compressing it
    // would cost CPU on the upload path.
    await q.query(`ALTER TABLE statement_files ALTER COLUMN bytes SET STORAGE EXTERNAL`);
    await q.query(`ALTER TABLE statement_imports ADD COLUMN attempts integer NOT NULL DEFAULT 0`);
    // The account the request restricted the statement to (a cooperative's own, or ?accountNumber=);
    // null: any account (an admin's multi-account file). account_number stays what the list shows.
    await q.query(`ALTER TABLE statement_imports ADD COLUMN requested_account text`);
    // Batches (BATCH parsed lines each, numbered from 0) committed so far: two are written at a
    // time and may commit out of order, so a resumed import skips exactly these.
    await q.query(`ALTER TABLE statement_imports ADD COLUMN done_batches integer[] NOT NULL DEFAULT '{}'`);
    await q.query(`CREATE INDEX statement_imports_open_idx ON statement_imports (heartbeat_at) WHERE status = 'processing'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX statement_imports_open_idx`);
    await q.query(`ALTER TABLE statement_imports DROP COLUMN done_batches`);
    await q.query(`ALTER TABLE statement_imports DROP COLUMN requested_account`);
    await q.query(`ALTER TABLE statement_imports DROP COLUMN attempts`);
    await q.query(`DROP TABLE statement_files`);
  }
}
