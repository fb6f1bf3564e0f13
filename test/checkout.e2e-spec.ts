import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/clock.js';
import { OrdersService } from '../src/orders/orders.service.js';
import { isValidReference } from '../src/payments/vietqr/reference.js';
import { decodeVietQr } from '../src/payments/vietqr/vietqr.js';
import { bearer, createTestApp, type TestApp } from './harness/app.js';
import { buyer, createCooperative, createProduct, type CreatedCooperative } from './harness/fixtures.js';

describe('checkout and orders (e2e)', () => {
  let t: TestApp;
  const clock = new ManualClock(new Date('2026-11-27T03:00:00Z'));
  let a: CreatedCooperative;
  let b: CreatedCooperative;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createCooperative(t, { taxCode: '0300588569', name: 'HTX Cà phê Ea Kao' });
    b = await createCooperative(t, {
      taxCode: '0100109106',
      name: 'HTX Nước mắm Phú Quốc',
      provinceCode: '91',
      communeCode: '31078',
      bankAccount: { bankBin: '970422', accountNumber: '0881000123456', accountName: 'HTX Nuoc mam Phu Quoc' },
    });
  });
  afterAll(() => t.close());

  const stock = async (id: string) => (await t.db.query('SELECT stock_qty FROM products WHERE id = $1', [id])).rows[0].stock_qty as number;
  const count = async (table: string) => (await t.db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;

  it('checks out a VietQR order: snapshot, reference, dynamic QR to the cooperative account, stock reserved', async () => {
    const p = await createProduct(t, a.key, { priceVnd: 185000, stockQty: 10 });
    const res = await t.http.post('/checkout').send({ buyer: buyer(), items: [{ productId: p, qty: 2 }], paymentMethod: 'vietqr' }).expect(201);
    expect(res.body.orders).toHaveLength(1);
    const o = res.body.orders[0];
    expect(o).toMatchObject({
      cooperativeId: a.id,
      status: 'pending_payment',
      totalVnd: 370000,
      items: [{ productId: p, name: 'Cà phê Robusta rang xay Ea Kao', unit: 'gói 500g', priceVnd: 185000, qty: 2, lineTotalVnd: 370000 }],
      payment: {
        method: 'vietqr',
        status: 'pending',
        amountVnd: 370000,
        bank: { bankBin: '970436', bankName: 'Vietcombank', accountNumber: '1023456789', accountName: 'HOP TAC XA CA PHE EA KAO' },
        expiresAt: '2026-11-27T03:15:00.000Z',
      },
    });
    expect(o.code).toMatch(/^DH261127-[0-9A-Z]{6}$/);
    expect(isValidReference(o.payment.reference)).toBe(true);
    const qr = decodeVietQr(o.payment.qrPayload);
    expect(qr).toMatchObject({ initiationMethod: 'dynamic', bankBin: '970436', accountNumber: '1023456789', amountVnd: 370000, purpose: o.payment.reference, currency: '704', country: 'VN' });
    expect(o.payment.qrImageUrl).toMatch(new RegExp(`/orders/${o.id}/qr.png$`));
    expect(await stock(p)).toBe(8);

    // the token is stored hashed only
    const row = (await t.db.query('SELECT access_token_hash FROM orders WHERE id = $1', [o.id])).rows[0];
    expect(row.access_token_hash).toHaveLength(32);
    expect(o.accessToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(row.access_token_hash.toString('base64url')).not.toBe(o.accessToken);

    // the snapshot survives a price change
    await t.http.patch(`/products/${p}`).set(bearer(a.key)).send({ priceVnd: 999000 }).expect(200);
    const got = await t.http.get(`/orders/${o.id}`).set('X-Order-Token', o.accessToken).expect(200);
    expect(got.body.items[0].priceVnd).toBe(185000);
    expect(got.body.accessToken).toBeUndefined();
  });

  it('splits a cart across cooperatives: one order each, each paid to its own account', async () => {
    const pa = await createProduct(t, a.key, { priceVnd: 120000, stockQty: 5 });
    const pb = await createProduct(t, b.key, { name: 'Nước mắm Phú Quốc 40 độ đạm', priceVnd: 95000, stockQty: 5, unit: 'chai 500ml' });
    const res = await t.http
      .post('/checkout')
      .send({ buyer: buyer(), items: [{ productId: pa, qty: 1 }, { productId: pb, qty: 3 }], paymentMethod: 'vietqr' })
      .expect(201);
    expect(res.body.orders).toHaveLength(2);
    const byCoop = Object.fromEntries(res.body.orders.map((o: { cooperativeId: string }) => [o.cooperativeId, o]));
    expect(byCoop[a.id].totalVnd).toBe(120000);
    expect(byCoop[b.id].totalVnd).toBe(285000);
    expect(decodeVietQr(byCoop[b.id].payment.qrPayload)).toMatchObject({ bankBin: '970422', accountNumber: '0881000123456', amountVnd: 285000 });
    expect(byCoop[a.id].payment.reference).not.toBe(byCoop[b.id].payment.reference);
    expect(new Set(res.body.orders.map((o: { checkoutId: string }) => o.checkoutId)).size).toBe(1);
  });

  it('rejects bad input naming every field, and changes nothing', async () => {
    const p = await createProduct(t, a.key, { stockQty: 3 });
    const before = [await count('orders'), await stock(p)];
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{ buyer: buyer(), items: [], paymentMethod: 'vietqr' }, ['items']],
      [{ buyer: buyer({ phone: '123' }), items: [{ productId: p, qty: 1 }], paymentMethod: 'vietqr' }, ['buyer.phone']],
      [{ buyer: buyer({ address: { provinceCode: '01', communeCode: '24133', line: 'x y z' } }), items: [{ productId: p, qty: 1 }], paymentMethod: 'vietqr' }, ['buyer.address.communeCode']],
      [{ buyer: buyer(), items: [{ productId: p, qty: 0 }, { productId: 'nope', qty: 1.5 }], paymentMethod: 'cash' }, ['items.0.qty', 'items.1.productId', 'items.1.qty', 'paymentMethod']],
      [{ buyer: buyer(), items: [{ productId: p, qty: 1 }, { productId: p, qty: 1 }], paymentMethod: 'vietqr' }, ['items.1.productId']],
      [{ buyer: buyer(), items: [{ productId: p, qty: 1 }], paymentMethod: 'vietqr', coupon: 'X' }, ['coupon']],
    ];
    for (const [body, fields] of cases) {
      const res = await t.http.post('/checkout').send(body).expect(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(fields));
    }
    const unknown = await t.http.post('/checkout').send({ buyer: buyer(), items: [{ productId: randomUUID(), qty: 1 }], paymentMethod: 'vietqr' });
    expect([404, 409]).toContain(unknown.status);
    expect(JSON.stringify(unknown.body)).toContain('items.0.productId');
    const tooMany = await t.http.post('/checkout').send({ buyer: buyer(), items: [{ productId: p, qty: 4 }], paymentMethod: 'vietqr' }).expect(409);
    expect(tooMany.body).toMatchObject({ code: 'out_of_stock', details: [expect.objectContaining({ field: 'items.0.qty' })] });
    expect([await count('orders'), await stock(p)]).toEqual(before);
  });

  it('never sells more than exists: 50 concurrent checkouts for 5 units → 5 orders, 45 × 409, stock 0', async () => {
    const p = await createProduct(t, a.key, { stockQty: 5 });
    const ordersBefore = await count('orders');
    const results = await Promise.all(
      Array.from({ length: 50 }, () => t.http.post('/checkout').send({ buyer: buyer(), items: [{ productId: p, qty: 1 }], paymentMethod: 'vietqr' })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 409)).toHaveLength(45);
    expect(await stock(p)).toBe(0);
    expect(await count('orders')).toBe(ordersBefore + 5);
    const sold = await t.db.query('SELECT coalesce(sum(qty),0)::int AS n FROM order_items WHERE product_id = $1', [p]);
    expect(sold.rows[0].n).toBe(5);
  });

  describe('Idempotency-Key', () => {
    it('a repeat returns the first response; another body is 409', async () => {
      const p = await createProduct(t, a.key, { stockQty: 10 });
      const key = randomUUID();
      const body = { buyer: buyer(), items: [{ productId: p, qty: 1 }], paymentMethod: 'vietqr' };
      const first = await t.http.post('/checkout').set('Idempotency-Key', key).send(body).expect(201);
      const again = await t.http.post('/checkout').set('Idempotency-Key', key).send({ paymentMethod: 'vietqr', items: body.items, buyer: body.buyer }).expect(201);
      expect(again.body).toEqual(first.body);
      expect(await stock(p)).toBe(9);
      const other = await t.http.post('/checkout').set('Idempotency-Key', key).send({ ...body, items: [{ productId: p, qty: 2 }] }).expect(409);
      expect(other.body.details).toEqual([{ field: 'Idempotency-Key', problem: 'was already used with a different request body' }]);
      expect(await stock(p)).toBe(9);
      // the stored replay does not hold the access token in clear
      const raw = await t.db.query(`SELECT response_sealed FROM idempotency_keys WHERE key = $1`, [key]);
      expect(raw.rows[0].response_sealed.toString('latin1')).not.toContain(first.body.orders[0].accessToken);
    });

    it('ten concurrent requests with one key make one checkout', async () => {
      const p = await createProduct(t, a.key, { stockQty: 10 });
      const key = randomUUID();
      const checkoutsBefore = await count('checkouts');
      const body = { buyer: buyer(), items: [{ productId: p, qty: 1 }], paymentMethod: 'vietqr' };
      const results = await Promise.all(Array.from({ length: 10 }, () => t.http.post('/checkout').set('Idempotency-Key', key).send(body)));
      expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
      expect(new Set(results.map((r) => r.body.checkoutId)).size).toBe(1);
      expect(await count('checkouts')).toBe(checkoutsBefore + 1);
      expect(await stock(p)).toBe(9);
    });

    it('rejects a malformed key and changes nothing', async () => {
      const p = await createProduct(t, a.key, { stockQty: 2 });
      const res = await t.http.post('/checkout').set('Idempotency-Key', 'has space').send({ buyer: buyer(), items: [{ productId: p, qty: 1 }], paymentMethod: 'vietqr' }).expect(400);
      expect(res.body.details).toEqual([{ field: 'Idempotency-Key', problem: expect.stringContaining('printable ASCII') }]);
      expect(await stock(p)).toBe(2);
    });
  });

  describe('access to an order', () => {
    let order: { id: string; accessToken: string };
    beforeAll(async () => {
      const p = await createProduct(t, a.key);
      const res = await t.http.post('/checkout').send({ buyer: buyer(), items: [{ productId: p, qty: 1 }], paymentMethod: 'vietqr' }).expect(201);
      order = res.body.orders[0];
    });

    it('buyer token (query or header), its cooperative and admins read it; others do not', async () => {
      await t.http.get(`/orders/${order.id}`).query({ token: order.accessToken }).expect(200);
      await t.http.get(`/orders/${order.id}`).set('X-Order-Token', order.accessToken).expect(200);
      await t.http.get(`/orders/${order.id}`).set(bearer(a.key)).expect(200);
      await t.http.get(`/orders/${order.id}`).set(bearer(t.adminKey)).expect(200);
      await t.http.get(`/orders/${order.id}`).expect(401);
      await t.http.get(`/orders/${order.id}`).set('X-Order-Token', 'x'.repeat(43)).expect(403);
      await t.http.get(`/orders/${order.id}`).set(bearer(b.key)).expect(403);
      await t.http.get(`/orders/${randomUUID()}`).set(bearer(t.adminKey)).expect(404);
    });
  });

  describe('state machine', () => {
    const orders = () => t.app.get(OrdersService);
    const markPaid = (id: string) => t.app.get(DataSource).transaction((m) => orders().transitionLocked(m, id, 'paid', 'system'));

    it('the cooperative moves a paid order forward; illegal moves are 409; others 403', async () => {
      const p = await createProduct(t, a.key);
      const { body } = await t.http.post('/checkout').send({ buyer: buyer(), items: [{ productId: p, qty: 1 }], paymentMethod: 'vietqr' }).expect(201);
      const id = body.orders[0].id;
      const bad = await t.http.post(`/orders/${id}/transitions`).set(bearer(a.key)).send({ to: 'paid' }).expect(409);
      expect(bad.body).toMatchObject({ code: 'illegal_transition' });
      await t.http.post(`/orders/${id}/transitions`).set(bearer(a.key)).send({ to: 'shipped' }).expect(409);
      await markPaid(id);
      await t.http.post(`/orders/${id}/transitions`).set(bearer(b.key)).send({ to: 'processing' }).expect(403);
      await t.http.post(`/orders/${id}/transitions`).send({ to: 'processing' }).expect(401);
      for (const to of ['processing', 'shipped', 'completed']) {
        const res = await t.http.post(`/orders/${id}/transitions`).set(bearer(a.key)).send({ to }).expect(200);
        expect(res.body.status).toBe(to);
      }
      await t.http.post(`/orders/${id}/transitions`).set(bearer(a.key)).send({ to: 'shipped' }).expect(409);
      await t.http.post(`/orders/${id}/transitions`).set(bearer(a.key)).send({ to: 'flying' }).expect(400);
      const events = await t.db.query('SELECT from_status, to_status, actor FROM order_events WHERE order_id = $1 ORDER BY id', [id]);
      expect(events.rows.map((e) => `${e.from_status}>${e.to_status}:${e.actor}`)).toEqual([
        'null>pending_payment:buyer',
        'pending_payment>paid:system',
        'paid>processing:cooperative',
        'processing>shipped:cooperative',
        'shipped>completed:cooperative',
      ]);
    });

    it('cancelling a pending order returns its stock', async () => {
      const p = await createProduct(t, a.key, { stockQty: 4 });
      const { body } = await t.http.post('/checkout').send({ buyer: buyer(), items: [{ productId: p, qty: 3 }], paymentMethod: 'vietqr' }).expect(201);
      expect(await stock(p)).toBe(1);
      await t.http.post(`/orders/${body.orders[0].id}/transitions`).set(bearer(a.key)).send({ to: 'cancelled', reason: 'khách hủy' }).expect(200);
      expect(await stock(p)).toBe(4);
      await t.http.post(`/orders/${body.orders[0].id}/transitions`).set(bearer(a.key)).send({ to: 'cancelled' }).expect(409);
      expect(await stock(p)).toBe(4);
    });

    it('lists a cooperative\'s orders by status, only for that cooperative', async () => {
      const res = await t.http.get(`/cooperatives/${a.id}/orders`).query({ status: 'completed' }).set(bearer(a.key)).expect(200);
      expect(res.body.items.length).toBeGreaterThanOrEqual(1);
      expect(res.body.items.every((o: { status: string; cooperativeId: string }) => o.status === 'completed' && o.cooperativeId === a.id)).toBe(true);
      await t.http.get(`/cooperatives/${a.id}/orders`).set(bearer(b.key)).expect(403);
      await t.http.get(`/cooperatives/${a.id}/orders`).query({ status: 'lost' }).set(bearer(a.key)).expect(400);
      const all: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await t.http
          .get(`/cooperatives/${a.id}/orders`)
          .query(cursor ? { limit: 2, cursor } : { limit: 2 })
          .set(bearer(t.adminKey))
          .expect(200);
        all.push(...page.body.items.map((o) => o.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      const n = await t.db.query('SELECT count(*)::int AS n FROM orders WHERE cooperative_id = $1', [a.id]);
      expect(all.length).toBe(n.rows[0].n);
      expect(new Set(all).size).toBe(all.length);
    });
  });

  describe('expiry', () => {
    it('expires unpaid orders after PAYMENT_TTL_MINUTES and returns stock exactly once, even with concurrent sweepers', async () => {
      const p = await createProduct(t, a.key, { stockQty: 6 });
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const { body } = await t.http.post('/checkout').send({ buyer: buyer(), items: [{ productId: p, qty: 2 }], paymentMethod: 'vietqr' }).expect(201);
        ids.push(body.orders[0].id);
      }
      expect(await stock(p)).toBe(0);
      clock.advance(14 * 60_000);
      await t.app.get(OrdersService).expireDue();
      expect(await stock(p)).toBe(0);
      clock.advance(2 * 60_000);
      const svc = t.app.get(OrdersService);
      const counts = await Promise.all([svc.expireDue(1), svc.expireDue(1), svc.expireDue(1), svc.expireDue(1)]);
      expect(counts.reduce((s, n) => s + n, 0)).toBeGreaterThanOrEqual(3);
      expect(await stock(p)).toBe(6);
      const rows = await t.db.query(`SELECT o.status, pay.status AS pay FROM orders o JOIN payments pay ON pay.order_id = o.id WHERE o.id = ANY($1::uuid[])`, [ids]);
      expect(rows.rows.every((r) => r.status === 'expired' && r.pay === 'expired')).toBe(true);
      await svc.expireDue();
      expect(await stock(p)).toBe(6);
      const events = await t.db.query(`SELECT count(*)::int AS n FROM order_events WHERE order_id = ANY($1::uuid[]) AND to_status = 'expired'`, [ids]);
      expect(events.rows[0].n).toBe(3);
    });
  });
});
