import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A transfer's identity (README "Bank statements: what is one transfer"): (account, bank
 * reference, direction, amount, business day) instead of (account, bank reference), which merged
 * distinct transfers that share a reference — a credit and its fee, the transactions of a batch.
 * Reversals, review flags for a person, and the counts of an import that say what needs one.
 */
export class TransferIdentity1764633600000 implements MigrationInterface {
  name = 'TransferIdentity1764633600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX bank_transactions_bank_ref_key`);
    // The same transfer reported twice (a notification, then the statement) is stored once.
    await q.query(
      `CREATE UNIQUE INDEX bank_transactions_identity_key ON bank_transactions (account_number, reference_code, direction, amount_vnd, business_day)
       WHERE reference_code IS NOT NULL`,
    );
    // Transfers without a bank reference, probed by content when another source reports one.
    await q.query(`CREATE INDEX bank_transactions_unreferenced_idx ON bank_transactions (account_number, business_day, amount_vnd) WHERE reference_code IS NULL`);
    await q.query(`
      ALTER TABLE bank_transactions
        ADD COLUMN reversal boolean NOT NULL DEFAULT false,
        ADD COLUMN reverses_id uuid REFERENCES bank_transactions(id),
        ADD COLUMN reversed_by_id uuid REFERENCES bank_transactions(id),
        ADD COLUMN possible_duplicate_of uuid REFERENCES bank_transactions(id),
        ADD COLUMN review_reason text`);
    await q.query(`ALTER TABLE bank_transactions DROP CONSTRAINT bank_transactions_outcome_check`);
    await q.query(
      `ALTER TABLE bank_transactions ADD CONSTRAINT bank_transactions_outcome_check
       CHECK (outcome IN ('pending','paid','underpaid','overpaid','late','stall_credit','unmatched','ignored','outgoing','manual_match','reversal'))`,
    );
    await q.query(`CREATE INDEX bank_transactions_review_idx ON bank_transactions (received_at DESC, id DESC) WHERE review_reason IS NOT NULL`);

    await q.query(`
      ALTER TABLE statement_imports
        ADD COLUMN encoding text,
        ADD COLUMN skipped integer NOT NULL DEFAULT 0,
        ADD COLUMN flagged integer NOT NULL DEFAULT 0,
        ADD COLUMN reversals integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE statement_imports DROP CONSTRAINT statement_imports_format_check`);
    await q.query(`ALTER TABLE statement_imports ADD CONSTRAINT statement_imports_format_check CHECK (format IN ('csv','camt053','camt054','mt940','xlsx','xls'))`);

    // An order a person must look at (the bank took back the transfer that paid it).
    await q.query(`ALTER TABLE orders ADD COLUMN review_reason text, ADD COLUMN review_flagged_at timestamptz`);
    await q.query(`CREATE INDEX orders_review_idx ON orders (cooperative_id, review_flagged_at DESC) WHERE review_reason IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX orders_review_idx`);
    await q.query(`ALTER TABLE orders DROP COLUMN review_reason, DROP COLUMN review_flagged_at`);
    await q.query(`ALTER TABLE statement_imports DROP CONSTRAINT statement_imports_format_check`);
    await q.query(`ALTER TABLE statement_imports ADD CONSTRAINT statement_imports_format_check CHECK (format IN ('csv','camt053','camt054','mt940'))`);
    await q.query(`ALTER TABLE statement_imports DROP COLUMN encoding, DROP COLUMN skipped, DROP COLUMN flagged, DROP COLUMN reversals`);
    await q.query(`DROP INDEX bank_transactions_review_idx`);
    await q.query(`ALTER TABLE bank_transactions DROP CONSTRAINT bank_transactions_outcome_check`);
    await q.query(
      `ALTER TABLE bank_transactions ADD CONSTRAINT bank_transactions_outcome_check
       CHECK (outcome IN ('pending','paid','underpaid','overpaid','late','stall_credit','unmatched','ignored','outgoing','manual_match'))`,
    );
    await q.query(`ALTER TABLE bank_transactions DROP COLUMN reversal, DROP COLUMN reverses_id, DROP COLUMN reversed_by_id, DROP COLUMN possible_duplicate_of, DROP COLUMN review_reason`);
    await q.query(`DROP INDEX bank_transactions_unreferenced_idx`);
    await q.query(`DROP INDEX bank_transactions_identity_key`);
    // Fails (and changes nothing) if distinct transfers sharing a reference were stored meanwhile.
    await q.query(`CREATE UNIQUE INDEX bank_transactions_bank_ref_key ON bank_transactions (account_number, reference_code) WHERE reference_code IS NOT NULL`);
  }
}
