import { ManualClock } from '../src/common/clock.js';
import { checkLedger } from '../src/ledger/ledger.service.js';
import { bearer, createTestApp, type TestApp } from './harness/app.js';
import { buyer, createCooperative, createProduct, type CreatedCooperative, SECOND_COOPERATIVE } from './harness/fixtures.js';

const WEBHOOK_KEY = 'test-bank-webhook-key-seller-center-0123';

/**
 * The read endpoints the seller center needs beside the existing ones: a cooperative's received
 * transfers, its ledger journals and its refunds (owed). Who may read them, what they hold, paging.
 */
describe('seller center read endpoints (e2e)', () => {
  let t: TestApp;
  const clock = new ManualClock(new Date('2026-11-27T02:00:00Z')); // 09:00 in Vietnam
  let a: CreatedCooperative;
  let b: CreatedCooperative;
  let seq = 5000;
  const paid: { id: string; code: string } = { id: '', code: '' };
  const over: { id: string; code: string } = { id: '', code: '' };

  async function order(coop: CreatedCooperative, price = 185000, qty = 2) {
    const p = await createProduct(t, coop.key, { priceVnd: price, stockQty: 50 });
    const res = await t.http.post('/checkout').send({ buyer: buyer(), items: [{ productId: p, qty }], paymentMethod: 'vietqr' }).expect(201);
    return res.body.orders[0] as { id: string; code: string; totalVnd: number; payment: { reference: string } };
  }

  /** A transfer reported by the platform-wide bank webhook; `minutes` after 09:00 Vietnam time. */
  async function transfer(accountNumber: string, amount: number, content: string, minutes: number) {
    seq += 1;
    clock.set(new Date(Date.parse('2026-11-27T02:00:00Z') + minutes * 60_000));
    await t.http
      .post('/webhooks/bank-transactions')
      .set('Authorization', `Apikey ${WEBHOOK_KEY}`)
      .send({
        id: seq,
        gateway: 'Vietcombank',
        transactionDate: `2026-11-27 09:${String(minutes).padStart(2, '0')}:00`,
        accountNumber,
        content,
        transferType: 'in',
        transferAmount: amount,
        referenceCode: `FT26331${seq}`,
      })
      .expect(200);
  }

  beforeAll(async () => {
    t = await createTestApp({ clock, env: { BANK_WEBHOOK_API_KEY: WEBHOOK_KEY } });
    a = await createCooperative(t, { taxCode: '0300588569' }); // Vietcombank 1023456789
    b = await createCooperative(t, SECOND_COOPERATIVE);
    const o1 = await order(a); // 370,000
    const o2 = await order(a, 100000, 1); // 100,000
    Object.assign(paid, o1);
    Object.assign(over, o2);
    await transfer('1023456789', 370000, `MBVCB.1.${o1.payment.reference} thanh toan`, 1); // paid
    await transfer('1023456789', 50000, 'chuyen tien hang thang', 2); // unmatched
    await transfer('1023456789', 120000, `${o2.payment.reference} tra tien`, 3); // overpaid by 20,000
    await transfer('0881000123456', 99000, 'tien nuoc mam', 4); // B's account: never A's
    // A refund owed on the paid order (VietQR: paid back by bank transfer).
    await t.http.post(`/orders/${o1.id}/refunds`).set(bearer(a.key)).send({ amountVnd: 185000, reason: 'Hết hàng một gói' }).expect(201);
  });

  afterAll(async () => {
    const ledger = await checkLedger({ query: async (sql) => (await t.db.query(sql)).rows });
    expect(ledger).toMatchObject({ ok: true });
    await t.close();
  });

  describe('GET /cooperatives/:id/transfers', () => {
    it("lists the incoming transfers to the cooperative's account, newest first, with outcome and order code", async () => {
      const res = await t.http.get(`/cooperatives/${a.id}/transfers`).set(bearer(a.key)).expect(200);
      expect(res.body.nextCursor).toBeNull();
      expect(res.body.items.map((x: Record<string, unknown>) => [x.amountVnd, x.outcome, x.orderCode, x.amountToRefundVnd])).toEqual([
        [120000, 'overpaid', over.code, 20000],
        [50000, 'unmatched', null, 0],
        [370000, 'paid', paid.code, 0],
      ]);
      expect(res.body.items.every((x: { accountNumber: string; direction: string }) => x.accountNumber === '1023456789' && x.direction === 'in')).toBe(true);
    });

    it('filters by outcome, pages with a cursor, and refuses a bad outcome or cursor', async () => {
      const unmatched = await t.http.get(`/cooperatives/${a.id}/transfers`).query({ outcome: 'unmatched' }).set(bearer(a.key)).expect(200);
      expect(unmatched.body.items.map((x: { amountVnd: number }) => x.amountVnd)).toEqual([50000]);
      const first = await t.http.get(`/cooperatives/${a.id}/transfers`).query({ limit: 2 }).set(bearer(a.key)).expect(200);
      expect(first.body.items).toHaveLength(2);
      const second = await t.http.get(`/cooperatives/${a.id}/transfers`).query({ limit: 2, cursor: first.body.nextCursor }).set(bearer(a.key)).expect(200);
      expect(second.body.items.map((x: { amountVnd: number }) => x.amountVnd)).toEqual([370000]);
      expect(second.body.nextCursor).toBeNull();
      const bad = await t.http.get(`/cooperatives/${a.id}/transfers`).query({ outcome: 'stolen' }).set(bearer(a.key)).expect(400);
      expect(bad.body.details[0].field).toBe('outcome');
      const badCursor = await t.http.get(`/cooperatives/${a.id}/transfers`).query({ cursor: 'bm90LWEtY3Vyc29y' }).set(bearer(a.key)).expect(400);
      expect(badCursor.body.details[0].field).toBe('cursor');
    });

    it("another cooperative gets 403; an admin reads any; an unknown cooperative is 404", async () => {
      await t.http.get(`/cooperatives/${a.id}/transfers`).set(bearer(b.key)).expect(403);
      const mine = await t.http.get(`/cooperatives/${b.id}/transfers`).set(bearer(b.key)).expect(200);
      expect(mine.body.items.map((x: { amountVnd: number }) => x.amountVnd)).toEqual([99000]);
      const admin = await t.http.get(`/cooperatives/${a.id}/transfers`).set(bearer(t.adminKey)).expect(200);
      expect(admin.body.items).toHaveLength(3);
      await t.http.get('/cooperatives/00000000-0000-4000-8000-000000000000/transfers').set(bearer(t.adminKey)).expect(404);
    });
  });

  describe('GET /cooperatives/:id/ledger', () => {
    it('lists the journals behind the balance, each balanced, and they add up to it', async () => {
      const res = await t.http.get(`/cooperatives/${a.id}/ledger`).set(bearer(a.key)).expect(200);
      const journals = res.body.items as Array<{ kind: string; lines: Array<{ account: string; accountKind: string; debitVnd: number; creditVnd: number }> }>;
      expect(journals.map((j) => j.kind)).toEqual(['vietqr_refund_owed', 'vietqr_overpayment']);
      for (const j of journals) {
        expect(j.lines.reduce((s, l) => s + l.debitVnd, 0)).toBe(j.lines.reduce((s, l) => s + l.creditVnd, 0));
      }
      const owed = journals.flatMap((j) => j.lines).filter((l) => l.accountKind === 'buyer_refunds_owed');
      const balance = (await t.http.get(`/cooperatives/${a.id}/balance`).set(bearer(a.key)).expect(200)).body;
      expect(owed.reduce((s, l) => s + l.creditVnd - l.debitVnd, 0)).toBe(balance.owedToBuyersVnd);
      expect(balance.owedToBuyersVnd).toBe(185000 + 20000);
      const paged = await t.http.get(`/cooperatives/${a.id}/ledger`).query({ limit: 1 }).set(bearer(a.key)).expect(200);
      const rest = await t.http.get(`/cooperatives/${a.id}/ledger`).query({ limit: 1, cursor: paged.body.nextCursor }).set(bearer(a.key)).expect(200);
      expect([...paged.body.items, ...rest.body.items].map((j: { kind: string }) => j.kind)).toEqual(['vietqr_refund_owed', 'vietqr_overpayment']);
    });

    it('403 for another cooperative, 404 for an unknown one, 400 for a bad limit', async () => {
      await t.http.get(`/cooperatives/${a.id}/ledger`).set(bearer(b.key)).expect(403);
      expect((await t.http.get(`/cooperatives/${b.id}/ledger`).set(bearer(b.key)).expect(200)).body.items).toEqual([]);
      await t.http.get('/cooperatives/00000000-0000-4000-8000-000000000000/ledger').set(bearer(t.adminKey)).expect(404);
      await t.http.get(`/cooperatives/${a.id}/ledger`).query({ limit: 1000 }).set(bearer(a.key)).expect(400);
    });
  });

  describe('GET /cooperatives/:id/refunds', () => {
    it('lists the refunds owed with the order code and whom to pay', async () => {
      const res = await t.http.get(`/cooperatives/${a.id}/refunds`).query({ status: 'owed' }).set(bearer(a.key)).expect(200);
      expect(res.body.items).toEqual([
        expect.objectContaining({ orderId: paid.id, orderCode: paid.code, method: 'bank_transfer', status: 'owed', amountVnd: 185000, reason: 'Hết hàng một gói', buyerName: 'Nguyễn Thị Lan', buyerPhone: '0987654321' }),
      ]);
      expect((await t.http.get(`/cooperatives/${a.id}/refunds`).query({ status: 'succeeded' }).set(bearer(a.key)).expect(200)).body.items).toEqual([]);
      expect((await t.http.get(`/cooperatives/${b.id}/refunds`).set(bearer(b.key)).expect(200)).body.items).toEqual([]);
    });

    it('403 for another cooperative, 400 for a bad status, 404 for an unknown cooperative', async () => {
      await t.http.get(`/cooperatives/${a.id}/refunds`).set(bearer(b.key)).expect(403);
      const bad = await t.http.get(`/cooperatives/${a.id}/refunds`).query({ status: 'maybe' }).set(bearer(a.key)).expect(400);
      expect(bad.body.details[0].field).toBe('status');
      await t.http.get('/cooperatives/00000000-0000-4000-8000-000000000000/refunds').set(bearer(t.adminKey)).expect(404);
    });
  });
});
