/**
 * The matching decision for one bank transaction (SPEC "Bank transactions and reconciliation").
 * Pure: the caller extracts references from the memo (findReferences), loads the orders carrying
 * them (`candidates`) and the stall accounts, calls decide(), and applies the outcome in one
 * database transaction. Time is not read here: an order whose payment window has passed but whose
 * status is still `pending_payment` is treated as pending — the caller expires orders first.
 *
 * Rules, in order:
 * 1. `direction: 'out'` → `ignored_outgoing`. A non-positive or non-integer amount → `unmatched`
 *    (`invalid_amount`). When the reporter speaks only for some accounts (`allowedAccounts`: a
 *    bank feed speaks for its owner's accounts), a credit to any other account → `unmatched`
 *    (`foreign_account`): it pays nothing and credits no stall, whatever its memo names.
 * 2. Candidates are deduplicated by orderId (a memo may repeat the code). Only orders whose
 *    cooperative account is the credited account can be paid by this transfer (same account
 *    number, ignoring spaces/dots/dashes; same bank BIN when both sides give one).
 * 3. No order on the credited account: a stall's account → `stall_credit` (several stalls sharing
 *    it → `unmatched` `ambiguous`); otherwise `unmatched` with `wrong_account` (references found,
 *    but for another account) or `no_reference`.
 * 4. References to several different orders (on this account or not) → `unmatched` `ambiguous`:
 *    a human decides (POST /reconciliation/transactions/:id/match).
 * 5. The order is `expired`/`cancelled`/`refunded` → `late` (`order_expired`, ...); already paid
 *    (`paid`/`processing`/`shipped`/`completed`, or `paidVnd ≥ totalVnd`) → `late`
 *    (`already_paid`). In both cases the WHOLE transfer is to refund (`refundVnd`); re-opening an
 *    expired order when stock allows is a later, explicit action, not this decision.
 * 6. Otherwise received = paidVnd + amountVnd (so split transfers add up): equal to the total →
 *    `paid`; short → `underpaid` (the order stays unpaid, the caller adds the amount to paidVnd);
 *    over → `overpaid` (the order is paid, the excess is to refund).
 */

export type OrderStatus =
  | 'pending_payment'
  | 'paid'
  | 'processing'
  | 'shipped'
  | 'completed'
  | 'expired'
  | 'cancelled'
  | 'refunded';

export interface BankAccountRef {
  accountNumber: string;
  bankBin?: string;
}

export interface IncomingTransaction extends BankAccountRef {
  amountVnd: number;
  direction: 'in' | 'out';
}

export interface CandidateOrder {
  orderId: string;
  reference: string;
  status: OrderStatus;
  totalVnd: number;
  /** Already received for this order before this transfer. */
  paidVnd: number;
  /** The cooperative's account the order's VietQR pays into. */
  account: { accountNumber: string; bankBin: string };
}

export interface StallAccount extends BankAccountRef {
  stallId: string;
}

export interface DecideInput {
  transaction: IncomingTransaction;
  candidates: readonly CandidateOrder[];
  stallAccounts: readonly StallAccount[];
  /** The accounts the reporter may speak for; absent = any (the platform webhook, statements). */
  allowedAccounts?: readonly BankAccountRef[] | null;
}

export type UnmatchedReason = 'no_reference' | 'wrong_account' | 'ambiguous' | 'invalid_amount' | 'foreign_account';
export type LateReason = 'order_expired' | 'order_cancelled' | 'order_refunded' | 'already_paid';

export type Decision =
  /** receivedVnd: total received for the order including this transfer (= totalVnd). */
  | { outcome: 'paid'; orderId: string; receivedVnd: number }
  | { outcome: 'underpaid'; orderId: string; shortfallVnd: number }
  | { outcome: 'overpaid'; orderId: string; excessVnd: number }
  /** refundVnd: the whole transfer. */
  | { outcome: 'late'; orderId: string; reason: LateReason; refundVnd: number }
  | { outcome: 'stall_credit'; stallId: string }
  | { outcome: 'unmatched'; reason: UnmatchedReason }
  | { outcome: 'ignored_outgoing' };

const LATE_STATUS: Partial<Record<OrderStatus, LateReason>> = {
  expired: 'order_expired',
  cancelled: 'order_cancelled',
  refunded: 'order_refunded',
  paid: 'already_paid',
  processing: 'already_paid',
  shipped: 'already_paid',
  completed: 'already_paid',
};

const canonicalAccount = (accountNumber: string): string =>
  accountNumber.replace(/[\s.\-]/g, '').toUpperCase();

/** Same account number (and same bank when both sides name one). An empty number never matches. */
export function sameAccount(a: BankAccountRef, b: BankAccountRef): boolean {
  const number = canonicalAccount(a.accountNumber);
  if (number === '' || number !== canonicalAccount(b.accountNumber)) return false;
  return !a.bankBin || !b.bankBin || a.bankBin.trim() === b.bankBin.trim();
}

/** Whether `account` is one of `allowed` (sameAccount). */
export function isAllowedAccount(account: BankAccountRef, allowed: readonly BankAccountRef[]): boolean {
  return allowed.some((a) => sameAccount(account, a));
}

export function decide({ transaction, candidates, stallAccounts, allowedAccounts }: DecideInput): Decision {
  if (transaction.direction === 'out') return { outcome: 'ignored_outgoing' };
  const amount = transaction.amountVnd;
  if (!Number.isSafeInteger(amount) || amount <= 0) return { outcome: 'unmatched', reason: 'invalid_amount' };
  if (allowedAccounts && !isAllowedAccount(transaction, allowedAccounts)) return { outcome: 'unmatched', reason: 'foreign_account' };

  const orders = [...new Map(candidates.map((c) => [c.orderId, c])).values()];
  const onAccount = orders.filter((o) => sameAccount(transaction, o.account));

  if (onAccount.length === 0) {
    const stallIds = new Set(stallAccounts.filter((s) => sameAccount(transaction, s)).map((s) => s.stallId));
    if (stallIds.size === 1) return { outcome: 'stall_credit', stallId: [...stallIds][0] };
    if (stallIds.size > 1) return { outcome: 'unmatched', reason: 'ambiguous' };
    return { outcome: 'unmatched', reason: orders.length > 0 ? 'wrong_account' : 'no_reference' };
  }
  if (orders.length > 1) return { outcome: 'unmatched', reason: 'ambiguous' };

  const order = onAccount[0];
  const late = LATE_STATUS[order.status] ?? (order.paidVnd >= order.totalVnd ? 'already_paid' : undefined);
  if (late) return { outcome: 'late', orderId: order.orderId, reason: late, refundVnd: amount };

  const received = order.paidVnd + amount;
  if (received === order.totalVnd) return { outcome: 'paid', orderId: order.orderId, receivedVnd: received };
  if (received < order.totalVnd) {
    return { outcome: 'underpaid', orderId: order.orderId, shortfallVnd: order.totalVnd - received };
  }
  return { outcome: 'overpaid', orderId: order.orderId, excessVnd: received - order.totalVnd };
}
