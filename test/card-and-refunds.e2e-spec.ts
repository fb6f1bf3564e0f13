import jsQrModule from 'jsqr';
import { PNG } from 'pngjs';
import { ManualClock } from '../src/common/clock.js';
import { checkLedger } from '../src/ledger/ledger.service.js';
import { binaryBody, bearer, createTestApp, type TestApp } from './harness/app.js';
import { type FakeStripe, signedWebhook, startFakeStripe } from './harness/fake-stripe.js';
import { buyer, createCooperative, createProduct, type CreatedCooperative } from './harness/fixtures.js';

type JsQr = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR = ((jsQrModule as unknown as { default?: JsQr }).default ?? jsQrModule) as unknown as JsQr;
const WEBHOOK_KEY = 'bank-key-for-card-tests-0123456789';

describe('card payments, refunds and QR images (e2e)', () => {
  let t: TestApp;
  // Always the local fake here: these tests need a stateful Stripe (stripe-mock is stateless).
  let stripe: { url: string; close(): Promise<void>; fake: FakeStripe };
  const clock = new ManualClock(new Date());
  let a: CreatedCooperative;
  let b: CreatedCooperative;

  beforeAll(async () => {
    const fake = await startFakeStripe();
    stripe = { url: fake.url, close: () => fake.close(), fake };
    t = await createTestApp({ clock, env: { STRIPE_API_BASE: stripe.url, BANK_WEBHOOK_API_KEY: WEBHOOK_KEY } });
    a = await createCooperative(t, { taxCode: '0300588569' });
    b = await createCooperative(t, { taxCode: '0100109106', name: 'HTX B' });
  });
  afterAll(async () => {
    const ledger = await checkLedger({ query: async (sql) => (await t.db.query(sql)).rows });
    expect(ledger.ok).toBe(true);
    await t.close();
    await stripe.close();
  });

  const webhook = (event: object) => {
    const { body, header } = signedWebhook(event, { timestamp: clock.now() });
    return t.http.post('/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', header).send(body);
  };
  /** A transfer to the cooperative's Vietcombank account, as the bank webhook reports it. */
  const bankTransfer = (id: number, at: string, memo: string, amountVnd: number) =>
    t.http
      .post('/webhooks/bank-transactions')
      .set('Authorization', `Apikey ${WEBHOOK_KEY}`)
      .send({ id, gateway: 'Vietcombank', transactionDate: at, accountNumber: '1023456789', content: memo, transferType: 'in', transferAmount: amountVnd, referenceCode: `FT${id}` })
      .expect(200);
  const balance = async (id: string) => (await t.http.get(`/cooperatives/${id}/balance`).set(bearer(t.adminKey)).expect(200)).body;
  const orderRow = async (id: string) =>
    (await t.db.query(`SELECT o.status, p.status AS payment, p.received_vnd::int AS received, p.refunded_vnd::int AS refunded FROM orders o JOIN payments p ON p.order_id = o.id WHERE o.id = $1`, [id])).rows[0];

  /** What Stripe.js does on the buyer's device: confirm the PaymentIntent with a test card. */
  async function confirmCard(paymentIntentId: string, paymentMethod = 'pm_card_visa') {
    const res = await fetch(`${stripe.url}/v1/payment_intents/${paymentIntentId}/confirm`, {
      method: 'POST',
      headers: { Authorization: 'Bearer sk_test_123', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `payment_method=${paymentMethod}`,
    });
    return res.status;
  }

  async function cardCheckout(coop: CreatedCooperative, price = 250000, qty = 1) {
    const p = await createProduct(t, coop.key, { priceVnd: price, stockQty: 20 });
    const res = await t.http.post('/checkout').send({ buyer: buyer(), items: [{ productId: p, qty }], paymentMethod: 'card' }).expect(201);
    return { productId: p, order: res.body.orders[0] };
  }

  it('creates one PaymentIntent per order in VND (zero-decimal) and returns its client secret', async () => {
    const { order } = await cardCheckout(a, 250000, 2);
    expect(order.payment).toMatchObject({ method: 'card', status: 'pending', amountVnd: 500000 });
    expect(order.payment.clientSecret).toMatch(/^pi_.+_secret_.+/);
    const pi = stripe.fake.paymentIntents.get(order.payment.paymentIntentId)!;
    expect(pi).toMatchObject({ amount: 500000, currency: 'vnd', metadata: expect.objectContaining({ orderId: order.id }) });
  });

  it('payment_intent.succeeded pays the order once; the platform now holds the money for the cooperative', async () => {
    const { order } = await cardCheckout(a, 300000);
    expect(await confirmCard(order.payment.paymentIntentId)).toBe(200);
    const before = await balance(a.id);
    const event = stripe.fake.paymentIntentEvent(order.payment.paymentIntentId, 'payment_intent.succeeded');
    await webhook(event).expect(200);
    await webhook(event).expect(200); // redelivery
    expect(await orderRow(order.id)).toEqual({ status: 'paid', payment: 'succeeded', received: 300000, refunded: 0 });
    const after = await balance(a.id);
    expect(after.heldForCooperativeVnd - before.heldForCooperativeVnd).toBe(300000);
  });

  it('payment_intent.payment_failed records the failure and leaves the order payable', async () => {
    const { order } = await cardCheckout(a);
    expect(await confirmCard(order.payment.paymentIntentId, 'pm_card_chargeDeclined')).toBe(402);
    await webhook(stripe.fake.paymentIntentEvent(order.payment.paymentIntentId, 'payment_intent.payment_failed')).expect(200);
    expect(await orderRow(order.id)).toMatchObject({ status: 'pending_payment', payment: 'failed' });
  });

  it('rejects a webhook without a valid signature and applies nothing', async () => {
    const { body } = signedWebhook({ id: 'evt_x', type: 'payment_intent.succeeded' });
    await t.http.post('/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', 't=1,v1=deadbeef').send(body).expect(400);
    await t.http.post('/webhooks/stripe').set('Content-Type', 'application/json').send(body).expect(400);
  });

  it('when Stripe is down, checkout is 503 and changes nothing (stock back, no pending order)', async () => {
    const p = await createProduct(t, a.key, { stockQty: 3 });
    stripe.fake.setOutage(503);
    try {
      const res = await t.http.post('/checkout').send({ buyer: buyer(), items: [{ productId: p, qty: 2 }], paymentMethod: 'card' });
      expect(res.status).toBe(503);
    } finally {
      stripe.fake.setOutage(null);
    }
    const stock = await t.db.query('SELECT stock_qty FROM products WHERE id = $1', [p]);
    expect(stock.rows[0].stock_qty).toBe(3);
    const pending = await t.db.query(`SELECT count(*)::int AS n FROM orders o JOIN order_items i ON i.order_id = o.id WHERE i.product_id = $1 AND o.status = 'pending_payment'`, [p]);
    expect(pending.rows[0].n).toBe(0);
  });

  describe('refunds', () => {
    it('card: a Stripe refund, idempotent by key; a full refund marks the order refunded and balances the ledger', async () => {
        const { order } = await cardCheckout(a, 200000);
      expect(await confirmCard(order.payment.paymentIntentId)).toBe(200);
      await webhook(stripe.fake.paymentIntentEvent(order.payment.paymentIntentId, 'payment_intent.succeeded')).expect(200);
      const before = await balance(a.id);
      const key = `refund-${order.id}`;
      const first = await t.http.post(`/orders/${order.id}/refunds`).set(bearer(a.key)).set('Idempotency-Key', key).send({ amountVnd: 50000, reason: 'thiếu hàng' }).expect(201);
      expect(first.body).toMatchObject({ method: 'card', status: 'succeeded', amountVnd: 50000, orderStatus: 'paid' });
      const again = await t.http.post(`/orders/${order.id}/refunds`).set(bearer(a.key)).set('Idempotency-Key', key).send({ amountVnd: 50000, reason: 'thiếu hàng' }).expect(201);
      expect(again.body.id).toBe(first.body.id);
      expect([...stripe.fake.refunds.values()].filter((r) => r.payment_intent === order.payment.paymentIntentId)).toHaveLength(1);
      await t.http.post(`/orders/${order.id}/refunds`).set(bearer(a.key)).send({ amountVnd: 200000, reason: 'x' }).expect(400);
      const rest = await t.http.post(`/orders/${order.id}/refunds`).set(bearer(t.adminKey)).send({ reason: 'hủy đơn' }).expect(201);
      expect(rest.body).toMatchObject({ amountVnd: 150000, status: 'succeeded', orderStatus: 'refunded' });
      expect(await orderRow(order.id)).toEqual({ status: 'refunded', payment: 'refunded', received: 200000, refunded: 200000 });
      const after = await balance(a.id);
      expect(after.heldForCooperativeVnd - before.heldForCooperativeVnd).toBe(-200000);
      await t.http.post(`/orders/${order.id}/refunds`).set(bearer(a.key)).send({ reason: 'again' }).expect(409);
      // charge.refunded arriving afterwards adds nothing
      const pi = stripe.fake.paymentIntents.get(order.payment.paymentIntentId)!;
      await webhook(stripe.fake.event('charge.refunded', { id: 'ch_test_1', object: 'charge', payment_intent: pi.id, amount: 200000, amount_refunded: 200000 } as never)).expect(200);
      expect((await balance(a.id)).heldForCooperativeVnd).toBe(after.heldForCooperativeVnd);
    });

    it('VietQR: a refund owed by bank transfer, recorded in the ledger; only admin or the order\'s cooperative', async () => {
      const p = await createProduct(t, a.key, { priceVnd: 120000, stockQty: 5 });
      const { body } = await t.http.post('/checkout').send({ buyer: buyer(), items: [{ productId: p, qty: 1 }], paymentMethod: 'vietqr' }).expect(201);
      const order = body.orders[0];
      await t.http.post(`/orders/${order.id}/refunds`).set(bearer(a.key)).send({ reason: 'chưa thanh toán' }).expect(409);
      await bankTransfer(777001, '2026-11-27 10:00:00', order.payment.reference, 120000);
      expect((await orderRow(order.id)).status).toBe('paid');
      await t.http.post(`/orders/${order.id}/refunds`).set(bearer(b.key)).send({ reason: 'x' }).expect(403);
      await t.http.post(`/orders/${order.id}/refunds`).send({ reason: 'x' }).expect(401);
      const before = await balance(a.id);
      const res = await t.http.post(`/orders/${order.id}/refunds`).set(bearer(a.key)).send({ reason: 'khách trả hàng' }).expect(201);
      expect(res.body).toMatchObject({ method: 'bank_transfer', status: 'owed', amountVnd: 120000, orderStatus: 'refunded' });
      const after = await balance(a.id);
      expect(after.owedToBuyersVnd - before.owedToBuyersVnd).toBe(120000);
      expect(after.dueFromCooperativeVnd - before.dueFromCooperativeVnd).toBe(120000);
    });
  });

  describe('refunds after an overpayment', () => {
    it('VietQR paid over the total: the excess is owed once by the reconciliation, refunds give back at most the total', async () => {
      const p = await createProduct(t, a.key, { priceVnd: 110000, stockQty: 5 });
      const { body } = await t.http.post('/checkout').send({ buyer: buyer(), items: [{ productId: p, qty: 1 }], paymentMethod: 'vietqr' }).expect(201);
      const order = body.orders[0];
      const before = await balance(a.id);
      await bankTransfer(777101, '2026-11-27 10:05:00', order.payment.reference, 150000);
      expect((await orderRow(order.id)).status).toBe('paid');
      const paid = await balance(a.id);
      expect(paid.owedToBuyersVnd - before.owedToBuyersVnd).toBe(40000); // the excess, owed by the reconciliation
      // More than the total is refused, naming the field; nothing is written.
      const over = await t.http.post(`/orders/${order.id}/refunds`).set(bearer(a.key)).send({ amountVnd: 150000, reason: 'trả lại' }).expect(400);
      expect(over.body.details).toEqual([{ field: 'amountVnd', problem: expect.stringContaining('must be at most 110000 VND') }]);
      expect((await balance(a.id)).owedToBuyersVnd).toBe(paid.owedToBuyersVnd);
      // A refund without an amount gives back the total: the buyer is owed exactly what they paid.
      const res = await t.http.post(`/orders/${order.id}/refunds`).set(bearer(a.key)).send({ reason: 'khách hủy' }).expect(201);
      expect(res.body).toMatchObject({ method: 'bank_transfer', status: 'owed', amountVnd: 110000, orderStatus: 'refunded' });
      const after = await balance(a.id);
      expect(after.owedToBuyersVnd - before.owedToBuyersVnd).toBe(150000);
      const [pay] = (await t.db.query(`SELECT received_vnd, refunded_vnd, status FROM payments WHERE order_id = $1`, [order.id])).rows;
      expect(pay).toEqual({ received_vnd: '150000', refunded_vnd: '110000', status: 'refunded' });
      await t.http.post(`/orders/${order.id}/refunds`).set(bearer(a.key)).send({ reason: 'lần nữa' }).expect(409);
    });
  });

  describe('QR images', () => {
    it('serves the order QR as a PNG a camera reads back to the payload, with ETag/304, and SVG; token required', async () => {
      const p = await createProduct(t, a.key, { stockQty: 5 });
      const { body } = await t.http.post('/checkout').send({ buyer: buyer(), items: [{ productId: p, qty: 1 }], paymentMethod: 'vietqr' }).expect(201);
      const order = body.orders[0];
      await t.http.get(`/orders/${order.id}/qr.png`).expect(401);
      const png = await t.http.get(`/orders/${order.id}/qr.png`).query({ token: order.accessToken }).buffer(true).parse(binaryBody).expect(200);
      expect(png.headers['content-type']).toBe('image/png');
      const img = PNG.sync.read(png.body as Buffer);
      const decoded = jsQR(new Uint8ClampedArray(img.data), img.width, img.height);
      expect(decoded?.data).toBe(order.payment.qrPayload);
      const etag = png.headers.etag;
      expect(etag).toBeTruthy();
      await t.http.get(`/orders/${order.id}/qr.png`).set('X-Order-Token', order.accessToken).set('If-None-Match', etag).expect(304);
      const svg = await t.http.get(`/orders/${order.id}/qr.svg`).set('X-Order-Token', order.accessToken).expect(200);
      expect(svg.headers['content-type']).toContain('image/svg+xml');
    });
  });
});
