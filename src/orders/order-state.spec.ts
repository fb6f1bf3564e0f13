import { type Actor, checkTransition, isFinal, nextStatuses, ORDER_STATUSES, type OrderStatus } from './order-state.js';

describe('order state machine', () => {
  const legal: Array<[OrderStatus, OrderStatus, Actor]> = [
    ['pending_payment', 'paid', 'system'],
    ['pending_payment', 'expired', 'system'],
    ['pending_payment', 'cancelled', 'cooperative'],
    ['pending_payment', 'cancelled', 'admin'],
    ['paid', 'processing', 'cooperative'],
    ['processing', 'shipped', 'cooperative'],
    ['shipped', 'completed', 'cooperative'],
    ['shipped', 'completed', 'admin'],
    ['paid', 'cancelled', 'cooperative'],
    ['paid', 'refunded', 'system'],
    ['completed', 'refunded', 'system'],
    ['cancelled', 'refunded', 'system'],
  ];
  it.each(legal)('%s → %s by %s is allowed', (from, to, actor) => {
    expect(checkTransition(from, to, actor)).toEqual({ ok: true });
  });

  const illegal: Array<[OrderStatus, OrderStatus, Actor, RegExp]> = [
    ['pending_payment', 'paid', 'cooperative', /done by system/],
    ['pending_payment', 'shipped', 'cooperative', /cannot go from pending_payment to shipped/],
    ['pending_payment', 'expired', 'admin', /done by system/],
    ['paid', 'pending_payment', 'admin', /cannot go/],
    ['processing', 'cancelled', 'cooperative', /cannot go/],
    ['shipped', 'processing', 'cooperative', /cannot go/],
    ['expired', 'paid', 'system', /expired is final/],
    ['refunded', 'completed', 'admin', /refunded is final/],
    ['paid', 'paid', 'system', /already paid/],
    ['paid', 'refunded', 'cooperative', /done by system/],
  ];
  it.each(illegal)('%s → %s by %s is refused', (from, to, actor, reason) => {
    const r = checkTransition(from, to, actor);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('every pair is either in the table or refused (no state reachable by accident)', () => {
    const allowed = new Set(legal.map(([f, t]) => `${f}>${t}`));
    for (const from of ORDER_STATUSES) {
      for (const to of ORDER_STATUSES) {
        const anyActor = (['system', 'cooperative', 'admin'] as Actor[]).some((a) => checkTransition(from, to, a).ok);
        if (allowed.has(`${from}>${to}`)) expect(anyActor).toBe(true);
        else if (!['paid>refunded', 'processing>refunded', 'shipped>refunded', 'pending_payment>cancelled'].includes(`${from}>${to}`)) {
          expect(anyActor).toBe(false);
        }
      }
    }
  });

  it('lists what a cooperative may do next', () => {
    expect(nextStatuses('paid', 'cooperative')).toEqual(['processing', 'cancelled']);
    expect(nextStatuses('pending_payment', 'cooperative')).toEqual(['cancelled']);
    expect(isFinal('expired')).toBe(true);
    expect(isFinal('paid')).toBe(false);
  });
});
