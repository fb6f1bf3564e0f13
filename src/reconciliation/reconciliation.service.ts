import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { stringify } from 'csv-stringify';
import type { Readable } from 'node:stream';
import type { DataSource, EntityManager } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { Clock } from '../common/clock.js';
import { Conflict, Forbidden, NotFound } from '../common/errors.js';
import { decodeCursor, type Page, pageLimit, toPage } from '../common/pagination.js';
import { CooperativesService } from '../cooperatives/cooperatives.service.js';
import { type LedgerJournalView, LedgerService } from '../ledger/ledger.service.js';
import { BankTransactionsService } from './bank-transactions.service.js';
import { isForeignFeedSource } from './feeds/foreign-source.js';
import type { BankTransactionDetailDto, BankTransactionDto, CooperativeTransferDto, ReportDto, ReportLineDto } from './dto/reconciliation.dto.js';

interface TxnRow {
  id: string;
  source: string;
  external_id: string;
  gateway: string | null;
  account_number: string;
  direction: string;
  amount_vnd: string;
  content: string;
  reference_code: string | null;
  booked_at: Date;
  business_day: string | Date;
  outcome: string;
  outcome_reason: string | null;
  order_id: string | null;
  stall_id: string | null;
  amount_applied_vnd: string;
  amount_to_refund_vnd: string;
  received_at: Date;
  reversal: boolean;
  reverses_id: string | null;
  reversed_by_id: string | null;
  possible_duplicate_of: string | null;
  review_reason: string | null;
}

/** The unmatched queue, manual decisions (audited, reversible only by a new decision), reports. */
@Injectable()
export class ReconciliationService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly txns: BankTransactionsService,
    private readonly cooperatives: CooperativesService,
    private readonly clock: Clock,
    private readonly ledger: LedgerService,
  ) {}

  /** Accounts a principal may see: all (admin), or its cooperative's payout account. */
  private async scope(p: Principal): Promise<string[] | 'all'> {
    if (p.role === 'admin') return 'all';
    if (p.role === 'cooperative' && p.cooperativeId) return [(await this.cooperatives.get(p.cooperativeId)).bankAccountNumber];
    throw new Forbidden('Only admins and cooperatives reconcile');
  }

  async unmatched(p: Principal, q: { limit?: number; cursor?: string; accountNumber?: string }): Promise<Page<BankTransactionDto>> {
    const scope = await this.scope(p);
    const limit = pageLimit(q.limit);
    const params: unknown[] = [];
    let where = `outcome = 'unmatched'`;
    if (scope !== 'all') {
      params.push(scope);
      where += ` AND account_number = ANY($${params.length}::text[])`;
    }
    if (q.accountNumber) {
      params.push(q.accountNumber);
      where += ` AND account_number = $${params.length}`;
    }
    if (q.cursor) {
      const [t, id] = decodeCursor(q.cursor, ['t', 'u']);
      params.push(t, id);
      where += ` AND (received_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
    }
    params.push(limit + 1);
    const rows: TxnRow[] = await this.ds.query(`SELECT * FROM bank_transactions WHERE ${where} ORDER BY received_at DESC, id DESC LIMIT $${params.length}`, params);
    return toPage(rows, limit, (r) => this.view(r), (r) => [new Date(r.received_at).toISOString(), r.id]);
  }

  /**
   * Incoming transfers to a cooperative's payout account, newest first, whatever became of them
   * (paid an order, unmatched, set aside…), with the code of the order they went to. The caller's
   * access to the cooperative is checked by the controller.
   */
  async transfersOfCooperative(cooperativeId: string, q: { limit?: number; cursor?: string; outcome?: string }): Promise<Page<CooperativeTransferDto>> {
    const account = (await this.cooperatives.get(cooperativeId)).bankAccountNumber;
    const limit = pageLimit(q.limit);
    const params: unknown[] = [account];
    let where = `bt.account_number = $1 AND bt.direction = 'in'`;
    if (q.outcome) {
      params.push(q.outcome);
      where += ` AND bt.outcome = $${params.length}`;
    }
    if (q.cursor) {
      const [t, id] = decodeCursor(q.cursor, ['s', 's']);
      params.push(t, id);
      where += ` AND (bt.received_at, bt.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
    }
    params.push(limit + 1);
    const rows: Array<TxnRow & { order_code: string | null }> = await this.ds.query(
      `SELECT bt.*, o.code AS order_code FROM bank_transactions bt LEFT JOIN orders o ON o.id = bt.order_id
       WHERE ${where} ORDER BY bt.received_at DESC, bt.id DESC LIMIT $${params.length}`,
      params,
    );
    return toPage(rows, limit, (r) => ({ ...this.view(r), orderCode: r.order_code }), (r) => [new Date(r.received_at).toISOString(), r.id]);
  }

  /** A cooperative's ledger journals (404 for a cooperative that does not exist). */
  async ledgerOfCooperative(cooperativeId: string, q: { limit?: number; cursor?: string }): Promise<Page<LedgerJournalView>> {
    await this.cooperatives.get(cooperativeId);
    return this.ledger.journalsOfCooperative(cooperativeId, q);
  }

  async get(p: Principal, id: string): Promise<BankTransactionDetailDto> {
    const row = await this.load(this.ds.manager, id, false);
    await this.assertMay(p, row);
    const decisions = await this.ds.query(`SELECT * FROM reconciliation_decisions WHERE bank_transaction_id = $1 ORDER BY seq`, [id]);
    return {
      ...this.view(row),
      decisions: decisions.map((d: Record<string, unknown>) => ({
        id: d.id as string,
        action: d.action as string,
        orderId: (d.order_id as string) ?? null,
        reason: (d.reason as string) ?? null,
        previousOutcome: d.previous_outcome as string,
        actorKeyId: d.actor_key_id as string,
        actorRole: d.actor_role as string,
        createdAt: new Date(d.created_at as string).toISOString(),
      })),
    };
  }

  private async load(m: EntityManager, id: string, lock: boolean): Promise<TxnRow> {
    const [row] = await m.query(`SELECT * FROM bank_transactions WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    if (!row) throw new NotFound('Bank transaction', id);
    return row;
  }

  private async assertMay(p: Principal, row: TxnRow): Promise<void> {
    const scope = await this.scope(p);
    if (scope !== 'all' && !scope.includes(row.account_number)) throw new Forbidden('This transfer did not reach your account');
  }

  async match(p: Principal, id: string, orderId: string, reason?: string): Promise<BankTransactionDetailDto> {
    await this.ds.transaction(async (m) => {
      const row = await this.load(m, id, true);
      await this.assertMay(p, row);
      if (row.outcome !== 'unmatched') throw this.notOpen(row);
      // A bank feed's word for an account that is not its owner's pays nothing, by hand neither: the
      // transfer, if real, reaches the platform through that account's own feed, webhook or statement.
      if (row.outcome_reason === 'foreign_account' || isForeignFeedSource(row.source)) {
        throw new Conflict('A bank feed reported this transfer for an account that is not its owner\'s: it cannot pay an order', 'foreign_account');
      }
      await this.txns.matchToOrder(m, id, orderId);
      await this.audit(m, p, id, 'match', row.outcome, orderId, reason);
    });
    return this.get(p, id);
  }

  async ignore(p: Principal, id: string, reason: string): Promise<BankTransactionDetailDto> {
    await this.ds.transaction(async (m) => {
      const row = await this.load(m, id, true);
      await this.assertMay(p, row);
      if (row.outcome !== 'unmatched') throw this.notOpen(row);
      await m.query(`UPDATE bank_transactions SET outcome = 'ignored', outcome_reason = $2, decided_at = $3 WHERE id = $1`, [id, reason, this.clock.now()]);
      await this.audit(m, p, id, 'ignore', row.outcome, null, reason);
    });
    return this.get(p, id);
  }

  /**
   * Reverses a manual decision by a new one: an ignored transfer goes back to the queue; a manual
   * match is undone only while it has not settled the order (an underpayment), since a paid order's
   * money is reversed by a refund, not by rewriting history.
   */
  async reopen(p: Principal, id: string, reason: string): Promise<BankTransactionDetailDto> {
    await this.ds.transaction(async (m) => {
      const row = await this.load(m, id, true);
      await this.assertMay(p, row);
      const [last] = await m.query(`SELECT action FROM reconciliation_decisions WHERE bank_transaction_id = $1 ORDER BY seq DESC LIMIT 1`, [id]);
      if (!last || last.action === 'reopen') throw new Conflict('Only a manual decision can be reversed', 'no_manual_decision');
      if (last.action === 'match') {
        if (row.outcome !== 'underpaid' || !row.order_id) {
          throw new Conflict(`This manual match settled the order (${row.outcome}); issue a refund instead`, 'match_settled');
        }
        await m.query(`UPDATE payments SET received_vnd = received_vnd - $2, updated_at = now() WHERE order_id = $1`, [row.order_id, Number(row.amount_applied_vnd)]);
      }
      await m.query(
        `UPDATE bank_transactions SET outcome = 'unmatched', outcome_reason = 'reopened', order_id = NULL, amount_applied_vnd = 0, amount_to_refund_vnd = 0, decided_at = $2 WHERE id = $1`,
        [id, this.clock.now()],
      );
      await this.audit(m, p, id, 'reopen', row.outcome, row.order_id, reason);
    });
    return this.get(p, id);
  }

  private notOpen(row: TxnRow): Conflict {
    return new Conflict(`This transfer is already ${row.outcome}; reopen it first if that was a manual decision`, 'not_unmatched');
  }

  private async audit(m: EntityManager, p: Principal, id: string, action: string, previous: string, orderId: string | null, reason?: string) {
    await m.query(
      `INSERT INTO reconciliation_decisions (bank_transaction_id, action, order_id, reason, previous_outcome, actor_key_id, actor_role, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [id, action, orderId, reason ?? null, previous, p.keyId, p.role, this.clock.now()],
    );
  }

  // ───────────────────────────── reports ─────────────────────────────

  async report(p: Principal, date: string, cooperativeId?: string): Promise<ReportDto> {
    const scope = await this.reportScopeAndAccount(p, cooperativeId);
    const discrepancies: ReportLineDto[] = [];
    for await (const line of this.discrepancyRows(date, scope.coop, scope.account)) discrepancies.push(line);
    return { ...(await this.totals(date, scope.coop, scope.account)), discrepancies };
  }

  /** The same report as CSV rows, streamed from keyset pages (no whole report in memory), totals last. */
  async reportCsv(p: Principal, date: string, cooperativeId?: string): Promise<Readable> {
    const { coop, account } = await this.reportScopeAndAccount(p, cooperativeId);
    const out = stringify({ header: true, columns: ['kind', 'transaction_id', 'order_id', 'order_code', 'reference', 'amount_vnd', 'reason'] });
    const write = async (row: unknown[]) => {
      if (!out.write(row)) await new Promise((r) => out.once('drain', r));
    };
    void (async () => {
      try {
        for await (const l of this.discrepancyRows(date, coop, account)) await write([l.kind, l.transactionId, l.orderId, l.orderCode, l.reference, l.amountVnd, l.reason]);
        const t = await this.totals(date, coop, account);
        await write(['total_expected', null, null, null, null, t.expected.amountVnd, `${t.expected.orders} orders`]);
        await write(['total_received', null, null, null, null, t.received.amountVnd, `${t.received.transactions} transfers`]);
        await write(['total_matched', null, null, null, null, t.matched.amountVnd, `${t.matched.transactions} transfers`]);
        out.end();
      } catch (e) {
        out.destroy(e as Error);
      }
    })();
    return out;
  }

  private async reportScopeAndAccount(p: Principal, cooperativeId?: string): Promise<{ coop: string | null; account: string | null }> {
    const coop = await this.reportScope(p, cooperativeId);
    return { coop, account: coop ? (await this.cooperatives.get(coop)).bankAccountNumber : null };
  }

  /** Expected (VietQR orders created that day), received and matched (incoming transfers booked that day). */
  private async totals(date: string, coop: string | null, account: string | null): Promise<Omit<ReportDto, 'discrepancies'>> {
    const [expected] = await this.ds.query(
      `SELECT count(*)::int AS n, coalesce(sum(o.total_vnd), 0)::text AS total FROM orders o JOIN payments p ON p.order_id = o.id
       WHERE p.method = 'vietqr' AND (o.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date = $1::date AND ($2::uuid IS NULL OR o.cooperative_id = $2)`,
      [date, coop],
    );
    const [received] = await this.ds.query(
      `SELECT count(*)::int AS n, coalesce(sum(amount_vnd), 0)::text AS total,
              count(*) FILTER (WHERE amount_applied_vnd > 0 AND order_id IS NOT NULL)::int AS matched_n,
              coalesce(sum(amount_applied_vnd) FILTER (WHERE order_id IS NOT NULL), 0)::text AS matched_total
       FROM bank_transactions WHERE direction = 'in' AND business_day = $1::date AND ($2::text IS NULL OR account_number = $2)`,
      [date, account],
    );
    return {
      date,
      cooperativeId: coop,
      expected: { orders: expected.n, amountVnd: Number(expected.total) },
      received: { transactions: received.n, amountVnd: Number(received.total) },
      matched: { transactions: received.matched_n, amountVnd: Number(received.matched_total) },
    };
  }

  private async reportScope(p: Principal, cooperativeId?: string): Promise<string | null> {
    if (p.role === 'admin') return cooperativeId ?? null;
    if (p.role === 'cooperative') {
      if (cooperativeId && cooperativeId !== p.cooperativeId) throw new Forbidden('This cooperative is not yours');
      return p.cooperativeId;
    }
    throw new Forbidden('Only admins and cooperatives read reconciliation reports');
  }

  /** Discrepancies of a business day: transfers that did not simply pay, and orders left unpaid. */
  private async *discrepancyRows(date: string, coop: string | null, account: string | null): AsyncGenerator<ReportLineDto> {
    const pageSize = 1000;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = await this.ds.query(
        `SELECT bt.id, bt.outcome, bt.outcome_reason, bt.amount_vnd, bt.amount_to_refund_vnd, bt.order_id, o.code, p.reference
         FROM bank_transactions bt LEFT JOIN orders o ON o.id = bt.order_id LEFT JOIN payments p ON p.order_id = bt.order_id
         WHERE bt.business_day = $1::date AND bt.direction = 'in' AND bt.outcome IN ('underpaid','overpaid','late','unmatched')
           AND ($2::text IS NULL OR bt.account_number = $2) AND bt.id > $3::uuid
         ORDER BY bt.id LIMIT ${pageSize}`,
        [date, account, after],
      );
      for (const r of rows) {
        yield {
          kind: r.outcome,
          transactionId: r.id,
          orderId: r.order_id,
          orderCode: r.code,
          reference: r.reference,
          amountVnd: r.outcome === 'overpaid' ? Number(r.amount_to_refund_vnd) : Number(r.amount_vnd),
          reason: r.outcome_reason ?? r.outcome,
        };
      }
      if (rows.length < pageSize) break;
      after = rows[rows.length - 1].id;
    }
    // Orders of that day that ended unpaid (expired or still pending after their window).
    const unpaid = await this.ds.query(
      `SELECT o.id, o.code, o.status, o.total_vnd, p.received_vnd, p.reference FROM orders o JOIN payments p ON p.order_id = o.id
       WHERE p.method = 'vietqr' AND (o.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date = $1::date AND ($2::uuid IS NULL OR o.cooperative_id = $2)
         AND o.status IN ('expired','pending_payment') AND o.payment_expires_at <= $3 ORDER BY o.created_at`,
      [date, coop, this.clock.now()],
    );
    for (const o of unpaid) {
      const short = Number(o.total_vnd) - Number(o.received_vnd);
      yield {
        kind: 'unpaid',
        transactionId: null,
        orderId: o.id,
        orderCode: o.code,
        reference: o.reference,
        amountVnd: short,
        reason: Number(o.received_vnd) > 0 ? `received ${o.received_vnd} of ${o.total_vnd} VND before the window closed` : 'no transfer received',
      };
    }
  }

  view(r: TxnRow): BankTransactionDto {
    const day = r.business_day instanceof Date ? r.business_day.toISOString().slice(0, 10) : String(r.business_day).slice(0, 10);
    return {
      id: r.id,
      source: r.source,
      externalId: r.external_id,
      gateway: r.gateway,
      accountNumber: r.account_number,
      direction: r.direction,
      amountVnd: Number(r.amount_vnd),
      content: r.content,
      referenceCode: r.reference_code,
      bookedAt: new Date(r.booked_at).toISOString(),
      businessDay: day,
      outcome: r.outcome,
      outcomeReason: r.outcome_reason,
      orderId: r.order_id,
      stallId: r.stall_id,
      amountAppliedVnd: Number(r.amount_applied_vnd),
      amountToRefundVnd: Number(r.amount_to_refund_vnd),
      receivedAt: new Date(r.received_at).toISOString(),
      reversal: r.reversal,
      reversesId: r.reverses_id,
      reversedById: r.reversed_by_id,
      possibleDuplicateOf: r.possible_duplicate_of,
      reviewReason: r.review_reason,
    };
  }
}
