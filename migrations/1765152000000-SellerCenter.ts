import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The seller center reads a cooperative's ledger journals newest first (GET /cooperatives/:id/ledger). */
export class SellerCenter1765152000000 implements MigrationInterface {
  name = 'SellerCenter1765152000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX ledger_journals_cooperative_idx ON ledger_journals (cooperative_id, created_at DESC, id DESC) WHERE cooperative_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ledger_journals_cooperative_idx`);
  }
}
