import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { Clock, vietnamDate } from '../common/clock.js';
import { InvalidInput } from '../common/errors.js';
import { IdempotencyService } from '../common/idempotency.js';
import { decodeCursor, type Page, pageLimit, toPage } from '../common/pagination.js';
import type { CreateStallTransactionDto, StallTransactionDto, TransactionBatchResultDto } from './dto/transaction.dto.js';
import { isIsoDate, figures, sumCounters, type Counters } from './market-stats.js';
import { MarketsService } from './markets.service.js';
import { type InsertedStallTxn, insertStallTransactions, insertStallTransactionsCount, type StallTxnInput, type StallTxnMethod } from './stall-transactions.sql.js';
import { checkOccurredAt, parseTransactionsCsv } from './transactions-csv.js';

/** Rows per INSERT statement of a batch (bounded statement size; all in one database transaction). */
const CHUNK = 5_000;
/** Deadlocks cannot happen by design (ordered upserts); serialization failures are retried anyway. */
const RETRIES = 3;

/** Recording stall transactions that do not come from the bank flow: one by one, or a CSV batch. */
@Injectable()
export class StallTransactionsService {
  constructor(
    private readonly ds: DataSource,
    private readonly markets: MarketsService,
    private readonly clock: Clock,
    private readonly idempotency: IdempotencyService,
  ) {}

  async record(marketId: string, dto: CreateStallTransactionDto, by: Principal, idempotencyKey?: string): Promise<StallTransactionDto> {
    await this.markets.get(marketId);
    const occurredAt = new Date(dto.occurredAt);
    const when = checkOccurredAt(occurredAt, this.clock.now());
    if (!when.ok) throw InvalidInput.field('occurredAt', when.problem);
    const scope = `market-transaction:${marketId}`;
    return this.retrying(() =>
      this.ds.transaction(async (m) => {
        if (idempotencyKey) {
          const prev = await this.idempotency.claim<StallTransactionDto>(m, scope, idempotencyKey, dto);
          if (prev) return prev.body;
        }
        const [stall] = (await m.query(`SELECT market_id FROM stalls WHERE id = $1`, [dto.stallId])) as Array<{ market_id: string }>;
        if (!stall || stall.market_id !== marketId) throw InvalidInput.field('stallId', 'is not a stall of this market');
        const [row] = await insertStallTransactions(
          m,
          [{ stallId: dto.stallId, amountVnd: dto.amountVnd, method: dto.method as StallTxnMethod, occurredAt }],
          { source: 'api', recordedBy: recorder(by) },
        );
        const view = this.view(row);
        if (idempotencyKey) await this.idempotency.complete(m, scope, idempotencyKey, row.id, { status: 201, body: view });
        return view;
      }),
    );
  }

  /** A CSV file of transactions: validated whole, then recorded in one database transaction (all or nothing). */
  async importCsv(marketId: string, file: Buffer, by: Principal, idempotencyKey?: string): Promise<TransactionBatchResultDto> {
    await this.markets.get(marketId);
    const stalls = (await this.ds.query(`SELECT id, code FROM stalls WHERE market_id = $1`, [marketId])) as Array<{ id: string; code: string }>;
    const parsed = parseTransactionsCsv(file, { stallIdByCode: new Map(stalls.map((s) => [s.code, s.id])), now: this.clock.now() });
    if (!parsed.ok) throw new InvalidInput(parsed.problems, parsed.message);
    const rows = parsed.rows;
    const result = summarize(rows);
    const scope = `market-transaction-batch:${marketId}`;
    const body = { sha256: createHash('sha256').update(file).digest('hex') };
    return this.retrying(() =>
      this.ds.transaction(async (m) => {
        if (idempotencyKey) {
          const prev = await this.idempotency.claim<TransactionBatchResultDto>(m, scope, idempotencyKey, body);
          if (prev) return prev.body;
        }
        let inserted = 0;
        for (let i = 0; i < rows.length; i += CHUNK) {
          inserted += await insertStallTransactionsCount(m, rows.slice(i, i + CHUNK), { source: 'csv', recordedBy: recorder(by) });
        }
        if (inserted !== rows.length) throw new Error(`batch inserted ${inserted} of ${rows.length} rows`); // rolls back
        if (idempotencyKey) await this.idempotency.complete(m, scope, idempotencyKey, null, { status: 201, body: result });
        return result;
      }),
    );
  }

  /** Newest first; optional stall, method and business-day range. */
  async list(
    marketId: string,
    q: { limit?: number; cursor?: string; stallId?: string; method?: string; from?: string; to?: string },
  ): Promise<Page<StallTransactionDto>> {
    await this.markets.get(marketId);
    const problems = (['from', 'to'] as const).filter((f) => q[f] !== undefined && !isIsoDate(q[f]!)).map((f) => ({ field: f, problem: 'must be a date YYYY-MM-DD' }));
    if (problems.length) throw new InvalidInput(problems);
    const limit = pageLimit(q.limit);
    const where = ['market_id = $1'];
    const params: unknown[] = [marketId];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.stallId) add('stall_id = ?', q.stallId);
    if (q.method) add('method = ?', q.method);
    // Business days → instants: a Vietnam day D runs from D 00:00 +07 to D+1 00:00 +07.
    if (q.from) add(`occurred_at >= (?::date::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')`, q.from);
    if (q.to) add(`occurred_at < ((?::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')`, q.to);
    if (q.cursor) {
      const [t, id] = decodeCursor(q.cursor, ['t', 'u']);
      params.push(t, id);
      where.push(`(occurred_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(limit + 1);
    const rows = (await this.ds.query(
      `SELECT id, stall_id, market_id, amount_vnd, method, occurred_at, source, bank_transaction_id, created_at,
              to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS occurred_at_text
       FROM stall_transactions WHERE ${where.join(' AND ')}
       ORDER BY occurred_at DESC, id DESC LIMIT $${params.length}`,
      params,
    )) as Array<Record<string, unknown>>;
    return toPage(
      rows,
      limit,
      (r) =>
        this.view({
          id: r.id as string,
          stallId: r.stall_id as string,
          marketId: r.market_id as string,
          amountVnd: Number(r.amount_vnd),
          method: r.method as StallTxnMethod,
          occurredAt: r.occurred_at as Date,
          source: r.source as InsertedStallTxn['source'],
          bankTransactionId: r.bank_transaction_id as string | null,
          createdAt: r.created_at as Date,
        }),
      (r) => [r.occurred_at_text as string, r.id as string],
    );
  }

  view(r: InsertedStallTxn): StallTransactionDto {
    return {
      id: r.id,
      marketId: r.marketId,
      stallId: r.stallId,
      amountVnd: r.amountVnd,
      method: r.method,
      occurredAt: r.occurredAt.toISOString(),
      businessDay: vietnamDate(r.occurredAt),
      source: r.source,
      bankTransactionId: r.bankTransactionId,
      createdAt: r.createdAt.toISOString(),
    };
  }

  private async retrying<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (e) {
        const code = (e as { driverError?: { code?: string }; code?: string }).driverError?.code ?? (e as { code?: string }).code;
        if (attempt >= RETRIES || (code !== '40001' && code !== '40P01')) throw e;
      }
    }
  }
}

function recorder(p: Principal): string | null {
  return p.keyId === 'env' ? null : p.keyId;
}

/** What a batch adds, for the response. */
function summarize(rows: StallTxnInput[]): TransactionBatchResultDto {
  const c: Counters = sumCounters(
    rows.map((r) => ({
      qrCount: r.method === 'qr' ? 1 : 0,
      qrValue: r.method === 'qr' ? r.amountVnd : 0,
      cardCount: r.method === 'card' ? 1 : 0,
      cardValue: r.method === 'card' ? r.amountVnd : 0,
      cashCount: r.method === 'cash' ? 1 : 0,
      cashValue: r.method === 'cash' ? r.amountVnd : 0,
    })),
  );
  let first: string | null = null;
  let last: string | null = null;
  for (const r of rows) {
    const d = vietnamDate(new Date(r.occurredAt));
    if (first === null || d < first) first = d;
    if (last === null || d > last) last = d;
  }
  return { imported: rows.length, firstDay: first, lastDay: last, totals: figures(c) };
}

