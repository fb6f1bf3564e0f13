import { randomBytes, randomUUID } from 'node:crypto';
import { ManualClock } from '../src/common/clock.js';
import { SecretBox } from '../src/common/secret-box.js';
import { checkLedger } from '../src/ledger/ledger.service.js';
import { createMarket, createStall, type CreatedMarket } from './fixtures/markets/markets.js';
import { bearer, createTestApp, type TestApp } from './harness/app.js';
import { cassoSignature as signCasso, createFeed, feedCalls } from './harness/bank-feeds.js';
import { createCooperative, type CreatedCooperative, SECOND_COOPERATIVE, vietqrOrder } from './harness/fixtures.js';

const WEBHOOK_KEY = 'platform-bank-webhook-key-0123456789';
const FEED_KEY = randomBytes(32).toString('base64');
const BASE = 'https://ocop.example.vn';

/**
 * Bank feeds end to end (SPEC "Bank feeds"): every provider pays an order through its own body and
 * authentication; refused, replayed, test and foreign calls store what they should (nothing, or a
 * row that pays nothing); who may manage feeds; secrets never readable back.
 */
describe('bank feeds (e2e)', () => {
  let t: TestApp;
  const clock = new ManualClock(new Date('2026-11-27T02:00:00Z')); // 09:00 in Vietnam
  let a: CreatedCooperative; // Vietcombank 1023456789
  let b: CreatedCooperative; // MB 0881000123456
  let market: CreatedMarket;
  let otherMarket: CreatedMarket;

  beforeAll(async () => {
    t = await createTestApp({ clock, env: { BANK_WEBHOOK_API_KEY: WEBHOOK_KEY, BANK_FEED_ENCRYPTION_KEYS: FEED_KEY, PUBLIC_BASE_URL: BASE } });
    a = await createCooperative(t, { taxCode: '0300588569' });
    b = await createCooperative(t, SECOND_COOPERATIVE);
    market = await createMarket(t);
    otherMarket = await createMarket(t, { name: 'Chợ 4.0 Ea Kao', communeCode: '24169', address: 'Thôn 3, phường Ea Kao' });
  });
  afterAll(async () => {
    const ledger = await checkLedger({ query: async (sql) => (await t.db.query(sql)).rows });
    expect(ledger).toMatchObject({ ok: true, unbalancedJournals: [], balanceMismatches: [] });
    await t.close();
  });

  // ── helpers ──
  const order = (coop: CreatedCooperative, price?: number, qty?: number) => vietqrOrder(t, coop, price, qty);
  const feed = (owner: { coop?: CreatedCooperative; market?: CreatedMarket }, provider: string, secret?: string) => createFeed(t, owner, provider, secret);
  const hook = (feedId: string) => t.http.post(`/webhooks/bank/${feedId}`);
  const status = async (id: string) =>
    (await t.db.query('SELECT o.status, p.received_vnd::int AS received FROM orders o JOIN payments p ON p.order_id = o.id WHERE o.id = $1', [id])).rows[0];
  const txnCount = async () => (await t.db.query('SELECT count(*)::int AS n FROM bank_transactions')).rows[0].n as number;
  const rowsOfFeed = async (feedId: string) =>
    (
      await t.db.query(
        `SELECT source, external_id, account_number, reference_code, direction, amount_vnd::int AS amount, outcome, outcome_reason, order_id, stall_id
         FROM bank_transactions WHERE raw->'feed'->>'id' = $1 ORDER BY received_at, external_id`,
        [feedId],
      )
    ).rows;

  const { sepayBody, cassoBody, legacyItem, pay2sItem } = feedCalls(clock);
  const cassoSignature = (secret: string, body: unknown, t0 = clock.now().getTime()) => signCasso(secret, body, t0);

  // ── managing feeds ──
  describe('feeds', () => {
    it('a cooperative connects a feed: 201 with its webhook URL and a generated secret shown once', async () => {
      const res = await t.http.post(`/cooperatives/${a.id}/bank-feeds`).set(bearer(a.key)).send({ provider: 'sepay', name: 'SePay – Vietcombank' }).expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        provider: 'sepay',
        name: 'SePay – Vietcombank',
        cooperativeId: a.id,
        marketId: null,
        webhookUrl: `${BASE}/webhooks/bank/${res.body.id}`,
        createdAt: expect.any(String),
        deletedAt: null,
        secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      });
      const list = await t.http.get(`/cooperatives/${a.id}/bank-feeds`).set(bearer(a.key)).expect(200);
      const mine = list.body.items.find((f: { id: string }) => f.id === res.body.id);
      expect(mine).toMatchObject({ id: res.body.id, provider: 'sepay', webhookUrl: res.body.webhookUrl });
      expect(mine).not.toHaveProperty('secret');
      expect(JSON.stringify(list.body)).not.toContain(res.body.secret);
    });

    it('takes a secret the provider issued; the database holds it sealed (AES-GCM, bound to the feed), never in clear', async () => {
      const secret = 'mgExMrjj4i7a1p8Cs6LmFbpCd8lbw4sSX4LZXPag7TKazeIogtR90tvWYTkwQbvs';
      const f = await feed({ coop: a }, 'casso', secret);
      expect(f.secret).toBe(secret);
      const row = (await t.db.query(`SELECT secret_sealed, row_to_json(f)::text AS everything FROM bank_feeds f WHERE id = $1`, [f.id])).rows[0];
      expect(row.everything).not.toContain(secret);
      expect(row.everything).not.toContain(secret.slice(0, 12));
      expect(row.secret_sealed).toMatch(/^v1\.[0-9a-f]{8}\./);
      const box = SecretBox.fromText([FEED_KEY]);
      expect(box.open(row.secret_sealed, f.id)).toBe(secret);
      expect(() => box.open(row.secret_sealed, randomUUID())).toThrow();
      const anyClear = await t.db.query(`SELECT count(*)::int AS n FROM bank_feeds f WHERE row_to_json(f)::text LIKE '%' || $1 || '%'`, [secret]);
      expect(anyClear.rows[0].n).toBe(0);
    });

    it('lists are paginated (newest first) and hold only the owner\'s live feeds', async () => {
      const mk = await feed({ coop: b }, 'pay2s');
      const mk2 = await feed({ coop: b }, 'casso_legacy');
      const p1 = await t.http.get(`/cooperatives/${b.id}/bank-feeds?limit=1`).set(bearer(b.key)).expect(200);
      expect(p1.body.items.map((x: { id: string }) => x.id)).toEqual([mk2.id]);
      expect(p1.body.nextCursor).toEqual(expect.any(String));
      const p2 = await t.http.get(`/cooperatives/${b.id}/bank-feeds?limit=1&cursor=${p1.body.nextCursor}`).set(bearer(b.key)).expect(200);
      expect(p2.body.items.map((x: { id: string }) => x.id)).toEqual([mk.id]);
      const all = await t.http.get(`/cooperatives/${b.id}/bank-feeds`).set(bearer(t.adminKey)).expect(200);
      expect(all.body.items.every((x: { cooperativeId: string }) => x.cooperativeId === b.id)).toBe(true);
      await t.http.get(`/cooperatives/${b.id}/bank-feeds?cursor=not-a-cursor`).set(bearer(b.key)).expect(400);
    });

    it('400 naming the field for an unknown provider, a blank name, a weak or spaced secret; 404 for an unknown owner', async () => {
      const send = (body: object) => t.http.post(`/cooperatives/${a.id}/bank-feeds`).set(bearer(a.key)).send(body);
      const bad = await send({ provider: 'momo', name: ' ', secret: 'short' }).expect(400);
      expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['name', 'provider', 'secret']);
      expect((await send({ provider: 'sepay', name: 'x', secret: 'has a space in it' }).expect(400)).body.details[0].field).toBe('secret');
      await t.http.post(`/cooperatives/${randomUUID()}/bank-feeds`).set(bearer(t.adminKey)).send({ provider: 'sepay', name: 'x' }).expect(404);
      await t.http.post(`/markets/${randomUUID()}/bank-feeds`).set(bearer(t.adminKey)).send({ provider: 'sepay', name: 'x' }).expect(404);
    });

    it('owner or admin only: another cooperative, a market manager, a manager of another market are refused', async () => {
      const body = { provider: 'sepay', name: 'x' };
      await t.http.post(`/cooperatives/${a.id}/bank-feeds`).set(bearer(b.key)).send(body).expect(403);
      await t.http.get(`/cooperatives/${a.id}/bank-feeds`).set(bearer(b.key)).expect(403);
      await t.http.post(`/cooperatives/${a.id}/bank-feeds`).set(bearer(market.key)).send(body).expect(403);
      await t.http.get(`/cooperatives/${a.id}/bank-feeds`).set(bearer(market.key)).expect(403);
      await t.http.post(`/markets/${market.id}/bank-feeds`).set(bearer(a.key)).send(body).expect(403);
      await t.http.post(`/markets/${market.id}/bank-feeds`).set(bearer(otherMarket.key)).send(body).expect(403);
      await t.http.get(`/markets/${market.id}/bank-feeds`).set(bearer(otherMarket.key)).expect(403);
      await t.http.post(`/cooperatives/${a.id}/bank-feeds`).send(body).expect(401);
      const byAdmin = await t.http.post(`/cooperatives/${a.id}/bank-feeds`).set(bearer(t.adminKey)).send(body).expect(201);
      expect(byAdmin.body.cooperativeId).toBe(a.id);
      const byManager = await t.http.post(`/markets/${market.id}/bank-feeds`).set(bearer(market.key)).send(body).expect(201);
      expect(byManager.body).toMatchObject({ marketId: market.id, cooperativeId: null });
      expect((await t.http.get(`/markets/${market.id}/bank-feeds`).set(bearer(market.key)).expect(200)).body.items.map((x: { id: string }) => x.id)).toContain(byManager.body.id);
      // deleting: only the owner or an admin
      await t.http.delete(`/bank-feeds/${byAdmin.body.id}`).set(bearer(b.key)).expect(403);
      await t.http.delete(`/bank-feeds/${byAdmin.body.id}`).set(bearer(market.key)).expect(403);
      await t.http.delete(`/bank-feeds/${byManager.body.id}`).set(bearer(otherMarket.key)).expect(403);
      await t.http.delete(`/bank-feeds/${byManager.body.id}`).set(bearer(a.key)).expect(403);
      await t.http.delete(`/bank-feeds/${byManager.body.id}`).set(bearer(market.key)).expect(200);
      await t.http.delete(`/bank-feeds/${byAdmin.body.id}`).set(bearer(t.adminKey)).expect(200);
    });

    it('deleting a feed stops its webhook (404 like an unknown feed, even with the right secret) and wipes its secret', async () => {
      const f = await feed({ coop: a }, 'sepay');
      const o = await order(a);
      const del = await t.http.delete(`/bank-feeds/${f.id}`).set(bearer(a.key)).expect(200);
      expect(del.body).toMatchObject({ id: f.id, deletedAt: expect.any(String) });
      const before = await txnCount();
      const res = await hook(f.id).set('Authorization', `Apikey ${f.secret}`).send(sepayBody({ content: o.payment.reference, transferAmount: o.totalVnd })).expect(404);
      const unknown = await hook(randomUUID()).set('Authorization', `Apikey ${f.secret}`).send(sepayBody()).expect(404);
      expect({ ...res.body, message: undefined }).toEqual({ ...unknown.body, message: undefined });
      expect(await txnCount()).toBe(before);
      expect((await status(o.id)).status).toBe('pending_payment');
      expect((await t.db.query(`SELECT secret_sealed FROM bank_feeds WHERE id = $1`, [f.id])).rows[0].secret_sealed).toBeNull();
      expect((await t.http.get(`/cooperatives/${a.id}/bank-feeds`).set(bearer(a.key)).expect(200)).body.items.map((x: { id: string }) => x.id)).not.toContain(f.id);
      await t.http.delete(`/bank-feeds/${f.id}`).set(bearer(a.key)).expect(404);
      await hook('not-a-uuid').send({}).expect(400);
    });
  });

  // ── each provider, end to end ──
  describe('sepay', () => {
    it('a call with the Apikey pays the order; a redelivery stores nothing new; a wrong key stores nothing', async () => {
      const f = await feed({ coop: a }, 'sepay');
      const o = await order(a);
      const body = sepayBody({ content: `MBVCB.3278907687.${o.payment.reference} thanh toan don/ship`, transferAmount: o.totalVnd });
      const before = await txnCount();
      await hook(f.id).set('Authorization', `Apikey ${f.secret}x`).send(body).expect(401);
      await hook(f.id).set('Authorization', `Bearer ${f.secret}`).send(body).expect(401);
      await hook(f.id).send(body).expect(401);
      expect(await txnCount()).toBe(before);

      const ok = await hook(f.id).set('Authorization', `Apikey ${f.secret}`).send(body).expect(200);
      expect(ok.body).toEqual({ success: true });
      expect(await status(o.id)).toEqual({ status: 'paid', received: o.totalVnd });
      expect(await rowsOfFeed(f.id)).toEqual([
        expect.objectContaining({ source: 'webhook', external_id: `1023456789:Vietcombank:${body.id}`, reference_code: body.referenceCode, outcome: 'paid', order_id: o.id }),
      ]);
      await hook(f.id).set('Authorization', `Apikey ${f.secret}`).send(body).expect(200);
      expect(await txnCount()).toBe(before + 1);
      expect(await status(o.id)).toEqual({ status: 'paid', received: o.totalVnd });
    });

    it('the same SePay transaction through the platform webhook and a feed is stored once', async () => {
      const f = await feed({ coop: a }, 'sepay');
      const o = await order(a);
      const body = sepayBody({ content: o.payment.reference, transferAmount: o.totalVnd });
      await t.http.post('/webhooks/bank-transactions').set('Authorization', `Apikey ${WEBHOOK_KEY}`).send(body).expect(200);
      const before = await txnCount();
      await hook(f.id).set('Authorization', `Apikey ${f.secret}`).send(body).expect(200);
      expect(await txnCount()).toBe(before);
      expect(await status(o.id)).toEqual({ status: 'paid', received: o.totalVnd });
    });

    it('400 naming the field for a malformed call, nothing stored', async () => {
      const f = await feed({ coop: a }, 'sepay');
      const before = await txnCount();
      const res = await hook(f.id).set('Authorization', `Apikey ${f.secret}`).send(sepayBody({ transferAmount: '12,5', transactionDate: '31/02/2026' })).expect(400);
      expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['transactionDate', 'transferAmount']);
      expect(await txnCount()).toBe(before);
    });
  });

  describe('casso (Webhook V2)', () => {
    const secret = 'ocopCassoChecksumKey0123456789abcdefABCDEF0123456789abcdefABCDEF';

    it('a signed call pays the order (memo with "/" and Vietnamese letters); a replay stores nothing new', async () => {
      const f = await feed({ coop: a }, 'casso', secret);
      const o = await order(a);
      const body = cassoBody({ description: `Thanh to\u00e1n \u0111\u01a1n ${o.payment.reference}/giao h\u00e0ng t\u1eadn n\u01a1i`, amount: o.totalVnd });
      const ok = await hook(f.id).set('X-Casso-Signature', cassoSignature(secret, body)).send(body).expect(200);
      expect(ok.body).toEqual({ success: true });
      expect(await status(o.id)).toEqual({ status: 'paid', received: o.totalVnd });
      expect(await rowsOfFeed(f.id)).toEqual([
        expect.objectContaining({ source: 'casso', external_id: `1023456789:${body.data.id}`, reference_code: body.data.reference, outcome: 'paid', order_id: o.id }),
      ]);
      const before = await txnCount();
      clock.advance(60_000);
      await hook(f.id).set('X-Casso-Signature', cassoSignature(secret, body)).send(body).expect(200);
      expect(await txnCount()).toBe(before);
    });

    it('401 and nothing stored: wrong key, tampered body, stale t', async () => {
      const f = await feed({ coop: a }, 'casso', secret);
      const o = await order(a);
      const body = cassoBody({ description: o.payment.reference, amount: o.totalVnd });
      const before = await txnCount();
      await hook(f.id).set('X-Casso-Signature', cassoSignature(`${secret}x`, body)).send(body).expect(401);
      await hook(f.id).set('X-Casso-Signature', cassoSignature(secret, body)).send({ ...body, data: { ...body.data, amount: o.totalVnd * 10 } }).expect(401);
      await hook(f.id).set('X-Casso-Signature', cassoSignature(secret, body, clock.now().getTime() - 5 * 60_000 - 1)).send(body).expect(401);
      await hook(f.id).set('Authorization', `Bearer ${secret}`).send(body).expect(401);
      expect(await txnCount()).toBe(before);
      expect((await status(o.id)).status).toBe('pending_payment');
    });

    it("the dashboard's test call (id 0, placeholders, signed) is answered 200 and stores nothing", async () => {
      const f = await feed({ coop: a }, 'casso', secret);
      const body = cassoBody({ id: 0, reference: 'MA_GIAO_DICH_THU_NGHIEM', description: 'giao dich thu nghiem', accountNumber: '88888888', bankName: 'VPBank', bankAbbreviation: 'VPB' });
      const before = await txnCount();
      const res = await hook(f.id).set('X-Casso-Signature', cassoSignature(secret, body)).send(body).expect(200);
      expect(res.body).toEqual({ success: true });
      expect(await txnCount()).toBe(before);
      await hook(f.id).set('X-Casso-Signature', cassoSignature('wrong', body)).send(body).expect(401);
    });
  });

  describe('casso_legacy', () => {
    it('several transactions in one call pay their orders; money out is stored as outgoing', async () => {
      const f = await feed({ coop: a }, 'casso_legacy');
      const [o1, o2] = [await order(a), await order(a, 99000, 1)];
      const items = [
        legacyItem({ description: `${o1.payment.reference} mua ca phe`, amount: o1.totalVnd }),
        legacyItem({ description: `CK ${o2.payment.reference}`, amount: o2.totalVnd }),
        legacyItem({ description: 'chuyen tien dien', amount: -250000 }),
      ];
      const before = await txnCount();
      await hook(f.id).set('Secure-Token', 'wrong-token-123').send({ error: 0, data: items }).expect(401);
      expect(await txnCount()).toBe(before);
      await hook(f.id).set('Secure-Token', f.secret).send({ error: 0, data: items }).expect(200);
      expect(await status(o1.id)).toEqual({ status: 'paid', received: o1.totalVnd });
      expect(await status(o2.id)).toEqual({ status: 'paid', received: o2.totalVnd });
      const rows = await rowsOfFeed(f.id);
      expect(rows).toHaveLength(3);
      expect(rows.map((r) => [r.external_id, r.source, r.direction, r.outcome])).toEqual(
        expect.arrayContaining([
          [`1023456789:${items[0].id}`, 'casso_legacy', 'in', 'paid'],
          [`1023456789:${items[1].id}`, 'casso_legacy', 'in', 'paid'],
          [`1023456789:${items[2].id}`, 'casso_legacy', 'out', 'outgoing'],
        ]),
      );
      await hook(f.id).set('Secure-Token', f.secret).send({ error: 0, data: items }).expect(200);
      expect(await txnCount()).toBe(before + 3);
    });

    it('the test call stores nothing; a call with one bad transaction stores none of them', async () => {
      const f = await feed({ coop: a }, 'casso_legacy');
      const before = await txnCount();
      const test = legacyItem({ id: 0, tid: 'MA_GIAO_DICH_THU_NGHIEM', description: 'giao dich thu nghiem', bank_sub_acc_id: '88888888' });
      await hook(f.id).set('Secure-Token', f.secret).send({ error: 0, data: [test] }).expect(200);
      const bad = await hook(f.id).set('Secure-Token', f.secret).send({ error: 0, data: [legacyItem(), legacyItem({ when: 'yesterday' })] }).expect(400);
      expect(bad.body.details).toEqual([expect.objectContaining({ field: 'data.1.when' })]);
      expect(await txnCount()).toBe(before);
    });
  });

  describe('pay2s', () => {
    it('a call with the Bearer token (not an API key) pays the order; a wrong token stores nothing', async () => {
      const f = await feed({ coop: a }, 'pay2s');
      const o = await order(a);
      const body = { transactions: [pay2sItem({ content: `${o.payment.reference} GD 789604-271126 09:05:38`, transferAmount: o.totalVnd })] };
      const before = await txnCount();
      await hook(f.id).set('Authorization', `Bearer ${f.secret}x`).send(body).expect(401);
      expect(await txnCount()).toBe(before);
      const ok = await hook(f.id).set('Authorization', `Bearer ${f.secret}`).send(body).expect(200);
      expect(ok.body).toEqual({ success: true });
      expect(await status(o.id)).toEqual({ status: 'paid', received: o.totalVnd });
      expect(await rowsOfFeed(f.id)).toEqual([
        expect.objectContaining({ source: 'pay2s', external_id: `1023456789:${body.transactions[0].id}`, reference_code: body.transactions[0].transactionNumber, outcome: 'paid' }),
      ]);
      await hook(f.id).set('Authorization', `Bearer ${f.secret}`).send({ transactions: [] }).expect(200);
      expect(await txnCount()).toBe(before + 1);
    });

    it('a transfer reported by a feed and by the platform webhook (same bank reference on the same account) is stored once', async () => {
      const f = await feed({ coop: a }, 'pay2s');
      const o = await order(a);
      const item = pay2sItem({ content: o.payment.reference, transferAmount: o.totalVnd });
      await hook(f.id).set('Authorization', `Bearer ${f.secret}`).send({ transactions: [item] }).expect(200);
      const before = await txnCount();
      const again = await t.http
        .post('/webhooks/bank-transactions')
        .set('Authorization', `Apikey ${WEBHOOK_KEY}`)
        .send(sepayBody({ content: o.payment.reference, transferAmount: o.totalVnd, referenceCode: item.transactionNumber }))
        .expect(200);
      expect(again.body).toMatchObject({ duplicate: true });
      expect(await txnCount()).toBe(before);
      expect(await status(o.id)).toEqual({ status: 'paid', received: o.totalVnd });
    });
  });

  it("the OpenAPI document describes each provider's webhook authentication as a security scheme", async () => {
    const doc = (await t.http.get('/docs-json').expect(200)).body;
    expect(doc.components.securitySchemes).toMatchObject({
      'bank-feed-sepay': { type: 'apiKey', in: 'header', name: 'Authorization' },
      'bank-feed-casso': { type: 'apiKey', in: 'header', name: 'X-Casso-Signature' },
      'bank-feed-casso-legacy': { type: 'apiKey', in: 'header', name: 'Secure-Token' },
      'bank-feed-pay2s': { type: 'apiKey', in: 'header', name: 'Authorization' },
    });
    const op = doc.paths['/webhooks/bank/{feedId}'].post;
    expect(op.security).toEqual([{ 'bank-feed-sepay': [] }, { 'bank-feed-casso': [] }, { 'bank-feed-casso-legacy': [] }, { 'bank-feed-pay2s': [] }]);
    // anyOf: the body that applies is the feed's provider's, which the body itself does not say.
    expect(op.requestBody.content['application/json'].schema.anyOf).toHaveLength(4);
    expect(Object.keys(op.responses).sort()).toEqual(['200', '400', '401', '404', '413', '415', '429', '503']);
  });

  // ── a feed speaks only for its owner ──
  describe('foreign accounts', () => {
    it("a transfer a feed reports for another owner's account is stored unmatched (foreign_account), pays nothing, and does not shadow the real one", async () => {
      const fb = await feed({ coop: b }, 'pay2s');
      const o = await order(a);
      const item = pay2sItem({ accountNumber: '1023456789', content: `${o.payment.reference} thanh toan`, transferAmount: o.totalVnd });
      await hook(fb.id).set('Authorization', `Bearer ${fb.secret}`).send({ transactions: [item] }).expect(200);
      const [row] = await rowsOfFeed(fb.id);
      expect(row).toMatchObject({
        source: `feed:${fb.id}:foreign`,
        external_id: `1023456789:${item.id}`,
        account_number: '1023456789',
        reference_code: null,
        outcome: 'unmatched',
        outcome_reason: 'foreign_account',
        order_id: null,
      });
      expect(await status(o.id)).toEqual({ status: 'pending_payment', received: 0 });
      const id = (await t.db.query(`SELECT id FROM bank_transactions WHERE source = $1`, [`feed:${fb.id}:foreign`])).rows[0].id;
      const match = await t.http.post(`/reconciliation/transactions/${id}/match`).set(bearer(t.adminKey)).send({ orderId: o.id }).expect(409);
      expect(match.body.code).toBe('foreign_account');
      // The real transfer, same bank reference, still pays the order.
      await t.http
        .post('/webhooks/bank-transactions')
        .set('Authorization', `Apikey ${WEBHOOK_KEY}`)
        .send(sepayBody({ content: o.payment.reference, transferAmount: o.totalVnd, referenceCode: item.transactionNumber }))
        .expect(200);
      expect(await status(o.id)).toEqual({ status: 'paid', received: o.totalVnd });
    });

    it("a feed cannot take another account's provider id ahead of the real transaction (ids are scoped by account)", async () => {
      const fb = await feed({ coop: b }, 'sepay');
      const o = await order(a);
      // b's feed reports, for b's own account, the SePay id that a's real transfer will carry.
      const real = sepayBody({ content: o.payment.reference, transferAmount: o.totalVnd });
      const squat = { ...real, accountNumber: '0881000123456', gateway: real.gateway, content: 'khong lien quan', referenceCode: 'FT-OTHER-1' };
      await hook(fb.id).set('Authorization', `Apikey ${fb.secret}`).send(squat).expect(200);
      // The real one, through the platform webhook, is stored and pays a's order.
      const res = await t.http.post('/webhooks/bank-transactions').set('Authorization', `Apikey ${WEBHOOK_KEY}`).send(real).expect(200);
      expect(res.body).toMatchObject({ success: true, duplicate: false });
      expect(await status(o.id)).toEqual({ status: 'paid', received: o.totalVnd });
    });

    it("a market's feed credits its stalls; a stall of another market is foreign", async () => {
      const mine = await createStall(t, market.key, market.id, { bankAccount: { bankBin: '970436', accountNumber: '0071000777001', accountName: 'Nguyen Thi Hoa' } });
      await createStall(t, otherMarket.key, otherMarket.id, { bankAccount: { bankBin: '970436', accountNumber: '0071000777002', accountName: 'Tran Van Duc' } });
      const f = await feed({ market }, 'sepay');
      const own = sepayBody({ accountNumber: '0071000777001', transferAmount: 45000, content: 'mua rau' });
      const other = sepayBody({ accountNumber: '0071000777002', transferAmount: 60000, content: 'mua ca' });
      await hook(f.id).set('Authorization', `Apikey ${f.secret}`).send(own).expect(200);
      await hook(f.id).set('Authorization', `Apikey ${f.secret}`).send(other).expect(200);
      const rows = await rowsOfFeed(f.id);
      expect(rows).toEqual([
        expect.objectContaining({ account_number: '0071000777001', outcome: 'stall_credit', stall_id: mine.id, source: 'webhook' }),
        expect.objectContaining({ account_number: '0071000777002', outcome: 'unmatched', outcome_reason: 'foreign_account', stall_id: null, source: `feed:${f.id}:foreign` }),
      ]);
      const credits = await t.db.query(`SELECT stall_id, amount_vnd::int AS amount, method FROM stall_transactions WHERE stall_id IN (SELECT id FROM stalls WHERE bank_account_number IN ('0071000777001','0071000777002'))`);
      expect(credits.rows).toEqual([{ stall_id: mine.id, amount: 45000, method: 'qr' }]);
    });
  });
});
