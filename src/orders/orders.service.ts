import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { BanksService } from '../banks/banks.service.js';
import { CatalogService, type ReservedLine } from '../catalog/catalog.service.js';
import { Clock, vietnamDate } from '../common/clock.js';
import { Conflict, type FieldProblem, Forbidden, InvalidInput, NotFound, Unauthorized, Unavailable } from '../common/errors.js';
import { IdempotencyService } from '../common/idempotency.js';
import { MAX_VND } from '../common/money.js';
import { decodeCursor, type Page, pageLimit, toPage } from '../common/pagination.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { CooperativesService } from '../cooperatives/cooperatives.service.js';
import type { Principal } from '../auth/principal.js';
import { StripeGateway } from '../payments/card/stripe.gateway.js';
import { generateReference, REFERENCE_ALPHABET } from '../payments/vietqr/reference.js';
import { encodeVietQr } from '../payments/vietqr/vietqr.js';
import { RegionsService } from '../regions/regions.service.js';
import type { CheckoutDto } from './dto/checkout.dto.js';
import type { CheckoutOrderDto, CheckoutResponseDto, OrderDto, PaymentDto } from './dto/order.dto.js';
import { type Actor, checkTransition, type OrderStatus } from './order-state.js';
import { generateOrderToken, hashOrderToken, orderTokenMatches } from './order-token.js';

interface OrderRow {
  id: string;
  code: string;
  checkout_id: string;
  cooperative_id: string;
  cooperative_name: string;
  buyer_name: string;
  buyer_phone: string;
  buyer_email: string | null;
  buyer_address: { provinceCode: string; communeCode: string; line: string };
  total_vnd: string;
  status: OrderStatus;
  access_token_hash: Buffer;
  payment_expires_at: Date;
  paid_at: Date | null;
  review_reason: string | null;
  review_flagged_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

interface PaymentRow {
  order_id: string;
  method: 'vietqr' | 'card';
  status: string;
  amount_vnd: string;
  received_vnd: string;
  refunded_vnd: string;
  reference: string | null;
  bank_bin: string | null;
  account_number: string | null;
  account_name: string | null;
  qr_payload: string | null;
  stripe_payment_intent_id: string | null;
  stripe_client_secret: string | null;
}

interface ItemRow {
  order_id: string;
  product_id: string;
  name: string;
  unit: string;
  sku: string;
  price_vnd: string;
  qty: number;
  line_total_vnd: string;
}

const ORDER_COLUMNS = `o.*, c.name AS cooperative_name`;

/** Checkout, orders and their state machine (SPEC "Checkout and orders"). */
@Injectable()
export class OrdersService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly catalog: CatalogService,
    private readonly cooperatives: CooperativesService,
    private readonly regions: RegionsService,
    private readonly banks: BanksService,
    private readonly idempotency: IdempotencyService,
    private readonly stripe: StripeGateway,
  ) {}

  // ───────────────────────────── checkout ─────────────────────────────

  async checkout(dto: CheckoutDto, idempotencyKey?: string): Promise<{ status: number; body: CheckoutResponseDto }> {
    this.validateCart(dto);
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.config.paymentTtlMinutes * 60_000);
    const lines = dto.items.map((i, index) => ({ productId: i.productId, qty: i.qty, index }));

    const result = await this.ds.transaction(async (m) => {
      if (idempotencyKey) {
        const replay = await this.idempotency.claim<CheckoutResponseDto>(m, 'checkout', idempotencyKey, dto);
        if (replay) {
          if (replay.status === 0) throw this.inProgress();
          return { replay };
        }
      }
      const reserved = await this.catalog.reserveStock(m, lines, vietnamDate(now));
      const created = await this.insertOrders(m, dto, reserved, now, expiresAt);
      if (idempotencyKey && dto.paymentMethod === 'vietqr') {
        await this.idempotency.complete(m, 'checkout', idempotencyKey, created.checkoutId, { status: 201, body: created.response });
      } else if (idempotencyKey) {
        // Card: the response needs Stripe's answer; mark the key as in progress (status 0) until then.
        await this.idempotency.complete(m, 'checkout', idempotencyKey, created.checkoutId, { status: 0, body: null });
      }
      return { created };
    });
    if ('replay' in result && result.replay) return result.replay;
    const created = result.created!;
    if (dto.paymentMethod === 'card') {
      await this.attachPaymentIntents(created.response, idempotencyKey);
    }
    return { status: 201, body: created.response };
  }

  private inProgress(): Conflict {
    return new Conflict('A request with this Idempotency-Key is still in progress; retry shortly', 'idempotency_in_progress');
  }

  private validateCart(dto: CheckoutDto): void {
    const problems: FieldProblem[] = [];
    const seen = new Map<string, number>();
    dto.items.forEach((item, i) => {
      const first = seen.get(item.productId);
      if (first !== undefined) problems.push({ field: `items.${i}.productId`, problem: `repeats items.${first}.productId; put the total quantity on one line` });
      else seen.set(item.productId, i);
    });
    problems.push(...this.regions.checkLocation(dto.buyer.address.provinceCode, dto.buyer.address.communeCode, 'buyer.address.'));
    if (problems.length) throw new InvalidInput(problems);
  }

  /**
   * Writes the checkout, its orders (one per cooperative), their items, payments and first events
   * in one statement. An order code or payment reference that happens to be taken already (the
   * unique constraints say so) is drawn again for that order alone, with the remaining attempts.
   */
  private async insertOrders(m: EntityManager, dto: CheckoutDto, reserved: ReservedLine[], now: Date, expiresAt: Date) {
    const byCoop = new Map<string, ReservedLine[]>();
    for (const line of reserved) {
      const list = byCoop.get(line.cooperativeId) ?? [];
      list.push(line);
      byCoop.set(line.cooperativeId, list);
    }
    const checkoutId = randomUUID();
    const vietqr = dto.paymentMethod === 'vietqr';
    const plans = [...byCoop].map(([cooperativeId, items]) => {
      const coop = items[0].cooperative;
      const total = items.reduce((s, l) => s + l.priceVnd * l.qty, 0);
      if (!Number.isSafeInteger(total) || total > MAX_VND) {
        throw InvalidInput.field('items', `the order total ${total} VND exceeds the maximum of ${MAX_VND} VND`);
      }
      const account = coop.account;
      const token = generateOrderToken();
      const reference = vietqr ? generateReference(randomBytes) : null;
      return {
        id: randomUUID(), cooperativeId, coop, items, total, account, token, tokenHash: hashOrderToken(token),
        code: orderCode(now),
        reference,
        qrPayload: reference === null ? null : encodeVietQr({ bankBin: account.bankBin, accountNumber: account.accountNumber, amountVnd: total, purpose: reference }),
      };
    });
    const lines = plans.flatMap((p) => p.items.map((l) => ({ orderId: p.id, l })));
    const [written]: Array<{ orders: string[]; payments: string[] }> = await m.query(
      `WITH checkout AS (
         INSERT INTO checkouts (id, payment_method, buyer, created_at) VALUES ($1::uuid, $2::text, $3::jsonb, $4::timestamptz)),
       o AS (
         INSERT INTO orders (id, code, checkout_id, cooperative_id, buyer_name, buyer_phone, buyer_email, buyer_address, total_vnd, status,
                             access_token_hash, payment_expires_at, created_at, updated_at)
         SELECT v.id, v.code, $1::uuid, v.cooperative_id, $5::text, $6::text, $7::text, $8::jsonb, v.total, 'pending_payment', v.token_hash, $9::timestamptz, $4::timestamptz, $4::timestamptz
         FROM unnest($10::uuid[], $11::text[], $12::uuid[], $13::bigint[], $14::bytea[]) WITH ORDINALITY AS v(id, code, cooperative_id, total, token_hash, n)
         ORDER BY v.n
         ON CONFLICT ON CONSTRAINT orders_code_key DO NOTHING RETURNING id),
       i AS (
         INSERT INTO order_items (order_id, product_id, name, unit, sku, price_vnd, qty, line_total_vnd)
         SELECT v.order_id, v.product_id, v.name, v.unit, v.sku, v.price, v.qty, v.line_total
         FROM unnest($15::uuid[], $16::uuid[], $17::text[], $18::text[], $19::text[], $20::bigint[], $21::int[], $22::bigint[])
              WITH ORDINALITY AS v(order_id, product_id, name, unit, sku, price, qty, line_total, n)
         WHERE v.order_id IN (SELECT id FROM o) ORDER BY v.n),
       p AS (
         INSERT INTO payments (order_id, method, status, amount_vnd, reference, bank_bin, account_number, account_name, qr_payload, created_at, updated_at)
         SELECT v.order_id, $2::text, 'pending', v.total, v.reference, v.bank_bin, v.account_number, v.account_name, v.qr_payload, $4::timestamptz, $4::timestamptz
         FROM unnest($10::uuid[], $13::bigint[], $23::text[], $24::text[], $25::text[], $26::text[], $27::text[])
              WITH ORDINALITY AS v(order_id, total, reference, bank_bin, account_number, account_name, qr_payload, n)
         WHERE v.order_id IN (SELECT id FROM o) ORDER BY v.n
         ON CONFLICT ON CONSTRAINT payments_reference_key DO NOTHING RETURNING order_id),
       e AS (
         INSERT INTO order_events (order_id, from_status, to_status, actor, created_at)
         SELECT v.id, NULL, 'pending_payment', 'buyer', $4::timestamptz FROM unnest($10::uuid[]) WITH ORDINALITY AS v(id, n)
         WHERE v.id IN (SELECT id FROM o) ORDER BY v.n)
       SELECT coalesce((SELECT array_agg(id::text) FROM o), '{}') AS orders, coalesce((SELECT array_agg(order_id::text) FROM p), '{}') AS payments`,
      [
        checkoutId, dto.paymentMethod, JSON.stringify({ name: dto.buyer.name, phone: dto.buyer.phone }), now,
        dto.buyer.name, dto.buyer.phone, dto.buyer.email ?? null, JSON.stringify(dto.buyer.address), expiresAt,
        plans.map((p) => p.id), plans.map((p) => p.code), plans.map((p) => p.cooperativeId), plans.map((p) => p.total), plans.map((p) => p.tokenHash),
        lines.map((x) => x.orderId), lines.map((x) => x.l.productId), lines.map((x) => x.l.name), lines.map((x) => x.l.unit), lines.map((x) => x.l.sku),
        lines.map((x) => x.l.priceVnd), lines.map((x) => x.l.qty), lines.map((x) => x.l.priceVnd * x.l.qty),
        plans.map((p) => p.reference), plans.map((p) => (vietqr ? p.account.bankBin : null)), plans.map((p) => (vietqr ? p.account.accountNumber : null)),
        plans.map((p) => (vietqr ? p.account.accountName : null)), plans.map((p) => p.qrPayload),
      ],
    );
    const ordersIn = new Set(written.orders);
    const paymentsIn = new Set(written.payments);
    const orders: CheckoutOrderDto[] = [];
    for (const plan of plans) {
      const { id, cooperativeId, coop, items, total, account } = plan;
      let code = plan.code;
      let payment: PaymentRow = {
        order_id: id, method: dto.paymentMethod, status: 'pending', amount_vnd: String(total), received_vnd: '0', refunded_vnd: '0',
        reference: plan.reference, bank_bin: vietqr ? account.bankBin : null, account_number: vietqr ? account.accountNumber : null,
        account_name: vietqr ? account.accountName : null, qr_payload: plan.qrPayload, stripe_payment_intent_id: null, stripe_client_secret: null,
      };
      if (!ordersIn.has(id)) {
        // The order code was taken: this order alone, row by row, as many more times as allowed.
        code = await this.insertOrderRow(m, { id, checkoutId, cooperativeId, dto, total, tokenHash: plan.tokenHash, now, expiresAt }, CODE_ATTEMPTS - 1);
        const params: unknown[] = [];
        const values = items.map((l, i) => {
          params.push(id, l.productId, l.name, l.unit, l.sku, l.priceVnd, l.qty, l.priceVnd * l.qty);
          const b = i * 8;
          return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}, $${b + 8})`;
        });
        await m.query(`INSERT INTO order_items (order_id, product_id, name, unit, sku, price_vnd, qty, line_total_vnd) VALUES ${values.join(', ')}`, params);
        if (vietqr) payment = await this.insertVietQrPayment(m, id, total, account, now);
        else await m.query(`INSERT INTO payments (order_id, method, status, amount_vnd, created_at, updated_at) VALUES ($1, 'card', 'pending', $2, $3, $3)`, [id, total, now]);
        await m.query(`INSERT INTO order_events (order_id, from_status, to_status, actor, created_at) VALUES ($1, NULL, 'pending_payment', 'buyer', $2)`, [id, now]);
      } else if (vietqr && !paymentsIn.has(id)) {
        // The payment reference was taken: draw it again for this payment.
        payment = await this.insertVietQrPayment(m, id, total, account, now, REFERENCE_ATTEMPTS - 1);
      }
      const row: OrderRow = {
        id, code, checkout_id: checkoutId, cooperative_id: cooperativeId, cooperative_name: coop.name,
        buyer_name: dto.buyer.name, buyer_phone: dto.buyer.phone, buyer_email: dto.buyer.email ?? null,
        buyer_address: { provinceCode: dto.buyer.address.provinceCode, communeCode: dto.buyer.address.communeCode, line: dto.buyer.address.line },
        total_vnd: String(total), status: 'pending_payment', access_token_hash: Buffer.alloc(0),
        payment_expires_at: expiresAt, paid_at: null, review_reason: null, review_flagged_at: null, created_at: now, updated_at: now,
      };
      const itemRows: ItemRow[] = items.map((l) => ({
        order_id: id, product_id: l.productId, name: l.name, unit: l.unit, sku: l.sku,
        price_vnd: String(l.priceVnd), qty: l.qty, line_total_vnd: String(l.priceVnd * l.qty),
      }));
      orders.push({ ...this.view(row, itemRows, payment), accessToken: plan.token });
    }
    return { checkoutId, response: { checkoutId, orders } as CheckoutResponseDto };
  }

  private async insertOrderRow(
    m: EntityManager,
    o: { id: string; checkoutId: string; cooperativeId: string; dto: CheckoutDto; total: number; tokenHash: Buffer; now: Date; expiresAt: Date },
    attempts = CODE_ATTEMPTS,
  ): Promise<string> {
    for (let attempt = 0; attempt < attempts; attempt++) {
      const code = orderCode(o.now);
      const rows = await m.query(
        `INSERT INTO orders (id, code, checkout_id, cooperative_id, buyer_name, buyer_phone, buyer_email, buyer_address, total_vnd, status,
                             access_token_hash, payment_expires_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending_payment', $10, $11, $12, $12)
         ON CONFLICT ON CONSTRAINT orders_code_key DO NOTHING RETURNING id`,
        [o.id, code, o.checkoutId, o.cooperativeId, o.dto.buyer.name, o.dto.buyer.phone, o.dto.buyer.email ?? null,
          JSON.stringify(o.dto.buyer.address), o.total, o.tokenHash, o.expiresAt, o.now],
      );
      if (rows.length) return code;
    }
    throw new Unavailable('Could not allocate an order code; retry');
  }

  private async insertVietQrPayment(
    m: EntityManager,
    orderId: string,
    total: number,
    account: { bankBin: string; accountNumber: string; accountName: string },
    now: Date,
    attempts = REFERENCE_ATTEMPTS,
  ): Promise<PaymentRow> {
    for (let attempt = 0; attempt < attempts; attempt++) {
      const reference = generateReference(randomBytes);
      const qrPayload = encodeVietQr({ bankBin: account.bankBin, accountNumber: account.accountNumber, amountVnd: total, purpose: reference });
      const rows = await m.query(
        `INSERT INTO payments (order_id, method, status, amount_vnd, reference, bank_bin, account_number, account_name, qr_payload, created_at, updated_at)
         VALUES ($1, 'vietqr', 'pending', $2, $3, $4, $5, $6, $7, $8, $8)
         ON CONFLICT ON CONSTRAINT payments_reference_key DO NOTHING RETURNING id`,
        [orderId, total, reference, account.bankBin, account.accountNumber, account.accountName, qrPayload, now],
      );
      if (rows.length) {
        return {
          order_id: orderId, method: 'vietqr', status: 'pending', amount_vnd: String(total), received_vnd: '0', refunded_vnd: '0',
          reference, bank_bin: account.bankBin, account_number: account.accountNumber, account_name: account.accountName,
          qr_payload: qrPayload, stripe_payment_intent_id: null, stripe_client_secret: null,
        };
      }
    }
    throw new Unavailable('Could not allocate a payment reference; retry');
  }

  /**
   * Card: one PaymentIntent per order, created after the orders commit (no network call holds row
   * locks). If Stripe fails, the orders are cancelled, their stock returned and the key released.
   */
  private async attachPaymentIntents(response: CheckoutResponseDto, idempotencyKey?: string): Promise<void> {
    const created: string[] = [];
    try {
      for (const order of response.orders) {
        const pi = await this.stripe.createPaymentIntent(
          { orderId: order.id, amountVnd: order.totalVnd, description: `Đơn hàng ${order.code}`, metadata: { orderCode: order.code, cooperativeId: order.cooperativeId } },
          `order-${order.id}-pi`,
        );
        created.push(pi.id);
        await this.ds.query(`UPDATE payments SET stripe_payment_intent_id = $2, stripe_client_secret = $3, updated_at = now() WHERE order_id = $1`, [order.id, pi.id, pi.clientSecret]);
        order.payment.paymentIntentId = pi.id;
        order.payment.clientSecret = pi.clientSecret;
      }
    } catch (e) {
      await this.ds.transaction(async (m) => {
        for (const order of response.orders) await this.transitionLocked(m, order.id, 'cancelled', 'system', 'card payment provider unavailable');
        if (idempotencyKey) await m.query(`DELETE FROM idempotency_keys WHERE scope = 'checkout' AND key = $1`, [idempotencyKey]);
      });
      for (const id of created) await this.stripe.cancelPaymentIntent(id).catch(() => undefined);
      throw e instanceof Unavailable ? e : new Unavailable('The card payment provider is unavailable; nothing was charged, retry later');
    }
    if (idempotencyKey) {
      await this.ds.transaction((m) => this.idempotency.complete(m, 'checkout', idempotencyKey, response.checkoutId, { status: 201, body: response }));
    }
  }

  // ───────────────────────────── reading ─────────────────────────────

  /** An order for the buyer (token), its cooperative or an admin. */
  async getForCaller(id: string, token: string | undefined, p: Principal | undefined): Promise<OrderDto> {
    const row = await this.loadRow(this.ds.manager, id);
    this.assertCanRead(row, token, p);
    return (await this.views([row]))[0];
  }

  /** The QR payload of a VietQR order, for its image (same access rule as reading the order). */
  async qrPayloadForCaller(id: string, token: string | undefined, p: Principal | undefined): Promise<string> {
    const row = await this.loadRow(this.ds.manager, id);
    this.assertCanRead(row, token, p);
    const [pay] = await this.ds.query(`SELECT qr_payload FROM payments WHERE order_id = $1`, [id]);
    if (!pay?.qr_payload) throw new NotFound('QR code of order', id);
    return pay.qr_payload;
  }

  private assertCanRead(row: OrderRow, token: string | undefined, p: Principal | undefined): void {
    if (p?.role === 'admin') return;
    if (p?.role === 'cooperative' && p.cooperativeId === row.cooperative_id) return;
    if (token) {
      if (orderTokenMatches(token, row.access_token_hash)) return;
      throw new Forbidden('The order token does not match this order');
    }
    if (p) throw new Forbidden('This order is not yours');
    throw new Unauthorized('An order token (?token= or X-Order-Token) or an API key is required');
  }

  async listForCooperative(cooperativeId: string, q: { status?: string; limit?: number; cursor?: string }): Promise<Page<OrderDto>> {
    await this.cooperatives.get(cooperativeId);
    const limit = pageLimit(q.limit);
    const params: unknown[] = [cooperativeId];
    let where = `o.cooperative_id = $1`;
    if (q.status) {
      params.push(q.status);
      where += ` AND o.status = $${params.length}`;
    }
    if (q.cursor) {
      const [t, cid] = decodeCursor(q.cursor, ['t', 'u']);
      params.push(t, cid);
      where += ` AND (o.created_at, o.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
    }
    params.push(limit + 1);
    const rows: OrderRow[] = await this.ds.query(
      `SELECT ${ORDER_COLUMNS} FROM orders o JOIN cooperatives c ON c.id = o.cooperative_id WHERE ${where} ORDER BY o.created_at DESC, o.id DESC LIMIT $${params.length}`,
      params,
    );
    const page = toPage(rows, limit, (r) => r, (r) => [r.created_at.toISOString(), r.id]);
    return { items: await this.views(page.items), nextCursor: page.nextCursor };
  }

  private async loadRow(m: EntityManager, id: string, lock = false): Promise<OrderRow> {
    const [row] = await m.query(
      `SELECT ${ORDER_COLUMNS} FROM orders o JOIN cooperatives c ON c.id = o.cooperative_id WHERE o.id = $1${lock ? ' FOR UPDATE OF o' : ''}`,
      [id],
    );
    if (!row) throw new NotFound('Order', id);
    return row;
  }

  /** Views for many orders with two more queries (items, payments), never one per order. */
  async views(rows: OrderRow[], m: EntityManager = this.ds.manager): Promise<OrderDto[]> {
    if (!rows.length) return [];
    const ids = rows.map((r) => r.id);
    const [items, payments]: [ItemRow[], PaymentRow[]] = await Promise.all([
      m.query(`SELECT * FROM order_items WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, name`, [ids]),
      m.query(`SELECT * FROM payments WHERE order_id = ANY($1::uuid[])`, [ids]),
    ]);
    const payBy = new Map(payments.map((p) => [p.order_id, p]));
    return rows.map((r) => this.view(r, items.filter((i) => i.order_id === r.id), payBy.get(r.id)!));
  }

  private view(r: OrderRow, items: ItemRow[], p: PaymentRow): OrderDto {
    const payment: PaymentDto = {
      method: p.method,
      status: p.status,
      amountVnd: Number(p.amount_vnd),
      receivedVnd: Number(p.received_vnd),
      refundedVnd: Number(p.refunded_vnd),
      expiresAt: new Date(r.payment_expires_at).toISOString(),
    };
    if (p.method === 'vietqr') {
      payment.reference = p.reference!;
      payment.bank = {
        bankBin: p.bank_bin!,
        bankName: this.banks.byBinOrUndefined(p.bank_bin!)?.shortName ?? p.bank_bin!,
        accountNumber: p.account_number!,
        accountName: p.account_name!,
      };
      payment.qrPayload = p.qr_payload!;
      payment.qrImageUrl = `${this.config.publicBaseUrl}/orders/${r.id}/qr.png`;
    } else {
      if (p.stripe_payment_intent_id) payment.paymentIntentId = p.stripe_payment_intent_id;
      if (p.stripe_client_secret) payment.clientSecret = p.stripe_client_secret;
    }
    return {
      id: r.id,
      code: r.code,
      checkoutId: r.checkout_id,
      cooperativeId: r.cooperative_id,
      cooperativeName: r.cooperative_name,
      items: items.map((i) => ({
        productId: i.product_id,
        name: i.name,
        unit: i.unit,
        sku: i.sku,
        priceVnd: Number(i.price_vnd),
        qty: i.qty,
        lineTotalVnd: Number(i.line_total_vnd),
      })),
      totalVnd: Number(r.total_vnd),
      status: r.status,
      buyer: { name: r.buyer_name, phone: r.buyer_phone, email: r.buyer_email, address: r.buyer_address },
      payment,
      createdAt: new Date(r.created_at).toISOString(),
      updatedAt: new Date(r.updated_at).toISOString(),
      paidAt: r.paid_at ? new Date(r.paid_at).toISOString() : null,
      review: r.review_reason ? { reason: r.review_reason, flaggedAt: new Date(r.review_flagged_at!).toISOString() } : null,
    };
  }

  // ───────────────────────────── transitions ─────────────────────────────

  /** POST /orders/:id/transitions: the order's cooperative (or an admin) moves it. */
  async transition(id: string, to: OrderStatus, p: Principal, reason?: string): Promise<OrderDto> {
    return this.ds.transaction(async (m) => {
      const row = await this.loadRow(m, id, true);
      if (p.role === 'cooperative' && p.cooperativeId !== row.cooperative_id) throw new Forbidden('This order is not yours');
      if (p.role !== 'admin' && p.role !== 'cooperative') throw new Forbidden('Only the cooperative or an admin moves orders');
      await this.transitionLocked(m, id, to, p.role, reason, row);
      return (await this.views([await this.loadRow(m, id)], m))[0];
    });
  }

  /**
   * Applies a guarded transition to an order whose row the caller has locked (or locks it here).
   * Side effects live here so that every path (API, sweeper, payments) does them alike: stock returns
   * on expiry/cancellation, the payment follows, an event is logged.
   */
  async transitionLocked(m: EntityManager, id: string, to: OrderStatus, actor: Actor, reason?: string, locked?: OrderRow): Promise<void> {
    const row = locked ?? (await this.loadRow(m, id, true));
    const check = checkTransition(row.status, to, actor);
    if (!check.ok) throw new Conflict(`Illegal transition: ${check.reason}`, 'illegal_transition', [{ field: 'to', problem: check.reason }]);
    const now = this.clock.now();
    await m.query(`UPDATE orders SET status = $2, updated_at = $3${to === 'paid' ? ', paid_at = $3' : ''} WHERE id = $1`, [id, to, now]);
    if (to === 'expired' || to === 'cancelled') {
      const items: Array<{ product_id: string; qty: number }> = await m.query(`SELECT product_id, qty FROM order_items WHERE order_id = $1`, [id]);
      await this.catalog.releaseStock(m, items.map((i) => ({ productId: i.product_id, qty: i.qty })));
      await m.query(`UPDATE payments SET status = $2, updated_at = $3 WHERE order_id = $1 AND status = 'pending'`, [id, to === 'expired' ? 'expired' : 'cancelled', now]);
    }
    await m.query(`INSERT INTO order_events (order_id, from_status, to_status, actor, reason, created_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
      id,
      row.status,
      to,
      actor,
      reason ?? null,
      now,
    ]);
    row.status = to;
  }

  /**
   * Marks many locked, pending orders paid in two statements (the reconciliation batch path). The
   * same guard as every transition: each edge is checked against the state machine first.
   */
  async markPaidLocked(m: EntityManager, orders: Array<{ orderId: string; from: OrderStatus; reason: string }>): Promise<void> {
    for (const o of orders) {
      const check = checkTransition(o.from, 'paid', 'system');
      if (!check.ok) throw new Conflict(`Illegal transition: ${check.reason}`, 'illegal_transition');
    }
    const now = this.clock.now();
    const ids = orders.map((o) => o.orderId);
    // (an UPDATE … RETURNING through TypeORM answers [rows, count]; the CTE makes it a plain row set)
    const updated = await m.query(
      `WITH u AS (UPDATE orders SET status = 'paid', paid_at = $2, updated_at = $2 WHERE id = ANY($1::uuid[]) AND status = 'pending_payment' RETURNING id) SELECT id FROM u`,
      [ids, now],
    );
    if (updated.length !== new Set(ids).size) throw new Conflict('An order changed state during reconciliation; retry', 'concurrent_change');
    await m.query(
      `INSERT INTO order_events (order_id, from_status, to_status, actor, reason, created_at)
       SELECT v.order_id, 'pending_payment', 'paid', 'system', v.reason, $3::timestamptz FROM unnest($1::uuid[], $2::text[]) WITH ORDINALITY AS v(order_id, reason, n) ORDER BY v.n`,
      [ids, orders.map((o) => o.reason), now],
    );
  }

  /**
   * Flags a locked order for a person (the bank took back the transfer that paid it, …): the order
   * keeps its status, shows `review` through the API, and its history gets an event saying why.
   */
  async flagForReviewLocked(m: EntityManager, orderId: string, reason: string): Promise<void> {
    const now = this.clock.now();
    const [row]: Array<{ status: string }> = await m.query(
      `WITH u AS (UPDATE orders SET review_reason = $2, review_flagged_at = $3, updated_at = $3 WHERE id = $1 RETURNING status) SELECT status FROM u`,
      [orderId, reason, now],
    );
    if (!row) throw new NotFound('Order', orderId);
    await m.query(`INSERT INTO order_events (order_id, from_status, to_status, actor, reason, created_at) VALUES ($1, $2, $2, 'system', $3, $4)`, [
      orderId,
      row.status,
      `review: ${reason}`,
      now,
    ]);
  }

  // ───────────────────────────── expiry ─────────────────────────────

  /**
   * Expires pending orders whose payment window has ended and returns their stock, exactly once, in
   * batches. Safe in many instances at once: rows are claimed with FOR UPDATE SKIP LOCKED, and each
   * transition re-checks the status under the lock.
   */
  async expireDue(batchSize = 200): Promise<number> {
    let total = 0;
    for (;;) {
      const now = this.clock.now();
      const n = await this.ds.transaction(async (m) => {
        const due: OrderRow[] = await m.query(
          `SELECT ${ORDER_COLUMNS} FROM orders o JOIN cooperatives c ON c.id = o.cooperative_id
           WHERE o.status = 'pending_payment' AND o.payment_expires_at <= $1
           ORDER BY o.payment_expires_at LIMIT $2 FOR UPDATE OF o SKIP LOCKED`,
          [now, batchSize],
        );
        for (const row of due) await this.transitionLocked(m, row.id, 'expired', 'system', 'payment window ended', row);
        return due.length;
      });
      total += n;
      if (n < batchSize) return total;
    }
  }
}

/** Draws of an order code, and of a payment reference, before a checkout gives up (503). */
const CODE_ATTEMPTS = 5;
const REFERENCE_ATTEMPTS = 5;

/** "DH251127-7K4M9P": the business day and six random characters. */
function orderCode(now: Date): string {
  return `DH${vietnamDate(now).slice(2).replaceAll('-', '')}-${randomCode(6)}`;
}

function randomCode(n: number): string {
  const bytes = randomBytes(n * 2);
  let out = '';
  for (let i = 0; out.length < n && i < bytes.length; i++) {
    if (bytes[i] < 243) out += REFERENCE_ALPHABET[bytes[i] % REFERENCE_ALPHABET.length];
  }
  return out.length === n ? out : randomCode(n);
}
