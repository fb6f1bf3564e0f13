import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bank feeds: a notification service (SePay, Casso, Pay2S…) connected to one cooperative's or one
 * market's bank accounts. `provider` is not constrained here: the providers are code
 * (src/reconciliation/feeds/providers), and a new one must not need a migration. The secret is
 * stored sealed (AES-256-GCM, see src/common/secret-box.ts), never in clear, and wiped when the
 * feed is deleted; deleted feeds stay for the audit trail (their ids appear in stored bodies).
 */
export class BankFeeds1764720000000 implements MigrationInterface {
  name = 'BankFeeds1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE bank_feeds (
        id uuid PRIMARY KEY,
        provider text NOT NULL,
        name text NOT NULL,
        cooperative_id uuid REFERENCES cooperatives(id),
        market_id uuid REFERENCES markets(id),
        secret_sealed text,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz,
        CONSTRAINT bank_feeds_one_owner CHECK ((cooperative_id IS NULL) <> (market_id IS NULL)),
        CONSTRAINT bank_feeds_secret_while_live CHECK (deleted_at IS NOT NULL OR secret_sealed IS NOT NULL)
      )`);
    // The owner's list (newest first, keyset-paginated), live feeds only.
    await q.query(`CREATE INDEX bank_feeds_cooperative_idx ON bank_feeds (cooperative_id, created_at DESC, id DESC) WHERE deleted_at IS NULL AND cooperative_id IS NOT NULL`);
    await q.query(`CREATE INDEX bank_feeds_market_idx ON bank_feeds (market_id, created_at DESC, id DESC) WHERE deleted_at IS NULL AND market_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE bank_feeds`);
  }
}
