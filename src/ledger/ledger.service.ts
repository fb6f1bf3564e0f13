import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { decodeCursor, type Page, pageLimit, toPage } from '../common/pagination.js';
import type { LedgerJournalView } from './ledger-views.js';

export type { LedgerJournalView };

/**
 * The platform's append-only double-entry ledger for money it holds or owes (SPEC "Settlement").
 *
 * Accounts (per cooperative where it says <coop>):
 * - `stripe_clearing`                 asset: card money collected at Stripe.
 * - `cooperative_payable:<coop>`      liability: card money the platform owes the cooperative.
 * - `due_from_cooperative:<coop>`     asset: buyer money that reached the cooperative's own account
 *                                     and must go back (overpayments, late transfers, VietQR refunds).
 * - `buyer_refunds_owed:<coop>`       liability: what buyers of that cooperative are owed back.
 *
 * Postings are idempotent per (kind, sourceType, sourceId); every journal balances (a deferred
 * trigger refuses a commit otherwise); balances are kept in ledger_balances in the same transaction.
 */
export type LedgerKind =
  | 'card_payment'
  | 'card_refund'
  | 'vietqr_overpayment'
  | 'vietqr_late_payment'
  | 'vietqr_refund_owed'
  | 'manual_match_reversal'
  | 'bank_reversal';

export interface LedgerLine {
  account: string;
  debitVnd?: number;
  creditVnd?: number;
}

export interface CooperativeBalance {
  cooperativeId: string;
  /** Card money collected by the platform and owed to the cooperative. */
  heldForCooperativeVnd: number;
  /** Money buyers are owed back for this cooperative's orders (refunds, overpayments, late transfers). */
  owedToBuyersVnd: number;
  /** Of that, money sitting in the cooperative's own account (VietQR) that it must return. */
  dueFromCooperativeVnd: number;
  /** held − due: positive = the platform pays the cooperative, negative = the cooperative owes. */
  netPayableVnd: number;
}

export const accounts = {
  stripeClearing: 'stripe_clearing',
  cooperativePayable: (c: string) => `cooperative_payable:${c}`,
  dueFromCooperative: (c: string) => `due_from_cooperative:${c}`,
  buyerRefundsOwed: (c: string) => `buyer_refunds_owed:${c}`,
};

@Injectable()
export class LedgerService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Posts a balanced journal once per source; returns false if it was already posted. */
  async post(
    m: EntityManager,
    j: { kind: LedgerKind; sourceType: string; sourceId: string; cooperativeId: string | null; memo?: string; lines: LedgerLine[]; at?: Date },
  ): Promise<boolean> {
    const debits = j.lines.reduce((s, l) => s + (l.debitVnd ?? 0), 0);
    const credits = j.lines.reduce((s, l) => s + (l.creditVnd ?? 0), 0);
    if (debits !== credits || debits <= 0) throw new Error(`unbalanced ledger journal ${j.kind}: ${debits} ≠ ${credits}`);
    const at = j.at ?? new Date();
    const [journal] = await m.query(
      `INSERT INTO ledger_journals (kind, source_type, source_id, cooperative_id, memo, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT ON CONSTRAINT ledger_journals_source_key DO NOTHING RETURNING id`,
      [j.kind, j.sourceType, j.sourceId, j.cooperativeId, j.memo ?? null, at],
    );
    if (!journal) return false;
    for (const l of j.lines) {
      const coop = l.account.includes(':') ? l.account.split(':')[1] : null;
      await m.query(`INSERT INTO ledger_entries (journal_id, account, cooperative_id, debit_vnd, credit_vnd, created_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
        journal.id, l.account, coop, l.debitVnd ?? 0, l.creditVnd ?? 0, at,
      ]);
      await m.query(
        `INSERT INTO ledger_balances (account, cooperative_id, debit_vnd, credit_vnd, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (account) DO UPDATE SET debit_vnd = ledger_balances.debit_vnd + EXCLUDED.debit_vnd,
           credit_vnd = ledger_balances.credit_vnd + EXCLUDED.credit_vnd, updated_at = EXCLUDED.updated_at`,
        [l.account, coop, l.debitVnd ?? 0, l.creditVnd ?? 0, at],
      );
    }
    return true;
  }

  async cooperativeBalance(cooperativeId: string): Promise<CooperativeBalance> {
    const rows: Array<{ account: string; debit_vnd: string; credit_vnd: string }> = await this.ds.query(
      `SELECT account, debit_vnd, credit_vnd FROM ledger_balances WHERE cooperative_id = $1`,
      [cooperativeId],
    );
    const bal = (acct: string, side: 'credit' | 'debit') => {
      const r = rows.find((x) => x.account === acct);
      if (!r) return 0;
      return side === 'credit' ? Number(r.credit_vnd) - Number(r.debit_vnd) : Number(r.debit_vnd) - Number(r.credit_vnd);
    };
    const held = bal(accounts.cooperativePayable(cooperativeId), 'credit');
    const owed = bal(accounts.buyerRefundsOwed(cooperativeId), 'credit');
    const due = bal(accounts.dueFromCooperative(cooperativeId), 'debit');
    return { cooperativeId, heldForCooperativeVnd: held, owedToBuyersVnd: owed, dueFromCooperativeVnd: due, netPayableVnd: held - due };
  }
  /** A cooperative's journals, newest first, each with all its lines (two queries per page). */
  async journalsOfCooperative(cooperativeId: string, q: { limit?: number; cursor?: string }): Promise<Page<LedgerJournalView>> {
    const limit = pageLimit(q.limit);
    const params: unknown[] = [cooperativeId];
    let where = 'cooperative_id = $1';
    if (q.cursor) {
      const [t, id] = decodeCursor(q.cursor, ['s', 's']);
      params.push(t, id);
      where += ` AND (created_at, id) < ($2::timestamptz, $3::uuid)`;
    }
    params.push(limit + 1);
    const rows: Array<{ id: string; kind: string; source_type: string; source_id: string; memo: string | null; created_at: Date }> = await this.ds.query(
      `SELECT id, kind, source_type, source_id, memo, created_at FROM ledger_journals WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    const page = toPage(rows, limit, (r) => r, (r) => [new Date(r.created_at).toISOString(), r.id]);
    const ids = page.items.map((r) => r.id);
    const lines: Array<{ journal_id: string; account: string; debit_vnd: string; credit_vnd: string }> = ids.length
      ? await this.ds.query(`SELECT journal_id, account, debit_vnd, credit_vnd FROM ledger_entries WHERE journal_id = ANY($1::uuid[]) ORDER BY id`, [ids])
      : [];
    return {
      items: page.items.map((r) => ({
        id: r.id,
        kind: r.kind,
        sourceType: r.source_type,
        sourceId: r.source_id,
        memo: r.memo,
        createdAt: new Date(r.created_at).toISOString(),
        lines: lines
          .filter((l) => l.journal_id === r.id)
          .map((l) => ({ account: l.account, accountKind: l.account.split(':')[0], debitVnd: Number(l.debit_vnd), creditVnd: Number(l.credit_vnd) })),
      })),
      nextCursor: page.nextCursor,
    };
  }
}

export interface LedgerCheckResult {
  journals: number;
  entries: number;
  unbalancedJournals: Array<{ journalId: string; debits: number; credits: number }>;
  balanceMismatches: Array<{ account: string; stored: number; fromEntries: number }>;
  ok: boolean;
}

/** Verifies every journal balances and every stored balance equals the sum of its entries. */
export async function checkLedger(q: { query: (sql: string) => Promise<unknown[]> }): Promise<LedgerCheckResult> {
  const [counts] = (await q.query(`SELECT (SELECT count(*) FROM ledger_journals)::int AS journals, (SELECT count(*) FROM ledger_entries)::int AS entries`)) as Array<{
    journals: number;
    entries: number;
  }>;
  const unbalanced = (await q.query(
    `SELECT j.id AS journal_id, coalesce(sum(e.debit_vnd),0)::text AS d, coalesce(sum(e.credit_vnd),0)::text AS c
     FROM ledger_journals j LEFT JOIN ledger_entries e ON e.journal_id = j.id
     GROUP BY j.id HAVING coalesce(sum(e.debit_vnd),0) <> coalesce(sum(e.credit_vnd),0) OR count(e.id) = 0`,
  )) as Array<{ journal_id: string; d: string; c: string }>;
  const mismatches = (await q.query(
    `WITH sums AS (SELECT account, sum(debit_vnd - credit_vnd) AS net FROM ledger_entries GROUP BY account)
     SELECT coalesce(b.account, s.account) AS account, coalesce(b.debit_vnd - b.credit_vnd, 0)::text AS stored, coalesce(s.net, 0)::text AS computed
     FROM ledger_balances b FULL JOIN sums s ON s.account = b.account
     WHERE coalesce(b.debit_vnd - b.credit_vnd, 0) <> coalesce(s.net, 0)`,
  )) as Array<{ account: string; stored: string; computed: string }>;
  return {
    journals: counts.journals,
    entries: counts.entries,
    unbalancedJournals: unbalanced.map((u) => ({ journalId: u.journal_id, debits: Number(u.d), credits: Number(u.c) })),
    balanceMismatches: mismatches.map((m) => ({ account: m.account, stored: Number(m.stored), fromEntries: Number(m.computed) })),
    ok: unbalanced.length === 0 && mismatches.length === 0,
  };
}
