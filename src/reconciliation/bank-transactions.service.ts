import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { vietnamDate } from '../common/clock.js';
import { Conflict, NotFound } from '../common/errors.js';
import { accounts, LedgerService } from '../ledger/ledger.service.js';
import { OrdersService } from '../orders/orders.service.js';
import { type CandidateOrder, type Decision, decide, type StallAccount } from './matcher/decide.js';
import { findReferences } from './matcher/extract.js';
import { STALL_CREDIT_PORT, type StallCreditPort } from './stall-credit.port.js';

/** One bank transaction as received (webhook or statement line), before it is stored. */
export interface IncomingBankTransaction {
  source: string;
  externalId: string;
  gateway?: string | null;
  accountNumber: string;
  bankBin?: string | null;
  direction: 'in' | 'out';
  amountVnd: number;
  content: string;
  referenceCode?: string | null;
  counterpartyName?: string | null;
  counterpartyAccount?: string | null;
  bookedAt: Date;
  statementImportId?: string | null;
  raw?: unknown;
}

interface StoredTxn extends IncomingBankTransaction {
  id: string;
}

export interface BatchResult {
  inserted: number;
  duplicates: number;
  outcomes: Record<string, number>;
  /** Ids of the stored transactions, in input order (null for duplicates). */
  ids: Array<string | null>;
}

interface CandidateRow {
  order_id: string;
  reference: string;
  status: CandidateOrder['status'];
  total_vnd: string;
  received_vnd: string;
  bank_bin: string;
  account_number: string;
  cooperative_id: string;
  payment_expires_at: Date;
}

const COLS = 15;

interface Writes {
  payments: Map<string, { received: number; status: string }>;
  paid: Array<{ orderId: string; from: CandidateOrder['status']; reason: string }>;
}

/**
 * Stores bank transactions exactly once and reconciles incoming ones against orders and stalls.
 * Works in batches (a statement import feeds 1,000 lines at a time; the webhook a batch of one):
 * one multi-row INSERT … ON CONFLICT DO NOTHING, one query for all candidate orders (locked), the
 * pure decide() per transaction in order (split transfers to one order add up within a batch),
 * then the writes — all in the caller's transaction, so a batch is stored and matched atomically.
 */
@Injectable()
export class BankTransactionsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly orders: OrdersService,
    private readonly ledger: LedgerService,
    @Optional() @Inject(STALL_CREDIT_PORT) private readonly stalls?: StallCreditPort,
  ) {}

  async ingest(m: EntityManager, txns: IncomingBankTransaction[]): Promise<BatchResult> {
    const result: BatchResult = { inserted: 0, duplicates: 0, outcomes: {}, ids: [] };
    if (!txns.length) return result;
    const params: unknown[] = [];
    const values = txns.map((t, i) => {
      params.push(
        t.source, t.externalId, t.gateway ?? null, t.accountNumber, t.bankBin ?? null, t.direction, t.amountVnd, t.content,
        t.referenceCode ?? null, t.counterpartyName ?? null, t.counterpartyAccount ?? null, t.bookedAt, vietnamDate(t.bookedAt),
        t.statementImportId ?? null, t.raw === undefined ? null : JSON.stringify(t.raw),
      );
      const b = i * COLS;
      return `(${Array.from({ length: COLS }, (_, k) => `$${b + k + 1}`).join(', ')}, ${t.direction === 'out' ? `'outgoing'` : `'pending'`})`;
    });
    // Dedup: the same (source, external id), and across sources the same bank reference on an account.
    const rows: Array<{ id: string; source: string; external_id: string }> = await m.query(
      `INSERT INTO bank_transactions (source, external_id, gateway, account_number, bank_bin, direction, amount_vnd, content,
         reference_code, counterparty_name, counterparty_account, booked_at, business_day, statement_import_id, raw, outcome)
       VALUES ${values.join(', ')}
       ON CONFLICT DO NOTHING RETURNING id, source, external_id`,
      params,
    );
    const idByKey = new Map(rows.map((r) => [`${r.source}\u0000${r.external_id}`, r.id]));
    const stored: StoredTxn[] = [];
    for (const t of txns) {
      const id = idByKey.get(`${t.source}\u0000${t.externalId}`) ?? null;
      result.ids.push(id);
      if (id) {
        idByKey.delete(`${t.source}\u0000${t.externalId}`); // a key repeated inside one batch is a duplicate
        stored.push({ ...t, id });
      }
    }
    result.inserted = stored.length;
    result.duplicates = txns.length - stored.length;
    result.outcomes.outgoing = stored.filter((t) => t.direction === 'out').length;
    const incoming = stored.filter((t) => t.direction === 'in');
    if (incoming.length) await this.reconcile(m, incoming, result.outcomes);
    return result;
  }

  private async reconcile(m: EntityManager, txns: StoredTxn[], outcomes: Record<string, number>): Promise<void> {
    const refsByTxn = txns.map((t) => findReferences(t.content));
    const allRefs = [...new Set(refsByTxn.flat())];
    const candidates = new Map<string, CandidateRow>();
    if (allRefs.length) {
      const rows: CandidateRow[] = await m.query(
        `SELECT o.id AS order_id, p.reference, o.status, o.total_vnd, p.received_vnd, p.bank_bin, p.account_number, o.cooperative_id, o.payment_expires_at
         FROM payments p JOIN orders o ON o.id = p.order_id
         WHERE p.reference = ANY($1::text[]) ORDER BY o.id FOR UPDATE OF o, p`,
        [allRefs],
      );
      for (const r of rows) candidates.set(r.reference, r);
    }
    const stallAccounts: StallAccount[] = this.stalls
      ? (await this.stalls.findStallsByAccounts(m, [...new Set(txns.map((t) => t.accountNumber))])).map((s) => ({
          stallId: s.stallId,
          accountNumber: s.accountNumber,
          bankBin: s.bankBin,
        }))
      : [];

    const updates: Array<{ id: string; outcome: string; reason: string | null; orderId: string | null; stallId: string | null; applied: number; refund: number }> = [];
    const acc: Writes = { payments: new Map(), paid: [] };
    for (const [i, t] of txns.entries()) {
      // A pending order whose window had closed when the money was booked is expired first (late).
      for (const ref of refsByTxn[i]) {
        const c = candidates.get(ref);
        if (c && c.status === 'pending_payment' && new Date(c.payment_expires_at) < t.bookedAt) {
          await this.orders.transitionLocked(m, c.order_id, 'expired', 'system', 'payment window ended before the transfer was booked');
          c.status = 'expired';
        }
      }
      const mine = refsByTxn[i].map((r) => candidates.get(r)).filter((c): c is CandidateRow => !!c);
      const decision = decide({
        transaction: { amountVnd: t.amountVnd, accountNumber: t.accountNumber, bankBin: t.bankBin ?? undefined, direction: t.direction },
        candidates: mine.map((c) => ({
          orderId: c.order_id,
          reference: c.reference,
          status: c.status,
          totalVnd: Number(c.total_vnd),
          paidVnd: Number(c.received_vnd),
          account: { accountNumber: c.account_number, bankBin: c.bank_bin },
        })),
        stallAccounts: stallAccounts.filter((s) => s.accountNumber === t.accountNumber),
      });
      updates.push(await this.apply(m, t, decision, mine, acc));
      outcomes[decision.outcome] = (outcomes[decision.outcome] ?? 0) + 1;
    }
    await this.flush(m, acc);
    const params: unknown[] = [];
    const values = updates.map((u, k) => {
      params.push(u.id, u.outcome, u.reason, u.orderId, u.stallId, u.applied, u.refund);
      const b = k * 7;
      return `($${b + 1}::uuid, $${b + 2}, $${b + 3}, $${b + 4}::uuid, $${b + 5}::uuid, $${b + 6}::bigint, $${b + 7}::bigint)`;
    });
    await m.query(
      `UPDATE bank_transactions bt SET outcome = v.outcome, outcome_reason = v.reason, order_id = v.order_id, stall_id = v.stall_id,
         amount_applied_vnd = v.applied, amount_to_refund_vnd = v.refund, decided_at = now()
       FROM (VALUES ${values.join(', ')}) AS v(id, outcome, reason, order_id, stall_id, applied, refund) WHERE bt.id = v.id`,
      params,
    );
  }

  /**
   * Applies one decision; keeps the in-memory candidate in step so later transfers in the batch see
   * it. Payment and order writes are collected in `acc` and flushed set-based once per batch.
   */
  private async apply(m: EntityManager, t: StoredTxn, d: Decision, mine: CandidateRow[], acc: Writes) {
    const base = { id: t.id, outcome: d.outcome as string, reason: null as string | null, orderId: null as string | null, stallId: null as string | null, applied: 0, refund: 0 };
    const c = 'orderId' in d ? mine.find((x) => x.order_id === d.orderId)! : undefined;
    switch (d.outcome) {
      case 'paid':
      case 'overpaid':
      case 'underpaid': {
        const received = Number(c!.received_vnd) + t.amountVnd;
        const excess = d.outcome === 'overpaid' ? d.excessVnd : 0;
        const settled = d.outcome !== 'underpaid';
        acc.payments.set(c!.order_id, { received, status: settled ? 'succeeded' : 'pending' });
        c!.received_vnd = String(received);
        if (settled) {
          acc.paid.push({ orderId: c!.order_id, from: c!.status, reason: `bank transfer ${t.referenceCode ?? t.externalId}` });
          c!.status = 'paid';
        }
        if (excess > 0) {
          await this.owe(m, 'vietqr_overpayment', t, c!.cooperative_id, excess, `overpayment on ${c!.reference}`);
        }
        return {
          ...base,
          orderId: c!.order_id,
          applied: t.amountVnd - excess,
          refund: excess,
          reason: d.outcome === 'underpaid' ? `short by ${d.shortfallVnd} VND` : d.outcome === 'overpaid' ? `excess ${excess} VND to refund` : null,
        };
      }
      case 'late':
        await this.owe(m, 'vietqr_late_payment', t, c!.cooperative_id, d.refundVnd, `${d.reason} (${c!.reference})`);
        return { ...base, orderId: c!.order_id, refund: d.refundVnd, reason: d.reason };
      case 'stall_credit':
        if (this.stalls) await this.stalls.recordStallCredit(m, { stallId: d.stallId, amountVnd: t.amountVnd, occurredAt: t.bookedAt, bankTransactionId: t.id });
        return { ...base, stallId: d.stallId, applied: t.amountVnd };
      case 'unmatched':
        return { ...base, reason: d.reason };
      default:
        return { ...base, outcome: 'outgoing' };
    }
  }

  /** The collected payment and order writes of a batch, in three statements. */
  private async flush(m: EntityManager, acc: Writes): Promise<void> {
    if (acc.payments.size) {
      const params: unknown[] = [];
      const values = [...acc.payments].map(([orderId, p], k) => {
        params.push(orderId, p.received, p.status);
        return `($${k * 3 + 1}::uuid, $${k * 3 + 2}::bigint, $${k * 3 + 3})`;
      });
      await m.query(
        `UPDATE payments p SET received_vnd = v.received, status = v.status, updated_at = now() FROM (VALUES ${values.join(', ')}) AS v(order_id, received, status) WHERE p.order_id = v.order_id`,
        params,
      );
    }
    if (acc.paid.length) await this.orders.markPaidLocked(m, acc.paid);
  }

  /** Buyer money that reached the cooperative's account and must go back. */
  private async owe(m: EntityManager, kind: 'vietqr_overpayment' | 'vietqr_late_payment', t: StoredTxn, coop: string, amount: number, memo: string) {
    await this.ledger.post(m, {
      kind,
      sourceType: 'bank_transaction',
      sourceId: t.id,
      cooperativeId: coop,
      memo,
      lines: [
        { account: accounts.dueFromCooperative(coop), debitVnd: amount },
        { account: accounts.buyerRefundsOwed(coop), creditVnd: amount },
      ],
    });
  }

  /**
   * A manual match: applies an unmatched credit to an order as if its memo had named it (same account
   * rule, same paid/underpaid/overpaid/late outcomes). The caller holds the transaction row lock.
   */
  async matchToOrder(m: EntityManager, txnId: string, orderId: string): Promise<Decision> {
    const [row] = await m.query(`SELECT * FROM bank_transactions WHERE id = $1`, [txnId]);
    const t: StoredTxn = {
      id: row.id, source: row.source, externalId: row.external_id, accountNumber: row.account_number, bankBin: row.bank_bin,
      direction: row.direction, amountVnd: Number(row.amount_vnd), content: row.content, referenceCode: row.reference_code, bookedAt: row.booked_at,
    };
    const [c]: CandidateRow[] = await m.query(
      `SELECT o.id AS order_id, p.reference, o.status, o.total_vnd, p.received_vnd, p.bank_bin, p.account_number, o.cooperative_id, o.payment_expires_at
       FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.id = $1 AND p.method = 'vietqr' FOR UPDATE OF o, p`,
      [orderId],
    );
    if (!c) throw new NotFound('VietQR order', orderId);
    const decision = decide({
      transaction: { amountVnd: t.amountVnd, accountNumber: t.accountNumber, bankBin: t.bankBin ?? undefined, direction: t.direction },
      candidates: [{ orderId: c.order_id, reference: c.reference, status: c.status, totalVnd: Number(c.total_vnd), paidVnd: Number(c.received_vnd), account: { accountNumber: c.account_number, bankBin: c.bank_bin } }],
      stallAccounts: [],
    });
    if (decision.outcome === 'unmatched') {
      throw new Conflict(`This transfer cannot pay order ${orderId}: ${decision.reason === 'wrong_account' ? 'it reached another account than the order\'s cooperative account' : decision.reason}`, 'cannot_match', [
        { field: 'orderId', problem: decision.reason === 'wrong_account' ? 'belongs to a cooperative whose account did not receive this transfer' : decision.reason },
      ]);
    }
    const acc: Writes = { payments: new Map(), paid: [] };
    const u = await this.apply(m, t, decision, [c], acc);
    await this.flush(m, acc);
    await m.query(
      `UPDATE bank_transactions SET outcome = $2, outcome_reason = $3, order_id = $4, amount_applied_vnd = $5, amount_to_refund_vnd = $6, decided_at = now() WHERE id = $1`,
      [t.id, u.outcome, u.reason, u.orderId, u.applied, u.refund],
    );
    return decision;
  }

  /** One transaction, in its own database transaction (the webhook). */
  async recordOne(t: IncomingBankTransaction): Promise<{ id: string | null; duplicate: boolean; outcome?: string }> {
    return this.ds.transaction(async (m) => {
      const r = await this.ingest(m, [t]);
      const id = r.ids[0];
      if (!id) return { id: null, duplicate: true };
      const [row] = await m.query(`SELECT outcome FROM bank_transactions WHERE id = $1`, [id]);
      return { id, duplicate: false, outcome: row.outcome };
    });
  }
}
