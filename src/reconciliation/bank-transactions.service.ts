import { Inject, Injectable, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { vietnamDate } from '../common/clock.js';
import { Conflict, NotFound } from '../common/errors.js';
import { accounts, LedgerService } from '../ledger/ledger.service.js';
import { OrdersService } from '../orders/orders.service.js';
import { type BankAccountRef, type CandidateOrder, type Decision, decide, isAllowedAccount, type StallAccount } from './matcher/decide.js';
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
  /** The bank's reversal of an earlier entry (see StatementLine.reversal): never a payment. */
  reversal?: boolean;
}

interface StoredTxn extends IncomingBankTransaction {
  id: string;
  /** Kept, but maybe the same transfer as this stored one: a person decides (never paid meanwhile). */
  possibleDuplicateOf?: string;
}

export interface BatchResult {
  inserted: number;
  duplicates: number;
  /** Of the inserted: kept but flagged for a person (possible duplicates, reversals not resolved). */
  flagged: number;
  /** Of the inserted: reversals (outcome 'reversal'). */
  reversals: number;
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

/** The outcome a transaction is stored with when the matcher does not decide it. */
const undecided = (t: StoredTxn): string => (t.reversal ? 'reversal' : t.direction === 'in' && t.possibleDuplicateOf ? 'unmatched' : 'outgoing');
const undecidedReason = (t: StoredTxn): string | null => (!t.reversal && t.direction === 'in' && t.possibleDuplicateOf ? 'possible_duplicate' : null);

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
    if (!txns.length) return { inserted: 0, duplicates: 0, flagged: 0, reversals: 0, outcomes: {}, ids: [] };
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
    const result: BatchResult = { inserted: 0, duplicates: 0, flagged: 0, reversals: 0, outcomes: {}, ids: [] };
    const stored = await this.newTransfers(m, txns, result);
    result.inserted = stored.length;
    result.duplicates = txns.length - stored.length;
    result.reversals = stored.filter((t) => t.reversal).length;
    if (result.reversals) result.outcomes.reversal = result.reversals;
    result.outcomes.outgoing = stored.filter((t) => t.direction === 'out' && !t.reversal).length;
    if (!stored.length) return result;

    // Decide every incoming transaction against its locked candidates; writes other than the rows
    // themselves wait until the rows are in.
    // Reversals are never payments; a possible duplicate pays nothing until a person decides.
    const incoming = stored.filter((t) => t.direction === 'in' && !t.reversal && !t.possibleDuplicateOf);
    for (const t of stored) {
      if (t.possibleDuplicateOf && t.direction === 'in' && !t.reversal) result.outcomes.unmatched = (result.outcomes.unmatched ?? 0) + 1;
    }
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
           outcome, outcome_reason, order_id, stall_id, amount_applied_vnd, amount_to_refund_vnd, decided_at, reversal, possible_duplicate_of, review_reason)
         SELECT v.id, v.source, v.external_id, v.gateway, v.account_number, v.bank_bin, v.direction, v.amount_vnd, v.content,
           v.reference_code, v.counterparty_name, v.counterparty_account, v.booked_at, v.business_day, v.statement_import_id, v.raw::jsonb,
           v.outcome, v.outcome_reason, v.order_id, v.stall_id, v.applied, v.refund, CASE WHEN v.decided THEN now() END,
           v.reversal, v.duplicate_of, v.review
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[],
           $10::text[], $11::text[], $12::text[], $13::timestamptz[], $14::date[], $15::uuid[], $16::text[],
           $17::text[], $18::text[], $19::uuid[], $20::uuid[], $21::bigint[], $22::bigint[], $23::boolean[],
           $24::boolean[], $25::uuid[], $26::text[])
           AS v(id, source, external_id, gateway, account_number, bank_bin, direction, amount_vnd, content,
             reference_code, counterparty_name, counterparty_account, booked_at, business_day, statement_import_id, raw,
             outcome, outcome_reason, order_id, stall_id, applied, refund, decided, reversal, duplicate_of, review)`,
        [
          col((t) => t.id), col((t) => t.source), col((t) => t.externalId), col((t) => t.gateway ?? null), col((t) => t.accountNumber),
          col((t) => t.bankBin ?? null), col((t) => t.direction), col((t) => t.amountVnd), col((t) => t.content), col((t) => t.referenceCode ?? null),
          col((t) => t.counterpartyName ?? null), col((t) => t.counterpartyAccount ?? null), col((t) => t.bookedAt), col((t) => vietnamDate(t.bookedAt)),
          col((t) => t.statementImportId ?? null), col((t) => (t.raw === undefined ? null : JSON.stringify(t.raw))),
          col((t) => u(t)?.outcome ?? undecided(t)), col((t) => u(t)?.reason ?? undecidedReason(t)), col((t) => u(t)?.orderId ?? null), col((t) => u(t)?.stallId ?? null),
          col((t) => u(t)?.applied ?? 0), col((t) => u(t)?.refund ?? 0), col((t) => u(t) !== undefined),
          col((t) => t.reversal === true), col((t) => t.possibleDuplicateOf ?? null),
          col((t) => (t.possibleDuplicateOf ? `possibly the same transfer as bank transaction ${t.possibleDuplicateOf}: keep both, or ignore this one` : null)),
        ],
      );
    } catch (e) {
      if (!lastAttempt && (e as { driverError?: { code?: string } }).driverError?.code === '23505') return null;
      throw e;
    }
    for (const write of writes) await write();
    await this.flush(m, acc);
    result.flagged = stored.filter((t) => t.possibleDuplicateOf).length;
    for (const t of stored) if (t.reversal) await this.applyReversal(m, t, result);
    return result;
  }

  /**
   * The transactions of a batch that are new transfers, with ids; duplicates get a null id in
   * `result.ids`. A transfer's identity (README "What is one transfer"):
   * - the same (source, external id) is the same report again (a redelivery, the same file again:
   *   for a statement line without a bank reference the external id is its content and its
   *   occurrence in the file, so the n-th identical line is the n-th transfer);
   * - with a bank reference: (account, reference, direction, amount, business day). A report
   *   that agrees on all five — from any source — is that transfer again; one that shares the
   *   reference but differs in direction or amount is another transfer;
   * - cannot tell, so both are kept and the new one is flagged for a person (`possibleDuplicateOf`,
   *   paid nothing meanwhile): the same reference, direction and amount on another day; or, from
   *   another source or import, the same account, direction, amount and day where one of the
   *   two has no reference.
   * Two set-based queries per batch, each key an index probe.
   */
  private async newTransfers(m: EntityManager, txns: IncomingBankTransaction[], result: BatchResult): Promise<StoredTxn[]> {
    const key = (...parts: Array<string | number>) => parts.join('\u0000');
    const refKeys = [...new Map(txns.filter((t) => t.referenceCode).map((t) => [key(t.accountNumber, t.referenceCode!), t])).values()];
    const existing: Array<{ id: string; source: string; external_id: string; account_number: string; reference_code: string | null; direction: string; amount_vnd: string; day: string }> =
      await m.query(
        // One unique-index probe per id; every stored transfer sharing an account's bank reference.
        `SELECT b.* FROM unnest($1::text[], $2::text[]) AS k(source, external_id)
         CROSS JOIN LATERAL (SELECT id, source, external_id, account_number, reference_code, direction, amount_vnd::text, business_day::text AS day
                             FROM bank_transactions WHERE source = k.source AND external_id = k.external_id LIMIT 1) b
         UNION ALL
         SELECT b.* FROM unnest($3::text[], $4::text[]) AS k(account_number, reference_code)
         CROSS JOIN LATERAL (SELECT id, source, external_id, account_number, reference_code, direction, amount_vnd::text, business_day::text AS day
                             FROM bank_transactions WHERE account_number = k.account_number AND reference_code = k.reference_code LIMIT 100) b`,
        [txns.map((t) => t.source), txns.map((t) => t.externalId), refKeys.map((t) => t.accountNumber), refKeys.map((t) => t.referenceCode)],
      );
    const seenIds = new Set(existing.map((r) => key(r.source, r.external_id)));
    const identities = new Set<string>();
    /** (account, reference, direction, amount) → a stored id and its day. */
    const near = new Map<string, { id: string; day: string }>();
    for (const r of existing) {
      if (r.reference_code === null) continue;
      identities.add(key(r.account_number, r.reference_code, r.direction, r.amount_vnd, r.day));
      near.set(key(r.account_number, r.reference_code, r.direction, r.amount_vnd), { id: r.id, day: r.day });
    }
    const stored: StoredTxn[] = [];
    for (const t of txns) {
      const idKey = key(t.source, t.externalId);
      const day = vietnamDate(t.bookedAt);
      const identity = t.referenceCode ? key(t.accountNumber, t.referenceCode, t.direction, t.amountVnd, day) : null;
      if (seenIds.has(idKey) || (identity !== null && identities.has(identity))) {
        result.ids.push(null);
        continue;
      }
      const id = randomUUID();
      const row: StoredTxn = { ...t, id };
      if (t.referenceCode) {
        const nearKey = key(t.accountNumber, t.referenceCode, t.direction, t.amountVnd);
        const other = near.get(nearKey);
        if (other && other.day !== day) row.possibleDuplicateOf = other.id;
        else if (!other) near.set(nearKey, { id, day });
        identities.add(identity!);
      }
      seenIds.add(idKey);
      result.ids.push(id);
      stored.push(row);
    }

    // Where one report has a bank reference and the other none, only the content can tell. A
    // transfer a feed reports for an account it does not speak for is `foreign_account` whatever
    // else is stored (decide() says so): it is neither compared nor compared against.
    const foreign = (t: StoredTxn) => !!t.allowedAccounts && !isAllowedAccount({ accountNumber: t.accountNumber, bankBin: t.bankBin ?? undefined }, t.allowedAccounts);
    const probe = stored.map((t, i) => ({ t, i })).filter(({ t }) => !t.possibleDuplicateOf && !t.reversal && !foreign(t));
    if (probe.length) {
      const cols = (withRef: boolean) => {
        const ps = probe.filter(({ t }) => !!t.referenceCode === withRef);
        const ts = ps.map(({ t }) => t);
        return [ps.map(({ i }) => i), ts.map((t) => t.accountNumber), ts.map((t) => vietnamDate(t.bookedAt)), ts.map((t) => t.amountVnd),
          ts.map((t) => t.direction), ts.map((t) => t.source), ts.map((t) => t.statementImportId ?? null)];
      };
      const matches: Array<{ i: number; id: string }> = await m.query(
        `SELECT k.i, b.id FROM unnest($1::int[], $2::text[], $3::date[], $4::bigint[], $5::text[], $6::text[], $7::uuid[])
           AS k(i, account_number, day, amount_vnd, direction, source, import_id)
         CROSS JOIN LATERAL (SELECT id FROM bank_transactions b
           WHERE b.account_number = k.account_number AND b.business_day = k.day AND b.amount_vnd = k.amount_vnd AND b.reference_code IS NULL
             AND b.direction = k.direction AND NOT b.reversal AND b.outcome_reason IS DISTINCT FROM 'foreign_account'
             AND (b.source <> k.source OR b.statement_import_id IS DISTINCT FROM k.import_id) LIMIT 1) b
         UNION ALL
         SELECT k.i, b.id FROM unnest($8::int[], $9::text[], $10::date[], $11::bigint[], $12::text[], $13::text[], $14::uuid[])
           AS k(i, account_number, day, amount_vnd, direction, source, import_id)
         CROSS JOIN LATERAL (SELECT id FROM bank_transactions b
           WHERE b.business_day = k.day AND b.account_number = k.account_number AND b.amount_vnd = k.amount_vnd
             AND b.direction = k.direction AND NOT b.reversal AND b.outcome_reason IS DISTINCT FROM 'foreign_account'
             AND (b.source <> k.source OR b.statement_import_id IS DISTINCT FROM k.import_id) LIMIT 1) b`,
        [...cols(true), ...cols(false)],
      );
      for (const { i, id } of matches) stored[i].possibleDuplicateOf = id;
    }
    return stored;
  }

  /**
   * A reversal booked by the bank (MT940 RC/RD, camt RvslInd), already stored with outcome
   * 'reversal'. The reversal of a credit takes that credit back: the credit is found (same
   * account and amount, and the same bank reference — the reversal's own, or one its memo names —
   * or a payment reference its memo names), its payment's received amount is reduced, what the
   * ledger recorded as owed to the buyer for it is reversed by a correcting journal, and its order
   * is flagged for a person. Nothing is ever paid by a reversal. When the credit cannot be found,
   * or several could be it, the reversal is flagged for a person. The reversal of a debit gives
   * money back to the account: recorded, linked to the debit when its reference says which.
   */
  private async applyReversal(m: EntityManager, t: StoredTxn, result: BatchResult): Promise<void> {
    const original = t.direction === 'out' ? 'in' : 'out';
    const refs = [...new Set([t.referenceCode, ...(t.content.match(/\b[A-Z0-9]{8,30}\b/gi) ?? [])].filter((r): r is string => !!r))];
    const orderRefs = findReferences(t.content);
    const candidates: Array<{ id: string; order_id: string | null; stall_id: string | null; outcome: string; amount_to_refund_vnd: string; reference_code: string | null }> =
      await m.query(
        `SELECT id, order_id, stall_id, outcome, amount_to_refund_vnd, reference_code FROM bank_transactions
         WHERE id IN (
           SELECT id FROM bank_transactions WHERE account_number = $1 AND reference_code = ANY($3::text[]) AND direction = $4
           UNION
           SELECT bt.id FROM bank_transactions bt JOIN payments p ON p.order_id = bt.order_id WHERE p.reference = ANY($5::text[]) AND bt.account_number = $1 AND bt.direction = $4)
           AND amount_vnd = $2 AND NOT reversal AND reversed_by_id IS NULL AND booked_at <= $6 AND id <> $7
         ORDER BY booked_at DESC LIMIT 2 FOR UPDATE`,
        [t.accountNumber, t.amountVnd, refs, original, orderRefs, t.bookedAt, t.id],
      );
    const flag = async (reason: string) => {
      result.flagged += 1;
      await m.query(`UPDATE bank_transactions SET outcome_reason = $2, review_reason = $2 WHERE id = $1`, [t.id, reason]);
    };
    const what = t.direction === 'out' ? 'credit it takes back' : 'debit it gives back';
    if (candidates.length !== 1) {
      await flag(candidates.length === 0 ? `reversal: the ${what} was not found` : `reversal: several transfers could be the ${what}`);
      return;
    }
    const o = candidates[0];
    await m.query(`UPDATE bank_transactions SET reversed_by_id = $2 WHERE id = $1`, [o.id, t.id]);
    await m.query(`UPDATE bank_transactions SET reverses_id = $2, order_id = $3, stall_id = $4, outcome_reason = $5, decided_at = now() WHERE id = $1`, [
      t.id,
      o.id,
      o.order_id,
      o.stall_id,
      `reverses bank transaction ${o.id}`,
    ]);
    if (t.direction !== 'out') return; // a debit given back: recorded, nothing else to undo
    const label = `the bank reversed transfer ${o.reference_code ?? o.id} (${t.amountVnd} VND)`;
    if (o.stall_id) {
      await flag(`${label}: it was credited to a stall; correct the stall's transactions by hand`);
      return;
    }
    if (!o.order_id) return; // unmatched or ignored: no payment to take back
    const [order]: Array<{ cooperative_id: string; total_vnd: string; received_vnd: string }> = await m.query(
      `SELECT o.cooperative_id, o.total_vnd, p.received_vnd FROM orders o JOIN payments p ON p.order_id = o.id WHERE o.id = $1 FOR UPDATE OF o, p`,
      [o.order_id],
    );
    // What the credit added to the payment's received amount: all of it when it paid (in full, in
    // part or too much); nothing when it came late (then it was only owed back).
    const added = ['paid', 'overpaid', 'underpaid'].includes(o.outcome) ? t.amountVnd : 0;
    const received = Math.max(0, Number(order.received_vnd) - added);
    await m.query(
      `UPDATE payments SET received_vnd = $2, status = CASE WHEN $2 < amount_vnd AND status = 'succeeded' THEN 'pending' ELSE status END,
         failure_message = $3, updated_at = now() WHERE order_id = $1`,
      [o.order_id, received, label],
    );
    const owed = Number(o.amount_to_refund_vnd);
    if (owed > 0) {
      // What the credit left owed to the buyer (an overpayment, a late transfer) went back with it.
      await this.ledger.post(m, {
        kind: 'bank_reversal',
        sourceType: 'bank_transaction',
        sourceId: t.id,
        cooperativeId: order.cooperative_id,
        memo: `${label}: what it left owed to the buyer is void`,
        lines: [
          { account: accounts.buyerRefundsOwed(order.cooperative_id), debitVnd: owed },
          { account: accounts.dueFromCooperative(order.cooperative_id), creditVnd: owed },
        ],
      });
    }
    await this.orders.flagForReviewLocked(m, o.order_id, `${label} that paid this order: received ${received} of ${order.total_vnd} VND`);
    result.flagged += 1;
    await m.query(`UPDATE bank_transactions SET review_reason = $2 WHERE id = $1`, [t.id, `${label}: order ${o.order_id} flagged for review`]);
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
