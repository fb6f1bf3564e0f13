import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 4.0 markets: markets, their stalls, stall transactions and the rollups that serve statistics.
 *
 * Rollups (see src/markets/stall-transactions.sql.ts, the one insert path that maintains them):
 * - stall_daily_rollups   (stall_id, day)      per stall per Vietnam business day
 * - stall_monthly_rollups (stall_id, month)    per stall per calendar month (month = its 1st day)
 * - market_daily_rollups  (market_id, day)     per market per day: time series, totals
 * - market_monthly_rollups (market_id, month)  per market per month: province rankings over long periods
 * Each holds count and value per method (qr, card, cash). Every transaction insert upserts all
 * four in the same database transaction with `count = count + EXCLUDED.count`, so they are exact
 * under concurrency; statistics never read stall_transactions.
 *
 * The rollups are derived data written only by that insert path, from stall_transactions rows whose
 * (stall_id, market_id) has just passed its foreign key: they carry no foreign keys of their own (a
 * check per new rollup row would cost as much as the one on the transaction, for nothing), and a
 * fillfactor of 80 leaves room on each page for HOT updates of the stall×day rows (their counters are
 * not indexed). The two tables read most per request carry their counters in a covering index
 * (market×day: the series; stall×month: a market's per-stall sums), trading HOT updates there for
 * index-only scans.
 */
export class Markets1764374400000 implements MigrationInterface {
  name = 'Markets1764374400000';

  async up(q: QueryRunner): Promise<void> {
    // Time-ordered UUIDs (version 7 layout: 48-bit Unix milliseconds, then random bits) for the
    // high-volume stall_transactions table: its primary-key index grows at the right edge instead of
    // taking random page writes. PostgreSQL 18 has uuidv7(); this also runs on 15–17.
    await q.query(`
      CREATE FUNCTION market_uuid_v7() RETURNS uuid
      LANGUAGE sql VOLATILE PARALLEL SAFE
      AS $$
        SELECT encode(
          set_bit(set_bit(
            overlay(uuid_send(gen_random_uuid())
              PLACING substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
              FROM 1 FOR 6),
          52, 1), 53, 1), 'hex')::uuid
      $$`);

    await q.query(`
      CREATE TABLE markets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 2 AND 200),
        province_code text NOT NULL CHECK (province_code ~ '^[0-9]{2}$'),
        commune_code text NOT NULL CHECK (commune_code ~ '^[0-9]{5}$'),
        address text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX markets_created_idx ON markets (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX markets_province_idx ON markets (province_code, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX markets_name_idx ON markets (name)`);

    // Keys of market managers were issuable before markets existed (Foundation); bind them now.
    await q.query(`ALTER TABLE api_keys ADD CONSTRAINT api_keys_market_id_fkey FOREIGN KEY (market_id) REFERENCES markets(id)`);

    await q.query(`
      CREATE TABLE stalls (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        market_id uuid NOT NULL REFERENCES markets(id),
        code text NOT NULL CHECK (code ~ '^[A-Z0-9]([A-Z0-9._/-]{0,18}[A-Z0-9])?$'),
        vendor_name text NOT NULL CHECK (length(vendor_name) BETWEEN 2 AND 200),
        vendor_phone text,
        category text NOT NULL CHECK (category IN
          ('fresh_produce','meat_fish','dry_goods','prepared_food','clothing_textiles','household','services','other')),
        bank_bin text CHECK (bank_bin ~ '^[0-9]{6}$'),
        bank_account_number text CHECK (bank_account_number ~ '^[0-9]{6,19}$'),
        bank_account_name text,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','inactive')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT stalls_bank_account_complete CHECK (
          (bank_bin IS NULL AND bank_account_number IS NULL AND bank_account_name IS NULL) OR
          (bank_bin IS NOT NULL AND bank_account_number IS NOT NULL AND bank_account_name IS NOT NULL)),
        CONSTRAINT stalls_market_code_key UNIQUE (market_id, code),
        -- Target of the composite foreign keys below: a transaction's market is its stall's market.
        CONSTRAINT stalls_id_market_key UNIQUE (id, market_id)
      )`);
    // One stall per bank account: a bank credit to an account must name exactly one stall.
    await q.query(`CREATE UNIQUE INDEX stalls_bank_account_key ON stalls (bank_bin, bank_account_number) WHERE bank_account_number IS NOT NULL`);
    await q.query(`CREATE INDEX stalls_account_number_idx ON stalls (bank_account_number) WHERE bank_account_number IS NOT NULL`);

    await q.query(`
      CREATE TABLE stall_transactions (
        id uuid PRIMARY KEY DEFAULT market_uuid_v7(),
        stall_id uuid NOT NULL,
        market_id uuid NOT NULL,
        amount_vnd bigint NOT NULL CHECK (amount_vnd > 0 AND amount_vnd <= 1000000000000),
        method text NOT NULL CHECK (method IN ('qr','card','cash')),
        occurred_at timestamptz NOT NULL,
        source text NOT NULL CHECK (source IN ('api','csv','bank','seed')),
        bank_transaction_id text,
        recorded_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT stall_transactions_stall_fkey FOREIGN KEY (stall_id, market_id) REFERENCES stalls (id, market_id),
        CONSTRAINT stall_transactions_bank_source CHECK (bank_transaction_id IS NULL OR (source = 'bank' AND method = 'qr'))
      )`);
    // Idempotency of bank credits (recordStallCredit: ON CONFLICT DO NOTHING).
    await q.query(`CREATE UNIQUE INDEX stall_transactions_bank_txn_key ON stall_transactions (bank_transaction_id) WHERE bank_transaction_id IS NOT NULL`);
    // GET /markets/:id/transactions (newest first), optionally for one stall.
    await q.query(`CREATE INDEX stall_transactions_market_idx ON stall_transactions (market_id, occurred_at DESC, id DESC)`);
    await q.query(`CREATE INDEX stall_transactions_stall_idx ON stall_transactions (stall_id, occurred_at DESC, id DESC)`);

    const counters = `
        qr_count integer NOT NULL DEFAULT 0 CHECK (qr_count >= 0),
        qr_value bigint NOT NULL DEFAULT 0 CHECK (qr_value >= 0),
        card_count integer NOT NULL DEFAULT 0 CHECK (card_count >= 0),
        card_value bigint NOT NULL DEFAULT 0 CHECK (card_value >= 0),
        cash_count integer NOT NULL DEFAULT 0 CHECK (cash_count >= 0),
        cash_value bigint NOT NULL DEFAULT 0 CHECK (cash_value >= 0)`;
    await q.query(`
      CREATE TABLE stall_daily_rollups (
        stall_id uuid NOT NULL,
        market_id uuid NOT NULL,
        day date NOT NULL,
        ${counters},
        PRIMARY KEY (stall_id, day)
      ) WITH (fillfactor = 80)`);
    await q.query(`CREATE INDEX stall_daily_rollups_market_day_idx ON stall_daily_rollups (market_id, day)`);
    await q.query(`
      CREATE TABLE stall_monthly_rollups (
        stall_id uuid NOT NULL,
        market_id uuid NOT NULL,
        month date NOT NULL CHECK (extract(day FROM month) = 1),
        ${counters},
        PRIMARY KEY (stall_id, month)
      ) WITH (fillfactor = 80)`);
    // Covering: a market's per-stall sums over whole months are an index-only scan.
    await q.query(
      `CREATE INDEX stall_monthly_rollups_market_month_idx ON stall_monthly_rollups (market_id, month)
       INCLUDE (stall_id, qr_count, qr_value, card_count, card_value, cash_count, cash_value)`,
    );
    await q.query(`
      CREATE TABLE market_daily_rollups (
        market_id uuid NOT NULL,
        day date NOT NULL,
        ${counters},
        -- Covering: a market's time series is an index-only scan.
        PRIMARY KEY (market_id, day) INCLUDE (qr_count, qr_value, card_count, card_value, cash_count, cash_value)
      ) WITH (fillfactor = 80)`);
    await q.query(`
      CREATE TABLE market_monthly_rollups (
        market_id uuid NOT NULL,
        month date NOT NULL CHECK (extract(day FROM month) = 1),
        ${counters},
        PRIMARY KEY (market_id, month)
      ) WITH (fillfactor = 80)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['market_monthly_rollups', 'market_daily_rollups', 'stall_monthly_rollups', 'stall_daily_rollups', 'stall_transactions', 'stalls']) {
      await q.query(`DROP TABLE ${t}`);
    }
    await q.query(`ALTER TABLE api_keys DROP CONSTRAINT api_keys_market_id_fkey`);
    await q.query(`DROP TABLE markets`);
    await q.query(`DROP FUNCTION market_uuid_v7()`);
  }
}
