import { Inject, Injectable, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { vietnamDate } from '../common/clock.js';
import { Conflict, NotFound } from '../common/errors.js';
import { accounts, LedgerService } from '../ledger/ledger.service.js';
import { OrdersService } from '../orders/orders.service.js';
import { type BankAccountRef, type CandidateOrder, type Decision, decide, type StallAccount } from './matcher/decide.js';
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
  /** The accounts its reporter speaks for (a bank feed: its owner's); a credit to another is `foreign_account`. */
  allowedAccounts?: BankAccountRef[] | null;
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

/** Attempts at a batch that keeps meeting rows concurrent transactions commit meanwhile. */
const MAX_ATTEMPTS = 100;

/** A decided transaction: what its row records. */
interface Update {
  id: string;
  outcome: string;
  reason: string | null;
  orderId: string | null;
  stallId: string | null;
  applied: number;
  refund: number;
}

interface Writes {
  payments: Map<string, { received: number; status: string }>;
  paid: Array<{ orderId: string; from: CandidateOrder['status']; reason: string }>;
}

/**
 * Stores bank transactions exactly once and reconciles incoming ones against orders and stalls.
 * Works in batches (a statement import feeds 1,000 lines at a time; the webhook a batch of one):
 * one query for the duplicates (stored already, or repeated in the batch), one for all candidate
 * orders (locked), the pure decide() per transaction in order (split transfers to one order add up
 * within a batch), one multi-row INSERT of the new transactions with their outcomes, then the other
 * writes — all in the caller's transaction, so a batch is stored and matched atomically.
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
    if (!txns.length) return { inserted: 0, duplicates: 0, outcomes: {}, ids: [] };
    await m.query(`SAVEPOINT bank_transactions_ingest`);
    for (let attempt = 1; ; attempt++) {
      const result = await this.ingestOnce(m, txns, attempt >= MAX_ATTEMPTS);
      if (result) {
        await m.query(`RELEASE SAVEPOINT bank_transactions_ingest`);
        return result;
      }
      // A concurrent transaction committed one of these transactions first: start the batch again,
      // it is now a stored duplicate.
      await m.query(`ROLLBACK TO SAVEPOINT bank_transactions_ingest`);
    }
  }

  /**
   * One attempt at a batch; null when the insert met a row a concurrent transaction committed since
   * the duplicates were read (the caller rolls back to its savepoint and tries again).
   *
   * Lock order: the candidate orders and payments first (one statement, in order id order), then
   * the new bank-transaction keys. A transaction that holds an uncommitted key of ours (our insert
   * waits for it, as ON CONFLICT would) took all its order locks before inserting, so it never
   * waits for ours: batches cannot deadlock.
   */
  private async ingestOnce(m: EntityManager, txns: IncomingBankTransaction[], lastAttempt: boolean): Promise<BatchResult | null> {
    const result: BatchResult = { inserted: 0, duplicates: 0, outcomes: {}, ids: [] };
    const key = (a: string, b: string) => `${a}\u0000${b}`;
    const withRef = txns.filter((t) => (t.referenceCode ?? null) !== null);
    const existing: Array<{ source: string; external_id: string; account_number: string; reference_code: string | null }> = await m.query(
      // One unique-index probe per key (LIMIT 1 keeps the planner from hashing the whole table).
      `SELECT b.* FROM unnest($1::text[], $2::text[]) AS k(source, external_id)
       CROSS JOIN LATERAL (SELECT source, external_id, account_number, reference_code FROM bank_transactions
                           WHERE source = k.source AND external_id = k.external_id LIMIT 1) b
       UNION ALL
       SELECT b.* FROM unnest($3::text[], $4::text[]) AS k(account_number, reference_code)
       CROSS JOIN LATERAL (SELECT source, external_id, account_number, reference_code FROM bank_transactions
                           WHERE account_number = k.account_number AND reference_code = k.reference_code LIMIT 1) b`,
      [txns.map((t) => t.source), txns.map((t) => t.externalId), withRef.map((t) => t.accountNumber), withRef.map((t) => t.referenceCode)],
    );
    // The rule of the unique constraints: a transaction is new unless its (source, external id), or
    // its bank reference on its account, is already stored or came earlier in the batch.
    const seenIds = new Set(existing.map((r) => key(r.source, r.external_id)));
    const seenRefs = new Set(existing.filter((r) => r.reference_code !== null).map((r) => key(r.account_number, r.reference_code!)));
    const stored: StoredTxn[] = [];
    for (const t of txns) {
      const idKey = key(t.source, t.externalId);
      const refKey = (t.referenceCode ?? null) === null ? null : key(t.accountNumber, t.referenceCode!);
      if (seenIds.has(idKey) || (refKey !== null && seenRefs.has(refKey))) {
        result.ids.push(null);
        continue;
      }
      seenIds.add(idKey);
      if (refKey !== null) seenRefs.add(refKey);
      const id = randomUUID();
      result.ids.push(id);
      stored.push({ ...t, id });
    }
    result.inserted = stored.length;
    result.duplicates = txns.length - stored.length;
    result.outcomes.outgoing = stored.filter((t) => t.direction === 'out').length;
    if (!stored.length) return result;

    // Decide every incoming transaction against its locked candidates; writes other than the rows
    // themselves wait until the rows are in.
    const incoming = stored.filter((t) => t.direction === 'in');
    const refsByTxn = incoming.map((t) => findReferences(t.content));
    const candidates = await this.loadCandidates(m, [...new Set(refsByTxn.flat())]);
    const stallAccounts = incoming.length ? await this.loadStallAccounts(m, incoming) : [];
    const acc: Writes = { payments: new Map(), paid: [] };
    const writes: Array<() => Promise<unknown>> = [];
    const updates = await this.decideAll(m, incoming, refsByTxn, candidates, stallAccounts, result.outcomes, acc, async (write) => {
      writes.push(write);
    });
    const decided = new Map(updates.map((u) => [u.id, u]));

    // Each new transaction is written once, with its outcome (outgoing ones: 'outgoing', undecided).
    const col = <T>(f: (t: StoredTxn) => T): T[] => stored.map(f);
    const u = (t: StoredTxn) => decided.get(t.id);
    try {
      await m.query(
        `INSERT INTO bank_transactions (id, source, external_id, gateway, account_number, bank_bin, direction, amount_vnd, content,
           reference_code, counterparty_name, counterparty_account, booked_at, business_day, statement_import_id, raw,
           outcome, outcome_reason, order_id, stall_id, amount_applied_vnd, amount_to_refund_vnd, decided_at)
         SELECT v.id, v.source, v.external_id, v.gateway, v.account_number, v.bank_bin, v.direction, v.amount_vnd, v.content,
           v.reference_code, v.counterparty_name, v.counterparty_account, v.booked_at, v.business_day, v.statement_import_id, v.raw::jsonb,
           v.outcome, v.outcome_reason, v.order_id, v.stall_id, v.applied, v.refund, CASE WHEN v.decided THEN now() END
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[],
           $10::text[], $11::text[], $12::text[], $13::timestamptz[], $14::date[], $15::uuid[], $16::text[],
           $17::text[], $18::text[], $19::uuid[], $20::uuid[], $21::bigint[], $22::bigint[], $23::boolean[])
           AS v(id, source, external_id, gateway, account_number, bank_bin, direction, amount_vnd, content,
             reference_code, counterparty_name, counterparty_account, booked_at, business_day, statement_import_id, raw,
             outcome, outcome_reason, order_id, stall_id, applied, refund, decided)`,
        [
          col((t) => t.id), col((t) => t.source), col((t) => t.externalId), col((t) => t.gateway ?? null), col((t) => t.accountNumber),
          col((t) => t.bankBin ?? null), col((t) => t.direction), col((t) => t.amountVnd), col((t) => t.content), col((t) => t.referenceCode ?? null),
          col((t) => t.counterpartyName ?? null), col((t) => t.counterpartyAccount ?? null), col((t) => t.bookedAt), col((t) => vietnamDate(t.bookedAt)),
          col((t) => t.statementImportId ?? null), col((t) => (t.raw === undefined ? null : JSON.stringify(t.raw))),
          col((t) => u(t)?.outcome ?? 'outgoing'), col((t) => u(t)?.reason ?? null), col((t) => u(t)?.orderId ?? null), col((t) => u(t)?.stallId ?? null),
          col((t) => u(t)?.applied ?? 0), col((t) => u(t)?.refund ?? 0), col((t) => u(t) !== undefined),
        ],
      );
    } catch (e) {
      if (!lastAttempt && (e as { driverError?: { code?: string } }).driverError?.code === '23505') return null;
      throw e;
    }
    for (const write of writes) await write();
    await this.flush(m, acc);
    return result;
  }

  /** The orders whose payment carries one of `refs`, locked (FOR UPDATE, in order id order), by reference. */
  private async loadCandidates(m: EntityManager, refs: string[]): Promise<Map<string, CandidateRow>> {
    const candidates = new Map<string, CandidateRow>();
    if (!refs.length) return candidates;
    const rows: CandidateRow[] = await m.query(
      `SELECT o.id AS order_id, p.reference, o.status, o.total_vnd, p.received_vnd, p.bank_bin, p.account_number, o.cooperative_id, o.payment_expires_at
       FROM payments p JOIN orders o ON o.id = p.order_id
       WHERE p.reference = ANY($1::text[]) ORDER BY o.id FOR UPDATE OF o, p`,
      [refs],
    );
    for (const r of rows) candidates.set(r.reference, r);
    return candidates;
  }

  private async loadStallAccounts(m: EntityManager, txns: StoredTxn[]): Promise<StallAccount[]> {
    return this.stalls
      ? (await this.stalls.findStallsByAccounts(m, [...new Set(txns.map((t) => t.accountNumber))])).map((s) => ({
          stallId: s.stallId,
          accountNumber: s.accountNumber,
          bankBin: s.bankBin,
        }))
      : [];
  }

  /**
   * decide() for each transaction in order, keeping the candidates in step (split transfers add up,
   * a paid order is not paid twice). Writes other than the batched payment/order ones (expiring an
   * order found late, ledger postings, stall credits) go through `write`, in the order they arise.
   */
  private async decideAll(
    m: EntityManager,
    txns: StoredTxn[],
    refsByTxn: string[][],
    candidates: Map<string, CandidateRow>,
    stallAccounts: StallAccount[],
    outcomes: Record<string, number>,
    acc: Writes,
    write: (w: () => Promise<unknown>) => Promise<void>,
  ): Promise<Update[]> {
    const updates: Update[] = [];
    for (const [i, t] of txns.entries()) {
      // A pending order whose window had closed when the money was booked is expired first (late).
      for (const ref of refsByTxn[i]) {
        const c = candidates.get(ref);
        if (c && c.status === 'pending_payment' && new Date(c.payment_expires_at) < t.bookedAt) {
          const orderId = c.order_id;
          await write(() => this.orders.transitionLocked(m, orderId, 'expired', 'system', 'payment window ended before the transfer was booked'));
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
        allowedAccounts: t.allowedAccounts,
      });
      updates.push(await this.apply(m, t, decision, mine, acc, write));
      outcomes[decision.outcome] = (outcomes[decision.outcome] ?? 0) + 1;
    }
    return updates;
  }

  /**
   * Applies one decision; keeps the in-memory candidate in step so later transfers in the batch see
   * it. Payment and order writes are collected in `acc` and flushed set-based once per batch.
   */
  private async apply(
    m: EntityManager,
    t: StoredTxn,
    d: Decision,
    mine: CandidateRow[],
    acc: Writes,
    write: (w: () => Promise<unknown>) => Promise<void> = (w) => w().then(() => undefined),
  ): Promise<Update> {
    const base: Update = { id: t.id, outcome: d.outcome as string, reason: null, orderId: null, stallId: null, applied: 0, refund: 0 };
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
          const coop = c!.cooperative_id;
          const memo = `overpayment on ${c!.reference}`;
          await write(() => this.owe(m, 'vietqr_overpayment', t, coop, excess, memo));
        }
        return {
          ...base,
          orderId: c!.order_id,
          applied: t.amountVnd - excess,
          refund: excess,
          reason: d.outcome === 'underpaid' ? `short by ${d.shortfallVnd} VND` : d.outcome === 'overpaid' ? `excess ${excess} VND to refund` : null,
        };
      }
      case 'late': {
        const coop = c!.cooperative_id;
        const memo = `${d.reason} (${c!.reference})`;
        await write(() => this.owe(m, 'vietqr_late_payment', t, coop, d.refundVnd, memo));
        return { ...base, orderId: c!.order_id, refund: d.refundVnd, reason: d.reason };
      }
      case 'stall_credit': {
        const stalls = this.stalls;
        const stallId = d.stallId;
        if (stalls) await write(() => stalls.recordStallCredit(m, { stallId, amountVnd: t.amountVnd, occurredAt: t.bookedAt, bankTransactionId: t.id }));
        return { ...base, stallId: d.stallId, applied: t.amountVnd };
      }
      case 'unmatched':
        return { ...base, reason: d.reason };
      default:
        return { ...base, outcome: 'outgoing' };
    }
  }

  /** The collected payment and order writes of a batch, in three statements. */
  private async flush(m: EntityManager, acc: Writes): Promise<void> {
    if (acc.payments.size) {
      const payments = [...acc.payments];
      await m.query(
        `UPDATE payments p SET received_vnd = v.received, status = v.status, updated_at = now()
         FROM unnest($1::uuid[], $2::bigint[], $3::text[]) AS v(order_id, received, status) WHERE p.order_id = v.order_id`,
        [payments.map(([orderId]) => orderId), payments.map(([, p]) => p.received), payments.map(([, p]) => p.status)],
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
