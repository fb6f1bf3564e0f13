import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { Clock } from '../common/clock.js';
import { CooperativesService } from '../cooperatives/cooperatives.service.js';
import { Conflict, DomainError, Forbidden, InvalidInput, NotFound, Unavailable } from '../common/errors.js';
import { IdempotencyService } from '../common/idempotency.js';
import { accounts, LedgerService } from '../ledger/ledger.service.js';
import { StripeGateway } from '../payments/card/stripe.gateway.js';
import { CardPaymentsService } from './card-payments.service.js';
import { decodeCursor, type Page, pageLimit, toPage } from '../common/pagination.js';
import type { CooperativeRefundDto, RefundDto } from './dto/refund.dto.js';
import { OrdersService } from './orders.service.js';

interface Locked {
  payment_id: string;
  order_id: string;
  method: 'vietqr' | 'card';
  received_vnd: string;
  refunded_vnd: string;
  total_vnd: string;
  status: string;
  cooperative_id: string;
  stripe_payment_intent_id: string | null;
  pending_vnd: string;
}

/**
 * Refunds (POST /orders/:id/refunds, admin or the order's cooperative, Idempotency-Key):
 * card → a Stripe refund; VietQR → a refund owed, to be paid back by bank transfer (ledger).
 */
@Injectable()
export class RefundsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly idempotency: IdempotencyService,
    private readonly ledger: LedgerService,
    private readonly stripe: StripeGateway,
    private readonly cards: CardPaymentsService,
    private readonly orders: OrdersService,
    private readonly cooperatives: CooperativesService,
  ) {}

  async refund(p: Principal, orderId: string, body: { amountVnd?: number; reason: string }, key?: string): Promise<{ status: number; body: RefundDto }> {
    const scope = `refund:${orderId}`;
    const first = await this.ds.transaction(async (m) => {
      if (key) {
        const replay = await this.idempotency.claim<RefundDto>(m, scope, key, body);
        if (replay) {
          if (replay.status === 0) throw new Conflict('A refund with this Idempotency-Key is still in progress; retry shortly', 'idempotency_in_progress');
          return { replay };
        }
      }
      const row = await this.lock(m, orderId);
      if (p.role === 'cooperative' && p.cooperativeId !== row.cooperative_id) throw new Forbidden('This order is not yours');
      if (p.role !== 'admin' && p.role !== 'cooperative') throw new Forbidden('Only the cooperative or an admin refunds');
      const refundable = refundBase(row) - Number(row.refunded_vnd) - Number(row.pending_vnd);
      if (refundable <= 0) throw new Conflict('Nothing left to refund on this order', 'nothing_to_refund');
      const amount = body.amountVnd ?? refundable;
      if (amount > refundable) {
        const over = Number(row.received_vnd) > Number(row.total_vnd) ? '; what was paid over the order total is already owed back on its own' : '';
        throw new InvalidInput([{ field: 'amountVnd', problem: `must be at most ${refundable} VND (what is left to refund${over})` }]);
      }
      const now = this.clock.now();
      const method = row.method === 'card' ? 'card' : 'bank_transfer';
      const [refund] = await m.query(
        `INSERT INTO refunds (order_id, payment_id, method, status, amount_vnd, reason, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
        [orderId, row.payment_id, method, method === 'card' ? 'pending' : 'owed', amount, body.reason, p.keyId, now],
      );
      if (method === 'bank_transfer') {
        await this.applyOwed(m, row, refund.id, amount);
        const dto = await this.view(m, refund.id);
        if (key) await this.idempotency.complete(m, scope, key, refund.id, { status: 201, body: dto });
        return { done: dto };
      }
      if (key) await this.idempotency.complete(m, scope, key, refund.id, { status: 0, body: null });
      return { card: { refundId: refund.id as string, amount, pi: row.stripe_payment_intent_id! } };
    });
    if ('replay' in first && first.replay) return first.replay;
    if ('done' in first && first.done) return { status: 201, body: first.done };
    const { refundId, amount, pi } = first.card!;
    let stripeRefund;
    try {
      stripeRefund = await this.stripe.createRefund({ paymentIntentId: pi, amountVnd: amount, reason: 'requested_by_customer', metadata: { orderId, refundId } }, `refund-${refundId}`);
    } catch (e) {
      await this.ds.transaction(async (m) => {
        await m.query(`UPDATE refunds SET status = 'failed', updated_at = now() WHERE id = $1`, [refundId]);
        if (key) await m.query(`DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2`, [scope, key]);
      });
      throw e instanceof DomainError ? e : new Unavailable('The card payment provider did not accept the refund; retry later');
    }
    const dto = await this.ds.transaction(async (m) => {
      const row = await this.lock(m, orderId);
      await m.query(`UPDATE refunds SET stripe_refund_id = $2, status = $3, updated_at = now() WHERE id = $1`, [
        refundId,
        stripeRefund.id,
        stripeRefund.status === 'succeeded' ? 'succeeded' : stripeRefund.status === 'failed' || stripeRefund.status === 'canceled' ? 'failed' : 'pending',
      ]);
      if (stripeRefund.status === 'succeeded') {
        const [sum] = await m.query(`SELECT coalesce(sum(amount_vnd), 0)::text AS s FROM refunds WHERE payment_id = $1 AND status = 'succeeded'`, [row.payment_id]);
        await this.cards.applyCardRefundTotal(m, row, Math.max(Number(sum.s), Number(row.refunded_vnd)));
      }
      const view = await this.view(m, refundId);
      if (key) await this.idempotency.complete(m, scope, key, refundId, { status: 201, body: view });
      return view;
    });
    return { status: 201, body: dto };
  }

  /**
   * A cooperative's refunds, newest first (status=owed: what it still has to pay back by bank
   * transfer), with the order code and whom to pay. Read through the cooperative's orders (indexed).
   */
  async listForCooperative(cooperativeId: string, q: { status?: string; limit?: number; cursor?: string }): Promise<Page<CooperativeRefundDto>> {
    await this.cooperatives.get(cooperativeId);
    const limit = pageLimit(q.limit);
    const params: unknown[] = [cooperativeId];
    let where = 'o.cooperative_id = $1';
    if (q.status) {
      params.push(q.status);
      where += ` AND r.status = $${params.length}`;
    }
    if (q.cursor) {
      const [t, id] = decodeCursor(q.cursor, ['s', 's']);
      params.push(t, id);
      where += ` AND (r.created_at, r.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
    }
    params.push(limit + 1);
    const rows = await this.ds.query(
      `SELECT r.*, o.status AS order_status, o.code AS order_code, o.buyer_name, o.buyer_phone
       FROM orders o JOIN refunds r ON r.order_id = o.id WHERE ${where} ORDER BY r.created_at DESC, r.id DESC LIMIT $${params.length}`,
      params,
    );
    return toPage(
      rows,
      limit,
      (r: Record<string, unknown>) => ({ ...refundView(r), orderCode: r.order_code as string, buyerName: r.buyer_name as string, buyerPhone: r.buyer_phone as string }),
      (r: Record<string, unknown>) => [new Date(r.created_at as string).toISOString(), r.id as string],
    );
  }

  private async applyOwed(m: EntityManager, row: Locked, refundId: string, amount: number): Promise<void> {
    const total = Number(row.refunded_vnd) + amount;
    await m.query(`UPDATE payments SET refunded_vnd = $2, status = $3, updated_at = $4 WHERE id = $1`, [
      row.payment_id,
      total,
      total >= refundBase(row) ? 'refunded' : 'partially_refunded',
      this.clock.now(),
    ]);
    await this.ledger.post(m, {
      kind: 'vietqr_refund_owed',
      sourceType: 'refund',
      sourceId: refundId,
      cooperativeId: row.cooperative_id,
      memo: `refund owed on order ${row.order_id}`,
      lines: [
        { account: accounts.dueFromCooperative(row.cooperative_id), debitVnd: amount },
        { account: accounts.buyerRefundsOwed(row.cooperative_id), creditVnd: amount },
      ],
    });
    if (total >= refundBase(row) && row.status !== 'refunded') {
      await this.orders.transitionLocked(m, row.order_id, 'refunded', 'system', 'refund owed by bank transfer');
    }
  }

  private async lock(m: EntityManager, orderId: string): Promise<Locked> {
    const [row] = await m.query(
      `SELECT p.id AS payment_id, p.order_id, p.method, p.received_vnd, p.refunded_vnd, o.total_vnd, o.status, o.cooperative_id, p.stripe_payment_intent_id,
              (SELECT coalesce(sum(r.amount_vnd), 0) FROM refunds r WHERE r.payment_id = p.id AND r.status = 'pending')::text AS pending_vnd
       FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.id = $1 FOR UPDATE OF p, o`,
      [orderId],
    );
    if (!row) throw new NotFound('Order', orderId);
    return row;
  }

  private async view(m: EntityManager, id: string): Promise<RefundDto> {
    const [r] = await m.query(`SELECT r.*, o.status AS order_status FROM refunds r JOIN orders o ON o.id = r.order_id WHERE r.id = $1`, [id]);
    return refundView(r);
  }
}

/**
 * What refunds of an order can give back: what was received for it, up to the order total. A
 * VietQR transfer over the total is paid and its excess is owed back to the buyer by the
 * reconciliation itself (ledger `vietqr_overpayment`, reversed with the transfer), so a refund
 * that counted it again would owe the buyer more than they paid.
 */
function refundBase(row: Pick<Locked, 'received_vnd' | 'total_vnd'>): number {
  return Math.min(Number(row.received_vnd), Number(row.total_vnd));
}

/** A refunds row (with its order's status as order_status) as the API shows it. */
function refundView(r: Record<string, unknown>): RefundDto {
  return {
    id: r.id as string,
    orderId: r.order_id as string,
    method: r.method as string,
    status: r.status as string,
    amountVnd: Number(r.amount_vnd),
    reason: r.reason as string | null,
    stripeRefundId: r.stripe_refund_id as string | null,
    orderStatus: r.order_status as string,
    createdAt: new Date(r.created_at as string).toISOString(),
  };
}
