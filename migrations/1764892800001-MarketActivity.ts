import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which stalls sold cashless, per market per day and per month, as bit sets: a province ranking
 * counts a market's active stalls (at least one QR or card sale in the period) from a few rows per
 * market instead of summing every stall's rollups (12 stall×month rows per stall for a year, and
 * the stall×day rows of the partial months).
 *
 * - `stalls.slot`: the stall's number inside its market (0, 1, 2 … in creation order, never reused),
 *   assigned by a trigger from `markets.stall_slots` (the next free number, taken under the market
 *   row's lock) for every writer: the service, the demo seed, the benchmark.
 * - `market_daily_activity (market_id, day, word)` / `market_monthly_activity (market_id, month, word)`:
 *   `stalls` is a bigint whose bit b is set when the stall with slot 64·word + b had a cashless sale
 *   that day / month. A market of 100 stalls has two words. Maintained by the one insert path
 *   (src/markets/stall-transactions.sql.ts) in the same statement as the rollups with
 *   `stalls = stalls | EXCLUDED.stalls` under the row lock, so it is exact under concurrency; the
 *   upsert writes only when a bit is new. Unlike sums, sets cannot be subtracted: a period is read as
 *   its whole months plus the days of its partial months (coverPeriod).
 *
 * Backfilled from stall_daily_rollups under a SHARE lock, so no insert commits between the backfill
 * and the end of the migration. Rollup and activity tables are read by short statistics queries on
 * a busy OLTP server: parallel workers cost more to start than they save there, so none are planned.
 */
export class MarketActivity1764892800001 implements MigrationInterface {
  name = 'MarketActivity1764892800001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`LOCK TABLE stall_daily_rollups IN SHARE MODE`);
    await q.query(`ALTER TABLE markets ADD COLUMN stall_slots integer NOT NULL DEFAULT 0 CHECK (stall_slots >= 0)`);
    await q.query(`ALTER TABLE stalls ADD COLUMN slot integer CHECK (slot >= 0)`);
    await q.query(`
      UPDATE stalls s SET slot = n.slot
      FROM (SELECT id, (row_number() OVER (PARTITION BY market_id ORDER BY created_at, id) - 1)::int AS slot FROM stalls) n
      WHERE n.id = s.id`);
    await q.query(`UPDATE markets m SET stall_slots = n.slots FROM (SELECT market_id, max(slot) + 1 AS slots FROM stalls GROUP BY market_id) n WHERE n.market_id = m.id`);
    await q.query(`ALTER TABLE stalls ALTER COLUMN slot SET NOT NULL`);
    // Covering: a ranking counts a province's stalls (status, QR-enabled, active bits) by an index-only scan.
    await q.query(`ALTER TABLE stalls ADD CONSTRAINT stalls_market_slot_key UNIQUE (market_id, slot) INCLUDE (status, bank_account_number)`);
    // Also on a change of market (not an API operation): the stall takes the next slot of its new market.
    await q.query(`
      CREATE FUNCTION stalls_assign_slot() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE markets SET stall_slots = stall_slots + 1 WHERE id = NEW.market_id RETURNING stall_slots - 1 INTO NEW.slot;
        IF NOT FOUND THEN
          RAISE EXCEPTION 'insert or update on table "stalls" violates foreign key constraint "stalls_market_id_fkey"'
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'stalls_market_id_fkey', TABLE = 'stalls',
                  DETAIL = format('Key (market_id)=(%s) is not present in table "markets".', NEW.market_id);
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER stalls_assign_slot BEFORE INSERT ON stalls FOR EACH ROW EXECUTE FUNCTION stalls_assign_slot()`);
    await q.query(`
      CREATE TRIGGER stalls_reassign_slot BEFORE UPDATE OF market_id ON stalls
      FOR EACH ROW WHEN (OLD.market_id IS DISTINCT FROM NEW.market_id) EXECUTE FUNCTION stalls_assign_slot()`);

    for (const [table, period] of [
      ['market_daily_activity', 'day'],
      ['market_monthly_activity', 'month'],
    ] as const) {
      await q.query(`
        CREATE TABLE ${table} (
          market_id uuid NOT NULL,
          ${period} date NOT NULL${period === 'month' ? ' CHECK (extract(day FROM month) = 1)' : ''},
          word smallint NOT NULL CHECK (word >= 0),
          stalls bigint NOT NULL,
          -- Covering: a ranking's reads are index-only scans.
          PRIMARY KEY (market_id, ${period}, word) INCLUDE (stalls)
        ) WITH (fillfactor = 90, parallel_workers = 0)`);
    }
    await q.query(`
      INSERT INTO market_daily_activity (market_id, day, word, stalls)
      SELECT d.market_id, d.day, s.slot >> 6, bit_or(1::bigint << (s.slot & 63))
      FROM stall_daily_rollups d JOIN stalls s ON s.id = d.stall_id
      WHERE d.qr_count + d.card_count > 0
      GROUP BY 1, 2, 3`);
    await q.query(`
      INSERT INTO market_monthly_activity (market_id, month, word, stalls)
      SELECT market_id, date_trunc('month', day::timestamp)::date, word, bit_or(stalls)
      FROM market_daily_activity
      GROUP BY 1, 2, 3`);
    for (const t of ['stall_daily_rollups', 'stall_monthly_rollups', 'market_daily_rollups', 'market_monthly_rollups']) {
      await q.query(`ALTER TABLE ${t} SET (parallel_workers = 0)`);
    }
    await q.query(`ANALYZE stalls, market_daily_activity, market_monthly_activity`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['stall_daily_rollups', 'stall_monthly_rollups', 'market_daily_rollups', 'market_monthly_rollups']) {
      await q.query(`ALTER TABLE ${t} RESET (parallel_workers)`);
    }
    await q.query(`DROP TABLE market_monthly_activity`);
    await q.query(`DROP TABLE market_daily_activity`);
    await q.query(`DROP TRIGGER stalls_reassign_slot ON stalls`);
    await q.query(`DROP TRIGGER stalls_assign_slot ON stalls`);
    await q.query(`DROP FUNCTION stalls_assign_slot()`);
    await q.query(`ALTER TABLE stalls DROP COLUMN slot`);
    await q.query(`ALTER TABLE markets DROP COLUMN stall_slots`);
  }
}
