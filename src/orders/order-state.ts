/**
 * The order state machine (SPEC "Checkout and orders") as a pure transition table with guards.
 *
 *   pending_payment → paid → processing → shipped → completed
 *   pending_payment → expired            (payment window ends; stock returns)
 *   pending_payment | paid → cancelled   (paid ones then need a refund)
 *   paid | processing | shipped | completed → refunded   (after a full refund)
 *
 * Who may take each edge: `system` (payments, the expiry sweeper, refunds), `cooperative` (the order's
 * own cooperative moving it forward or cancelling), `admin` (anything a cooperative may do).
 */
export const ORDER_STATUSES = ['pending_payment', 'paid', 'processing', 'shipped', 'completed', 'expired', 'cancelled', 'refunded'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export type Actor = 'system' | 'cooperative' | 'admin';

interface Edge {
  to: OrderStatus;
  by: readonly Actor[];
}

const TABLE: Record<OrderStatus, readonly Edge[]> = {
  pending_payment: [
    { to: 'paid', by: ['system'] },
    { to: 'expired', by: ['system'] },
    { to: 'cancelled', by: ['cooperative', 'admin', 'system'] },
  ],
  paid: [
    { to: 'processing', by: ['cooperative', 'admin'] },
    { to: 'cancelled', by: ['cooperative', 'admin'] },
    { to: 'refunded', by: ['system'] },
  ],
  processing: [
    { to: 'shipped', by: ['cooperative', 'admin'] },
    { to: 'refunded', by: ['system'] },
  ],
  shipped: [
    { to: 'completed', by: ['cooperative', 'admin'] },
    { to: 'refunded', by: ['system'] },
  ],
  completed: [{ to: 'refunded', by: ['system'] }],
  expired: [],
  cancelled: [{ to: 'refunded', by: ['system'] }],
  refunded: [],
};

export type TransitionCheck = { ok: true } | { ok: false; reason: string };

export function checkTransition(from: OrderStatus, to: OrderStatus, actor: Actor): TransitionCheck {
  if (from === to) return { ok: false, reason: `order is already ${to}` };
  const edge = TABLE[from].find((e) => e.to === to);
  if (!edge) {
    const allowed = TABLE[from].map((e) => e.to);
    return { ok: false, reason: `cannot go from ${from} to ${to}${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ` (${from} is final)`}` };
  }
  if (!edge.by.includes(actor)) return { ok: false, reason: `${from} → ${to} is done by ${edge.by.join(' or ')}, not ${actor}` };
  return { ok: true };
}

/** Targets an actor may request from a state (for docs and UIs). */
export function nextStatuses(from: OrderStatus, actor: Actor): OrderStatus[] {
  return TABLE[from].filter((e) => e.by.includes(actor)).map((e) => e.to);
}

export function isFinal(s: OrderStatus): boolean {
  return TABLE[s].length === 0;
}

/** States in which the order's stock is still reserved or sold (not returned). */
export function holdsStock(s: OrderStatus): boolean {
  return s !== 'expired' && s !== 'cancelled';
}
