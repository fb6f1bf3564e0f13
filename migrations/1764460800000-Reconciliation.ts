import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bank transactions (webhook and statements), statement imports, manual reconciliation decisions,
 * and the append-only double-entry ledger.
 */
export class Reconciliation1764460800000 implements MigrationInterface {
  name = 'Reconciliation1764460800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE statement_imports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        filename text NOT NULL,
        format text NOT NULL CHECK (format IN ('csv','camt053','camt054','mt940')),
        account_number text,
        sha256 text NOT NULL,
        size_bytes bigint NOT NULL,
        status text NOT NULL CHECK (status IN ('processing','completed','failed')),
        lines_read integer NOT NULL DEFAULT 0,
        inserted integer NOT NULL DEFAULT 0,
        duplicates integer NOT NULL DEFAULT 0,
        matched integer NOT NULL DEFAULT 0,
        unmatched integer NOT NULL DEFAULT 0,
        error text,
        error_line integer,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        heartbeat_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    await q.query(`CREATE INDEX statement_imports_sha_idx ON statement_imports (sha256)`);

    await q.query(`
      CREATE TABLE bank_transactions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        source text NOT NULL,
        external_id text NOT NULL,
        gateway text,
        account_number text NOT NULL,
        bank_bin text,
        direction text NOT NULL CHECK (direction IN ('in','out')),
        amount_vnd bigint NOT NULL CHECK (amount_vnd > 0),
        content text NOT NULL DEFAULT '',
        reference_code text,
        counterparty_name text,
        counterparty_account text,
        booked_at timestamptz NOT NULL,
        business_day date NOT NULL,
        statement_import_id uuid REFERENCES statement_imports(id),
        raw jsonb,
        outcome text NOT NULL CHECK (outcome IN ('pending','paid','underpaid','overpaid','late','stall_credit','unmatched','ignored','outgoing','manual_match')),
        outcome_reason text,
        order_id uuid REFERENCES orders(id),
        stall_id uuid,
        amount_applied_vnd bigint NOT NULL DEFAULT 0,
        amount_to_refund_vnd bigint NOT NULL DEFAULT 0,
        received_at timestamptz NOT NULL DEFAULT now(),
        decided_at timestamptz,
        CONSTRAINT bank_transactions_source_key UNIQUE (source, external_id)
      )`);
    // The same transfer reported by the webhook and later in a statement carries the same bank
    // reference on the same account: it is stored once.
    await q.query(`CREATE UNIQUE INDEX bank_transactions_bank_ref_key ON bank_transactions (account_number, reference_code) WHERE reference_code IS NOT NULL`);
    await q.query(`CREATE INDEX bank_transactions_unmatched_idx ON bank_transactions (received_at DESC, id DESC) WHERE outcome = 'unmatched'`);
    await q.query(`CREATE INDEX bank_transactions_order_idx ON bank_transactions (order_id)`);
    await q.query(`CREATE INDEX bank_transactions_day_idx ON bank_transactions (business_day, account_number)`);
    await q.query(`CREATE INDEX bank_transactions_account_idx ON bank_transactions (account_number, received_at DESC)`);

    await q.query(`
      CREATE TABLE reconciliation_decisions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigserial NOT NULL,
        bank_transaction_id uuid NOT NULL REFERENCES bank_transactions(id),
        action text NOT NULL CHECK (action IN ('match','ignore','reopen')),
        order_id uuid REFERENCES orders(id),
        reason text,
        previous_outcome text NOT NULL,
        actor_key_id text NOT NULL,
        actor_role text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX reconciliation_decisions_txn_idx ON reconciliation_decisions (bank_transaction_id, seq)`);

    // ── ledger: append-only, double-entry ──
    await q.query(`
      CREATE TABLE ledger_journals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL,
        source_type text NOT NULL,
        source_id text NOT NULL,
        cooperative_id uuid REFERENCES cooperatives(id),
        memo text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ledger_journals_source_key UNIQUE (kind, source_type, source_id)
      )`);
    await q.query(`
      CREATE TABLE ledger_entries (
        id bigserial PRIMARY KEY,
        journal_id uuid NOT NULL REFERENCES ledger_journals(id),
        account text NOT NULL,
        cooperative_id uuid REFERENCES cooperatives(id),
        debit_vnd bigint NOT NULL DEFAULT 0 CHECK (debit_vnd >= 0),
        credit_vnd bigint NOT NULL DEFAULT 0 CHECK (credit_vnd >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((debit_vnd = 0) <> (credit_vnd = 0))
      )`);
    await q.query(`CREATE INDEX ledger_entries_journal_idx ON ledger_entries (journal_id)`);
    await q.query(`CREATE INDEX ledger_entries_account_idx ON ledger_entries (account)`);
    await q.query(`
      CREATE TABLE ledger_balances (
        account text PRIMARY KEY,
        cooperative_id uuid REFERENCES cooperatives(id),
        debit_vnd bigint NOT NULL DEFAULT 0,
        credit_vnd bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ledger_balances_cooperative_idx ON ledger_balances (cooperative_id)`);
    // Entries and journals are never changed or removed: corrections are new journals.
    await q.query(`
      CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'the ledger is append-only (% on %)', TG_OP, TG_TABLE_NAME; END $$`);
    await q.query(`CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries FOR EACH ROW EXECUTE FUNCTION ledger_append_only()`);
    await q.query(`CREATE TRIGGER ledger_journals_append_only BEFORE UPDATE OR DELETE ON ledger_journals FOR EACH ROW EXECUTE FUNCTION ledger_append_only()`);
    // Every journal balances, checked at commit (entries are inserted one by one).
    await q.query(`
      CREATE FUNCTION ledger_journal_balances() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE d bigint; c bigint;
      BEGIN
        SELECT coalesce(sum(debit_vnd),0), coalesce(sum(credit_vnd),0) INTO d, c FROM ledger_entries WHERE journal_id = NEW.journal_id;
        IF d <> c THEN RAISE EXCEPTION 'ledger journal % does not balance: debits % <> credits %', NEW.journal_id, d, c; END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER ledger_entries_balance AFTER INSERT ON ledger_entries
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_journal_balances()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ledger_balances`);
    await q.query(`DROP TABLE ledger_entries`);
    await q.query(`DROP TABLE ledger_journals`);
    await q.query(`DROP FUNCTION ledger_journal_balances()`);
    await q.query(`DROP FUNCTION ledger_append_only()`);
    await q.query(`DROP TABLE reconciliation_decisions`);
    await q.query(`DROP TABLE bank_transactions`);
    await q.query(`DROP TABLE statement_imports`);
  }
}
