/**
 * THE insert path for stall transactions: every writer (POST /markets/:id/transactions, the CSV
 * batch, bank credits through StallPaymentsService, the demo seed and the benchmark) goes through
 * `insertStallTransactions`, so the rollups can never drift from the transactions.
 *
 * One SQL statement per batch, run inside the caller's database transaction:
 *   1. INSERT … SELECT FROM unnest(arrays) … RETURNING the new rows (rows whose bank transaction id
 *      is already recorded are skipped: ON CONFLICT DO NOTHING on the partial unique index);
 *   2. aggregate what was actually inserted per (stall, Vietnam day);
 *   3. upsert the four rollups (stall×day, stall×month, market×day, market×month) with
 *      `count = count + EXCLUDED.count, value = value + EXCLUDED.value`;
 *   4. set the bits of the stalls that sold cashless in the market×day and market×month activity
 *      sets (migration MarketActivity): `stalls = stalls | EXCLUDED.stalls`, written only when a bit
 *      is new (the row is locked either way).
 * The upsert takes each rollup row's lock until commit, so concurrent inserts add up exactly. Rows
 * are upserted in key order and the rollups in a fixed order, so two batches never wait on each
 * other in a cycle (no deadlock).
 *
 * Days: `(occurred_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date`: a sale at 23:30 +07 (16:30Z) belongs
 * to that Vietnam day, one at 00:00 +07 (17:00Z) to the next.
 */
export type StallTxnMethod = 'qr' | 'card' | 'cash';
export const STALL_TXN_METHODS: StallTxnMethod[] = ['qr', 'card', 'cash'];
export type StallTxnSource = 'api' | 'csv' | 'bank' | 'seed';

export interface StallTxnInput {
  stallId: string;
  /** Positive whole VND. */
  amountVnd: number;
  method: StallTxnMethod;
  occurredAt: Date | string;
  /** Bank credits only: recorded once per id. */
  bankTransactionId?: string | null;
}

export interface InsertedStallTxn {
  id: string;
  stallId: string;
  marketId: string;
  amountVnd: number;
  method: StallTxnMethod;
  occurredAt: Date;
  source: StallTxnSource;
  bankTransactionId: string | null;
  createdAt: Date;
}

/** A TypeORM EntityManager / QueryRunner / DataSource: anything with `query(sql, params)` returning rows. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

export const BUSINESS_TIME_ZONE = 'Asia/Ho_Chi_Minh';

const COUNTERS = ['qr_count', 'qr_value', 'card_count', 'card_value', 'cash_count', 'cash_value'] as const;
const SUMS = COUNTERS.map((c) => `sum(${c})::${c.endsWith('count') ? 'int' : 'bigint'} AS ${c}`).join(', ');
const ADD = COUNTERS.map((c) => `${c} = r.${c} + EXCLUDED.${c}`).join(', ');
const COLS = COUNTERS.join(', ');

function statement(returnRows: boolean): string {
  return `
WITH input AS (
  SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::timestamptz[], $5::text[])
    AS i(stall_id, amount_vnd, method, occurred_at, bank_transaction_id)
), ins AS (
  INSERT INTO stall_transactions (stall_id, market_id, amount_vnd, method, occurred_at, source, bank_transaction_id, recorded_by)
  SELECT i.stall_id, s.market_id, i.amount_vnd, i.method, i.occurred_at, $6, i.bank_transaction_id, $7::uuid
  FROM input i JOIN stalls s ON s.id = i.stall_id
  ON CONFLICT (bank_transaction_id) WHERE bank_transaction_id IS NOT NULL DO NOTHING
  RETURNING id, stall_id, market_id, amount_vnd, method, occurred_at, source, bank_transaction_id, created_at
), per_day AS (
  SELECT stall_id, market_id, (occurred_at AT TIME ZONE '${BUSINESS_TIME_ZONE}')::date AS day,
    count(*) FILTER (WHERE method = 'qr')::int AS qr_count,
    coalesce(sum(amount_vnd) FILTER (WHERE method = 'qr'), 0)::bigint AS qr_value,
    count(*) FILTER (WHERE method = 'card')::int AS card_count,
    coalesce(sum(amount_vnd) FILTER (WHERE method = 'card'), 0)::bigint AS card_value,
    count(*) FILTER (WHERE method = 'cash')::int AS cash_count,
    coalesce(sum(amount_vnd) FILTER (WHERE method = 'cash'), 0)::bigint AS cash_value
  FROM ins GROUP BY 1, 2, 3
), stall_day AS (
  INSERT INTO stall_daily_rollups AS r (stall_id, market_id, day, ${COLS})
  SELECT stall_id, market_id, day, ${COLS} FROM per_day ORDER BY stall_id, day
  ON CONFLICT (stall_id, day) DO UPDATE SET ${ADD}
  RETURNING 1
), stall_month AS (
  INSERT INTO stall_monthly_rollups AS r (stall_id, market_id, month, ${COLS})
  SELECT stall_id, market_id, date_trunc('month', day::timestamp)::date, ${SUMS}
  FROM per_day GROUP BY 1, 2, 3 ORDER BY 1, 3
  ON CONFLICT (stall_id, month) DO UPDATE SET ${ADD}
  RETURNING 1
), market_day AS (
  INSERT INTO market_daily_rollups AS r (market_id, day, ${COLS})
  SELECT market_id, day, ${SUMS} FROM per_day GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT (market_id, day) DO UPDATE SET ${ADD}
  RETURNING 1
), market_month AS (
  INSERT INTO market_monthly_rollups AS r (market_id, month, ${COLS})
  SELECT market_id, date_trunc('month', day::timestamp)::date, ${SUMS}
  FROM per_day GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT (market_id, month) DO UPDATE SET ${ADD}
  RETURNING 1
), activity AS (
  SELECT p.market_id, p.day, s.slot >> 6 AS word, bit_or(1::bigint << (s.slot & 63)) AS stalls
  FROM per_day p JOIN stalls s ON s.id = p.stall_id
  WHERE p.qr_count + p.card_count > 0
  GROUP BY 1, 2, 3
), market_day_activity AS (
  INSERT INTO market_daily_activity AS r (market_id, day, word, stalls)
  SELECT market_id, day, word, stalls FROM activity ORDER BY 1, 2, 3
  ON CONFLICT (market_id, day, word) DO UPDATE SET stalls = r.stalls | EXCLUDED.stalls
  WHERE r.stalls | EXCLUDED.stalls <> r.stalls
  RETURNING 1
), market_month_activity AS (
  INSERT INTO market_monthly_activity AS r (market_id, month, word, stalls)
  SELECT market_id, date_trunc('month', day::timestamp)::date, word, bit_or(stalls)
  FROM activity GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (market_id, month, word) DO UPDATE SET stalls = r.stalls | EXCLUDED.stalls
  WHERE r.stalls | EXCLUDED.stalls <> r.stalls
  RETURNING 1
), done AS (
  SELECT (SELECT count(*) FROM stall_day) + (SELECT count(*) FROM stall_month)
       + (SELECT count(*) FROM market_day) + (SELECT count(*) FROM market_month)
       + (SELECT count(*) FROM market_day_activity) + (SELECT count(*) FROM market_month_activity) AS rollup_rows
)
${
  returnRows
    ? `SELECT ins.*, (SELECT rollup_rows FROM done) AS rollup_rows FROM ins`
    : `SELECT (SELECT count(*) FROM ins)::int AS inserted, (SELECT rollup_rows FROM done) AS rollup_rows`
}`;
}

const SQL_ROWS = statement(true);
const SQL_COUNT = statement(false);

function params(rows: StallTxnInput[], source: StallTxnSource, recordedBy: string | null): unknown[] {
  const stallIds: string[] = new Array(rows.length);
  const amounts: number[] = new Array(rows.length);
  const methods: string[] = new Array(rows.length);
  const times: string[] = new Array(rows.length);
  const bankIds: Array<string | null> = new Array(rows.length);
  rows.forEach((r, i) => {
    if (!Number.isSafeInteger(r.amountVnd) || r.amountVnd <= 0) throw new RangeError(`amountVnd ${r.amountVnd} is not a positive whole number of VND`);
    stallIds[i] = r.stallId;
    amounts[i] = r.amountVnd;
    methods[i] = r.method;
    times[i] = r.occurredAt instanceof Date ? r.occurredAt.toISOString() : r.occurredAt;
    bankIds[i] = r.bankTransactionId ?? null;
  });
  return [stallIds, amounts, methods, times, bankIds, source, recordedBy];
}

interface Row {
  id: string;
  stall_id: string;
  market_id: string;
  amount_vnd: string;
  method: StallTxnMethod;
  occurred_at: Date;
  source: StallTxnSource;
  bank_transaction_id: string | null;
  created_at: Date;
}

/**
 * Inserts transactions and maintains the rollups, returning the rows actually inserted (a bank
 * transaction id already recorded is skipped). Rows must name existing stalls; callers validate
 * (a row naming an unknown stall is silently dropped by the join, never half-recorded).
 * Run inside a database transaction.
 */
export async function insertStallTransactions(
  db: Queryable,
  rows: StallTxnInput[],
  opts: { source: StallTxnSource; recordedBy?: string | null },
): Promise<InsertedStallTxn[]> {
  if (!rows.length) return [];
  const out = (await db.query(SQL_ROWS, params(rows, opts.source, opts.recordedBy ?? null))) as Row[];
  return out.map((r) => ({
    id: r.id,
    stallId: r.stall_id,
    marketId: r.market_id,
    amountVnd: Number(r.amount_vnd),
    method: r.method,
    occurredAt: r.occurred_at,
    source: r.source,
    bankTransactionId: r.bank_transaction_id,
    createdAt: r.created_at,
  }));
}

/** As `insertStallTransactions`, for large batches: returns only how many rows were inserted. */
export async function insertStallTransactionsCount(
  db: Queryable,
  rows: StallTxnInput[],
  opts: { source: StallTxnSource; recordedBy?: string | null },
): Promise<number> {
  if (!rows.length) return 0;
  const [r] = (await db.query(SQL_COUNT, params(rows, opts.source, opts.recordedBy ?? null))) as Array<{ inserted: number }>;
  return r.inserted;
}
