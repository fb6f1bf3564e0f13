import { ManualClock } from '../src/common/clock.js';
import { checkLedger } from '../src/ledger/ledger.service.js';
import { OrdersService } from '../src/orders/orders.service.js';
import { bearer, createTestApp, type TestApp } from './harness/app.js';
import { buyer, createCooperative, createProduct, type CreatedCooperative } from './harness/fixtures.js';

const WEBHOOK_KEY = 'test-bank-webhook-key-0123456789';

describe('reconciliation (e2e)', () => {
  let t: TestApp;
  const clock = new ManualClock(new Date('2026-11-27T02:00:00Z')); // 09:00 in Vietnam
  let a: CreatedCooperative;
  let b: CreatedCooperative;
  let seq = 1000;

  beforeAll(async () => {
    t = await createTestApp({ clock, env: { BANK_WEBHOOK_API_KEY: WEBHOOK_KEY } });
    a = await createCooperative(t, { taxCode: '0300588569' });
    b = await createCooperative(t, {
      taxCode: '0100109106',
      name: 'HTX Nước mắm Phú Quốc',
      provinceCode: '91',
      communeCode: '31078',
      bankAccount: { bankBin: '970422', accountNumber: '0881000123456', accountName: 'HTX Nuoc mam Phu Quoc' },
    });
  });
  afterAll(async () => {
    const ledger = await checkLedger({ query: async (sql) => (await t.db.query(sql)).rows });
    expect(ledger).toMatchObject({ ok: true, unbalancedJournals: [], balanceMismatches: [] });
    await t.close();
  });

  async function order(coop: CreatedCooperative, price = 185000, qty = 2) {
    const p = await createProduct(t, coop.key, { priceVnd: price, stockQty: 50 });
    const res = await t.http.post('/checkout').send({ buyer: buyer(), items: [{ productId: p, qty }], paymentMethod: 'vietqr' }).expect(201);
    return res.body.orders[0] as { id: string; code: string; totalVnd: number; accessToken: string; payment: { reference: string } };
  }

  function notification(over: Record<string, unknown> = {}) {
    seq += 1;
    return {
      id: seq,
      gateway: 'Vietcombank',
      transactionDate: '2026-11-27 09:05:00',
      accountNumber: '1023456789',
      code: null,
      content: 'chuyen tien',
      transferType: 'in',
      transferAmount: 370000,
      accumulated: 19077000,
      subAccount: null,
      referenceCode: `FT${seq}`,
      description: '',
      ...over,
    };
  }
  const send = (body: unknown, key = WEBHOOK_KEY) => t.http.post('/webhooks/bank-transactions').set('Authorization', `Apikey ${key}`).send(body as object);
  const status = async (id: string) => (await t.db.query('SELECT o.status, p.received_vnd::int AS received FROM orders o JOIN payments p ON p.order_id = o.id WHERE o.id = $1', [id])).rows[0];
  const txnCount = async () => (await t.db.query('SELECT count(*)::int AS n FROM bank_transactions')).rows[0].n as number;

  describe('webhook', () => {
    it('401 without the key or with a wrong one, and nothing stored', async () => {
      const before = await txnCount();
      await t.http.post('/webhooks/bank-transactions').send(notification()).expect(401);
      await send(notification(), 'wrong-key').expect(401);
      await t.http.post('/webhooks/bank-transactions').set('Authorization', `Bearer ${WEBHOOK_KEY}`).send(notification()).expect(401);
      expect(await txnCount()).toBe(before);
    });

    it('400 naming the field for a malformed notification; unknown extra fields are tolerated', async () => {
      const res = await send(notification({ transferAmount: 12.5, transferType: 'sideways' })).expect(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['transferAmount', 'transferType']));
      const bad = await send(notification({ transactionDate: '31/02/2026' })).expect(400);
      expect(bad.body.details[0].field).toBe('transactionDate');
      await send(notification({ brandNewProviderField: 'x', content: 'no code here' })).expect(200);
    });

    it('pays an order from a mangled memo; a redelivery stores nothing new', async () => {
      const o = await order(a);
      const ref = o.payment.reference;
      const mangled = `MBVCB.3278907687.${ref.slice(0, 4).toLowerCase()} ${ref.slice(4, 8)}-${ref.slice(8).toLowerCase()} thanh toán đơn hàng.CT tu 0011001234567 NGUYEN VAN A`;
      const body = notification({ content: mangled, transferAmount: o.totalVnd });
      const first = await send(body).expect(200);
      expect(first.body).toMatchObject({ success: true, duplicate: false });
      expect(await status(o.id)).toEqual({ status: 'paid', received: 370000 });
      const before = await txnCount();
      const again = await send(body).expect(200);
      expect(again.body).toMatchObject({ success: true, duplicate: true });
      expect(await txnCount()).toBe(before);
      expect(await status(o.id)).toEqual({ status: 'paid', received: 370000 });
      // the buyer sees it
      const seen = await t.http.get(`/orders/${o.id}`).set('X-Order-Token', o.accessToken).expect(200);
      expect(seen.body).toMatchObject({ status: 'paid', payment: { status: 'succeeded', receivedVnd: 370000 } });
    });

    it('stores outgoing transfers without matching them', async () => {
      const o = await order(a);
      const res = await send(notification({ transferType: 'out', content: o.payment.reference, transferAmount: o.totalVnd })).expect(200);
      const row = (await t.db.query('SELECT outcome FROM bank_transactions WHERE id = $1', [res.body.id])).rows[0];
      expect(row.outcome).toBe('outgoing');
      expect((await status(o.id)).status).toBe('pending_payment');
    });

    it('a one-character typo in the reference never pays an order', async () => {
      const o = await order(a);
      const ref = o.payment.reference;
      const typo = ref.slice(0, 5) + (ref[5] === 'K' ? 'M' : 'K') + ref.slice(6);
      const res = await send(notification({ content: `IBFT ${typo}`, transferAmount: o.totalVnd })).expect(200);
      const row = (await t.db.query('SELECT outcome, outcome_reason FROM bank_transactions WHERE id = $1', [res.body.id])).rows[0];
      expect(row).toEqual({ outcome: 'unmatched', outcome_reason: 'no_reference' });
      expect((await status(o.id)).status).toBe('pending_payment');
    });
  });

  describe('amounts', () => {
    it('two transfers that add up pay the order; the first leaves it underpaid', async () => {
      const o = await order(a, 100000, 3);
      await send(notification({ content: `TT ${o.payment.reference} lan 1`, transferAmount: 200000 })).expect(200);
      expect(await status(o.id)).toEqual({ status: 'pending_payment', received: 200000 });
      const row = (await t.db.query(`SELECT outcome, outcome_reason FROM bank_transactions WHERE order_id = $1`, [o.id])).rows[0];
      expect(row).toEqual({ outcome: 'underpaid', outcome_reason: 'short by 100000 VND' });
      await send(notification({ content: `TT ${o.payment.reference} lan 2`, transferAmount: 100000 })).expect(200);
      expect(await status(o.id)).toEqual({ status: 'paid', received: 300000 });
    });

    it('an overpayment pays the order and records the excess to refund in the ledger', async () => {
      const o = await order(a, 50000, 1);
      const before = await t.http.get(`/cooperatives/${a.id}/balance`).set(bearer(a.key)).expect(200);
      await send(notification({ content: o.payment.reference, transferAmount: 80000 })).expect(200);
      expect(await status(o.id)).toEqual({ status: 'paid', received: 80000 });
      const bal = await t.http.get(`/cooperatives/${a.id}/balance`).set(bearer(a.key)).expect(200);
      expect(bal.body.owedToBuyersVnd - before.body.owedToBuyersVnd).toBe(30000);
      expect(bal.body.dueFromCooperativeVnd - before.body.dueFromCooperativeVnd).toBe(30000);
    });

    it('a transfer to an expired order is late: stock stays returned, the whole amount is owed back', async () => {
      const o = await order(a, 60000, 1);
      clock.advance(16 * 60_000);
      await t.app.get(OrdersService).expireDue();
      const before = await t.http.get(`/cooperatives/${a.id}/balance`).set(bearer(t.adminKey)).expect(200);
      const res = await send(notification({ content: o.payment.reference, transferAmount: 60000, transactionDate: '2026-11-27 09:30:00' })).expect(200);
      const row = (await t.db.query('SELECT outcome, outcome_reason, amount_to_refund_vnd::int AS refund FROM bank_transactions WHERE id = $1', [res.body.id])).rows[0];
      expect(row).toEqual({ outcome: 'late', outcome_reason: 'order_expired', refund: 60000 });
      expect((await status(o.id)).status).toBe('expired');
      const bal = await t.http.get(`/cooperatives/${a.id}/balance`).set(bearer(t.adminKey)).expect(200);
      expect(bal.body.owedToBuyersVnd - before.body.owedToBuyersVnd).toBe(60000);
    });

    it('a transfer naming an order of another cooperative\'s account is not that order\'s payment', async () => {
      const o = await order(b, 95000, 1);
      const res = await send(notification({ accountNumber: '1023456789', content: o.payment.reference, transferAmount: 95000 })).expect(200);
      const row = (await t.db.query('SELECT outcome, outcome_reason FROM bank_transactions WHERE id = $1', [res.body.id])).rows[0];
      expect(row).toEqual({ outcome: 'unmatched', outcome_reason: 'wrong_account' });
      expect((await status(o.id)).status).toBe('pending_payment');
    });
  });

  describe('unmatched queue and manual decisions', () => {
    let txnId: string;
    let o: Awaited<ReturnType<typeof order>>;
    beforeAll(async () => {
      o = await order(a, 70000, 1);
      const res = await send(notification({ content: 'CHUYEN TIEN MUA CA PHE', transferAmount: 70000 })).expect(200);
      txnId = res.body.id;
    });

    it('lists unmatched transfers for admins and for the cooperative that received them only', async () => {
      const admin = await t.http.get('/reconciliation/unmatched').set(bearer(t.adminKey)).expect(200);
      expect(admin.body.items.map((x: { id: string }) => x.id)).toContain(txnId);
      const mine = await t.http.get('/reconciliation/unmatched').set(bearer(a.key)).expect(200);
      expect(mine.body.items.every((x: { accountNumber: string }) => x.accountNumber === '1023456789')).toBe(true);
      const theirs = await t.http.get('/reconciliation/unmatched').set(bearer(b.key)).expect(200);
      expect(theirs.body.items.map((x: { id: string }) => x.id)).not.toContain(txnId);
      await t.http.get('/reconciliation/unmatched').expect(401);
    });

    it('another cooperative may not decide; a match to an order on another account is 409', async () => {
      await t.http.post(`/reconciliation/transactions/${txnId}/match`).set(bearer(b.key)).send({ orderId: o.id }).expect(403);
      const other = await order(b, 70000, 1);
      const res = await t.http.post(`/reconciliation/transactions/${txnId}/match`).set(bearer(t.adminKey)).send({ orderId: other.id }).expect(409);
      expect(res.body.details[0].field).toBe('orderId');
      await t.http.post(`/reconciliation/transactions/${txnId}/ignore`).set(bearer(a.key)).send({ reason: '' }).expect(400);
    });

    it('ignore, reopen, then match: each decision audited with who and why', async () => {
      await t.http.post(`/reconciliation/transactions/${txnId}/ignore`).set(bearer(a.key)).send({ reason: 'không rõ người chuyển' }).expect(200);
      await t.http.post(`/reconciliation/transactions/${txnId}/match`).set(bearer(a.key)).send({ orderId: o.id }).expect(409);
      await t.http.post(`/reconciliation/transactions/${txnId}/reopen`).set(bearer(t.adminKey)).send({ reason: 'khách gọi xác nhận' }).expect(200);
      const matched = await t.http.post(`/reconciliation/transactions/${txnId}/match`).set(bearer(a.key)).send({ orderId: o.id, reason: 'khách ghi sai nội dung' }).expect(200);
      expect(matched.body).toMatchObject({ outcome: 'paid', orderId: o.id, amountAppliedVnd: 70000 });
      expect(matched.body.decisions.map((d: { action: string; actorRole: string; previousOutcome: string }) => `${d.action}:${d.actorRole}:${d.previousOutcome}`)).toEqual([
        'ignore:cooperative:unmatched',
        'reopen:admin:ignored',
        'match:cooperative:unmatched',
      ]);
      expect(matched.body.decisions[0].reason).toBe('không rõ người chuyển');
      expect(await status(o.id)).toEqual({ status: 'paid', received: 70000 });
      // a match that settled the order is reversed by a refund, not by rewriting history
      await t.http.post(`/reconciliation/transactions/${txnId}/reopen`).set(bearer(t.adminKey)).send({ reason: 'oops' }).expect(409);
    });
  });

  describe('daily report', () => {
    it('sums expected and received per business day in Asia/Ho_Chi_Minh and lists each discrepancy, in JSON and CSV', async () => {
      clock.set('2026-11-28T16:30:00Z'); // 23:30 on 28 Nov in Vietnam
      const paid = await order(b, 100000, 1);
      const short = await order(b, 50000, 1);
      await send(notification({ accountNumber: '0881000123456', gateway: 'MBBank', transactionDate: '2026-11-28 23:40:00', content: paid.payment.reference, transferAmount: 100000 })).expect(200);
      await send(notification({ accountNumber: '0881000123456', gateway: 'MBBank', transactionDate: '2026-11-28 23:45:00', content: short.payment.reference, transferAmount: 20000 })).expect(200);
      await send(notification({ accountNumber: '0881000123456', gateway: 'MBBank', transactionDate: '2026-11-29 00:10:00', content: 'tien hang', transferAmount: 5000 })).expect(200);
      clock.set('2026-11-29T01:00:00Z');
      const res = await t.http.get('/reconciliation/report').query({ date: '2026-11-28', cooperativeId: b.id }).set(bearer(b.key)).expect(200);
      expect(res.body.expected).toEqual({ orders: 2, amountVnd: 150000 });
      expect(res.body.received).toEqual({ transactions: 2, amountVnd: 120000 });
      expect(res.body.matched).toEqual({ transactions: 2, amountVnd: 120000 });
      expect(res.body.discrepancies).toEqual([
        expect.objectContaining({ kind: 'underpaid', orderId: short.id, amountVnd: 20000, reason: 'short by 30000 VND' }),
        expect.objectContaining({ kind: 'unpaid', orderId: short.id, amountVnd: 30000 }),
      ]);
      const csv = await t.http.get('/reconciliation/report').query({ date: '2026-11-28' }).set(bearer(b.key)).set('Accept', 'text/csv').expect(200);
      expect(csv.headers['content-type']).toContain('text/csv');
      const lines = csv.text.trim().split('\n');
      expect(lines[0]).toBe('kind,transaction_id,order_id,order_code,reference,amount_vnd,reason');
      expect(lines.some((l) => l.startsWith('underpaid,') && l.includes(',20000,'))).toBe(true);
      expect(lines).toContain('total_expected,,,,,150000,2 orders');
      expect(lines).toContain('total_received,,,,,120000,2 transfers');
      await t.http.get('/reconciliation/report').query({ date: '2026-11-28', cooperativeId: a.id }).set(bearer(b.key)).expect(403);
      await t.http.get('/reconciliation/report').query({ date: '28/11/2026' }).set(bearer(b.key)).expect(400);
    });
  });

  it('the ledger balances and its balances equal the sum of entries', async () => {
    const res = await checkLedger({ query: async (sql) => (await t.db.query(sql)).rows });
    expect(res.ok).toBe(true);
    expect(res.journals).toBeGreaterThanOrEqual(2);
    await expect(t.db.query(`UPDATE ledger_entries SET debit_vnd = debit_vnd + 1`)).rejects.toThrow(/append-only/);
    await expect(t.db.query(`DELETE FROM ledger_journals`)).rejects.toThrow(/append-only/);
  });
});
