import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type Stripe from 'stripe';
import type { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { accounts, LedgerService } from '../ledger/ledger.service.js';
import { StripeGateway } from '../payments/card/stripe.gateway.js';
import { OrdersService } from './orders.service.js';

/**
 * What Stripe's webhook events do to orders: payment_intent.succeeded pays the order (and the
 * platform now holds the money for the cooperative), payment_intent.payment_failed records the
 * failure (the order stays payable until it expires), charge.refunded records refunds. Each event
 * is applied once (webhook_events), in one transaction with its effects.
 */
@Injectable()
export class CardPaymentsService implements OnModuleInit {
  private readonly log = new Logger(CardPaymentsService.name);

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly stripe: StripeGateway,
    private readonly orders: OrdersService,
    private readonly ledger: LedgerService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.stripe.onEvent('payment_intent.succeeded', (e) => this.once(e, (m) => this.succeeded(m, e.data.object)));
    this.stripe.onEvent('payment_intent.payment_failed', (e) => this.once(e, (m) => this.failed(m, e.data.object)));
    this.stripe.onEvent('charge.refunded', (e) => this.once(e, (m) => this.refunded(m, e.data.object)));
  }

  private async once(event: Stripe.Event, apply: (m: EntityManager) => Promise<(() => Promise<void>) | void>): Promise<void> {
    const after = await this.ds.transaction(async (m) => {
      const fresh = await m.query(`INSERT INTO webhook_events (source, event_id, type) VALUES ('stripe', $1, $2) ON CONFLICT DO NOTHING RETURNING event_id`, [
        event.id,
        event.type,
      ]);
      if (!fresh.length) return undefined;
      return apply(m);
    });
    if (after) await after();
  }

  private async lockPayment(m: EntityManager, paymentIntentId: string) {
    const [row] = await m.query(
      `SELECT p.id AS payment_id, p.order_id, p.amount_vnd, p.received_vnd, p.refunded_vnd, p.status AS payment_status, o.status, o.cooperative_id
       FROM payments p JOIN orders o ON o.id = p.order_id WHERE p.stripe_payment_intent_id = $1 FOR UPDATE OF p, o`,
      [paymentIntentId],
    );
    if (!row) this.log.warn(`Stripe event for unknown PaymentIntent ${paymentIntentId}`);
    return row as
      | { payment_id: string; order_id: string; amount_vnd: string; received_vnd: string; refunded_vnd: string; payment_status: string; status: string; cooperative_id: string }
      | undefined;
  }

  private async succeeded(m: EntityManager, pi: Stripe.PaymentIntent): Promise<(() => Promise<void>) | void> {
    const row = await this.lockPayment(m, pi.id);
    if (!row || Number(row.received_vnd) > 0) return;
    const amount = pi.amount_received || pi.amount;
    await m.query(`UPDATE payments SET received_vnd = $2, status = 'succeeded', failure_message = NULL, updated_at = $3 WHERE id = $1`, [row.payment_id, amount, this.clock.now()]);
    await this.ledger.post(m, {
      kind: 'card_payment',
      sourceType: 'payment_intent',
      sourceId: pi.id,
      cooperativeId: row.cooperative_id,
      memo: `card payment for order ${row.order_id}`,
      lines: [
        { account: accounts.stripeClearing, debitVnd: amount },
        { account: accounts.cooperativePayable(row.cooperative_id), creditVnd: amount },
      ],
    });
    if (row.status === 'pending_payment') {
      await this.orders.transitionLocked(m, row.order_id, 'paid', 'system', `card payment ${pi.id}`);
      return;
    }
    // The order expired or was cancelled before the card went through: give the money back.
    this.log.warn(`card payment ${pi.id} arrived for ${row.status} order ${row.order_id}: refunding`);
    const orderId = row.order_id;
    return async () => {
      await this.stripe.createRefund({ paymentIntentId: pi.id, amountVnd: amount, reason: 'requested_by_customer', metadata: { orderId, cause: 'late_payment' } }, `late-${pi.id}`);
    };
  }

  private async failed(m: EntityManager, pi: Stripe.PaymentIntent): Promise<void> {
    const row = await this.lockPayment(m, pi.id);
    if (!row || row.payment_status !== 'pending') return;
    await m.query(`UPDATE payments SET status = 'failed', failure_message = $2, updated_at = $3 WHERE id = $1`, [
      row.payment_id,
      pi.last_payment_error?.message ?? 'card payment failed',
      this.clock.now(),
    ]);
  }

  private async refunded(m: EntityManager, charge: Stripe.Charge): Promise<void> {
    const piId = typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
    if (!piId) return;
    const row = await this.lockPayment(m, piId);
    if (!row) return;
    await this.applyCardRefundTotal(m, row, charge.amount_refunded);
  }

  /**
   * Records that Stripe has refunded `total` on a payment so far. Whichever path sees a refund first
   * (the refund call's answer or charge.refunded) records it; later views of the same total add nothing.
   */
  async applyCardRefundTotal(
    m: EntityManager,
    row: { payment_id: string; order_id: string; received_vnd: string; refunded_vnd: string; status: string; cooperative_id: string },
    total: number,
  ): Promise<void> {
    const already = Number(row.refunded_vnd);
    if (total <= already) return;
    const received = Number(row.received_vnd);
    await m.query(`UPDATE payments SET refunded_vnd = $2, status = $3, updated_at = $4 WHERE id = $1`, [
      row.payment_id,
      total,
      total >= received ? 'refunded' : 'partially_refunded',
      this.clock.now(),
    ]);
    await m.query(`UPDATE refunds SET status = 'succeeded', updated_at = $2 WHERE payment_id = $1 AND status = 'pending' AND method = 'card'`, [row.payment_id, this.clock.now()]);
    await this.ledger.post(m, {
      kind: 'card_refund',
      sourceType: 'payment_refunded_total',
      sourceId: `${row.payment_id}:${total}`,
      cooperativeId: row.cooperative_id,
      memo: `card refund on order ${row.order_id}`,
      lines: [
        { account: accounts.cooperativePayable(row.cooperative_id), debitVnd: total - already },
        { account: accounts.stripeClearing, creditVnd: total - already },
      ],
    });
    row.refunded_vnd = String(total);
    if (total >= received && ['paid', 'processing', 'shipped', 'completed', 'cancelled'].includes(row.status)) {
      await this.orders.transitionLocked(m, row.order_id, 'refunded', 'system', 'card payment fully refunded');
      row.status = 'refunded';
    }
  }
}
