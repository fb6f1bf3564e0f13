// CommonJS packages imported from ESM: the default import is their module.exports.
import jsQrModule from 'jsqr';
import pngjs from 'pngjs';
import { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/clock.js';
import { StallPaymentsService } from '../src/markets/stall-payments.service.js';
import { encodeVietQr } from '../src/payments/vietqr/vietqr.js';
import { STALL_CREDIT_PORT, type StallCreditPort } from '../src/reconciliation/stall-credit.port.js';
import { binaryBody, bearer, createTestApp, type TestApp } from './harness/app.js';
import { createCooperative } from './harness/fixtures.js';
import { createMarket, createStall, type CreatedMarket, REAL_QR, recordTxn, rollupConsistency, stallBody } from './fixtures/markets/markets.js';
import { pdfPageCount, pdfQrPayloads } from './fixtures/markets/pdf.js';

const jsQR = jsQrModule.default;
const { PNG } = pngjs;

/**
 * Market A holds a known set of transactions; every figure below is computed by hand from it.
 * Shares are fractions rounded half-up to 4 decimals.
 *
 *  #  stall  method  amount   occurredAt (UTC)        Vietnam day
 *  1  A-01   qr       45,000  2026-03-01T01:00:00Z    03-01
 *  2  A-01   cash     20,000  2026-03-01T02:00:00Z    03-01
 *  3  A-02   card    150,000  2026-03-01T16:30:00Z    03-01 (23:30 +07)
 *  4  B-01   cash     35,000  2026-03-01T17:00:00Z    03-02 (00:00 +07)
 *  5  A-02   qr      120,000  2026-03-02T03:00:00Z    03-02
 *  6  B-01   cash     15,000  2026-03-02T04:00:00Z    03-02
 *  7  B-02   qr       30,000  2026-03-03T02:00:00Z    03-03 (B-02 is set inactive afterwards)
 *  8  A-01   qr       60,000  2026-03-09T05:00:00Z    03-09
 *  9  C-01   qr       80,000  2026-03-09T06:00:00Z    03-09
 * 10  A-01   cash     10,000  2026-03-09T07:00:00Z    03-09
 * 11  A-02   cash     50,000  2026-02-27T10:00:00Z    02-27
 * 12  A-01   qr       25,000  2026-03-10T02:00:00Z    03-10 (bank credit through StallPaymentsService, delivered twice)
 *
 * Stalls of A: A-01 fresh_produce (QR), A-02 meat_fish (QR), B-01 prepared_food (no account),
 * B-02 clothing_textiles (QR, inactive), C-01 dry_goods (imported from a printed VietQR).
 */
describe('4.0 markets (e2e)', () => {
  const clock = new ManualClock(new Date('2026-03-20T03:00:00Z'));
  let t: TestApp;
  let A: CreatedMarket;
  let B: CreatedMarket;
  let C: CreatedMarket;
  const s: Record<string, { id: string; code: string; qrPayload: string | null }> = {};
  let bStall: { id: string };

  beforeAll(async () => {
    t = await createTestApp({ clock });
    A = await createMarket(t);
    B = await createMarket(t, { name: 'Chợ 4.0 Ea Kao', communeCode: '24169', address: 'Thôn 3, phường Ea Kao' });
    C = await createMarket(t, { name: 'Chợ 4.0 Bến Thành', provinceCode: '79', communeCode: '26743', address: 'Lê Lợi, phường Bến Thành' });
  });
  afterAll(() => t.close());

  const count = async (table: string) => (await t.db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;

  describe('markets', () => {
    it('an admin registers a market; anyone reads it', async () => {
      const res = await t.http.get(`/markets/${A.id}`).expect(200);
      expect(res.body).toMatchObject({
        id: A.id,
        name: 'Chợ 4.0 Trung tâm Buôn Ma Thuột',
        provinceCode: '66',
        provinceName: 'Tỉnh Đắk Lắk',
        communeCode: '24133',
        communeName: 'Phường Buôn Ma Thuột',
      });
    });

    it('validates the location and names every bad field', async () => {
      const before = await count('markets');
      const res = await t.http
        .post('/markets')
        .set(bearer(t.adminKey))
        .send({ name: 'x', provinceCode: '66', communeCode: '00004', address: 'ab' })
        .expect(400);
      expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['address', 'name']);
      const loc = await t.http.post('/markets').set(bearer(t.adminKey)).send({ name: 'Chợ X', provinceCode: '66', communeCode: '00004', address: 'Số 1' }).expect(400);
      expect(loc.body.details).toEqual([{ field: 'communeCode', problem: expect.stringContaining('is not in province 66') }]);
      expect(await count('markets')).toBe(before);
    });

    it('lists publicly with cursor pagination and a province filter', async () => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await t.http
          .get('/markets')
          .query(cursor ? { limit: 2, cursor } : { limit: 2 })
          .expect(200);
        ids.push(...res.body.items.map((m) => m.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(ids).toEqual([C.id, B.id, A.id]);
      const dl = await t.http.get('/markets').query({ provinceCode: '79' }).expect(200);
      expect(dl.body.items.map((m: { id: string }) => m.id)).toEqual([C.id]);
      await t.http.get('/markets').query({ cursor: 'not-a-cursor!' }).expect(400);
    });

    it('an admin or the market\'s manager updates it; nobody else', async () => {
      const res = await t.http.patch(`/markets/${A.id}`).set(bearer(A.key)).send({ address: '02 Phan Bội Châu, phường Buôn Ma Thuột' }).expect(200);
      expect(res.body.address).toBe('02 Phan Bội Châu, phường Buôn Ma Thuột');
      await t.http.patch(`/markets/${B.id}`).set(bearer(A.key)).send({ address: 'Số 9' }).expect(403);
      await t.http.patch(`/markets/${A.id}`).send({ address: 'Số 9' }).expect(401);
      await t.http.patch(`/markets/${A.id}`).set(bearer(t.adminKey)).send({ name: null }).expect(400);
      await t.http.patch(`/markets/${A.id}`).set(bearer(t.adminKey)).send({ communeCode: '26743' }).expect(400); // a Hồ Chí Minh ward
    });

    it('manager keys: admin only, bound to the market (FK), visible to the manager', async () => {
      await t.http.post(`/markets/${A.id}/api-keys`).set(bearer(A.key)).send({ name: 'x' }).expect(403);
      await t.http.post('/markets').set(bearer(A.key)).send({ name: 'Chợ Y', provinceCode: '66', communeCode: '24133', address: 'Số 1' }).expect(403);
      await t.http.post(`/markets/00000000-0000-4000-8000-000000000000/api-keys`).set(bearer(t.adminKey)).send({ name: 'x' }).expect(404);
      const me = await t.http.get('/me').set(bearer(A.key)).expect(200);
      expect(me.body).toMatchObject({ role: 'market_manager', marketIds: [A.id] });
      await expect(t.db.query(`UPDATE api_keys SET market_id = gen_random_uuid() WHERE market_id = $1`, [A.id])).rejects.toThrow(/api_keys_market_id_fkey/);
    });
  });

  describe('stalls', () => {
    beforeAll(async () => {
      s['A-01'] = await createStall(t, A.key, A.id, {
        code: 'A-01',
        vendorName: 'Nguyễn Thị Hoa',
        category: 'fresh_produce',
        bankAccount: { bankBin: '970436', accountNumber: '1023 456 789', accountName: 'Nguyễn Thị Hoa' },
      });
      s['A-02'] = await createStall(t, A.key, A.id, {
        code: 'a-02',
        vendorName: 'Trần Văn Đức',
        category: 'meat_fish',
        bankAccount: { bankBin: '970422', accountNumber: '0901234567', accountName: 'Trần Văn Đức' },
      });
      s['B-01'] = await createStall(t, t.adminKey, A.id, { code: 'B-01', vendorName: 'Phạm Thị Mai', category: 'prepared_food', bankAccount: undefined });
      s['B-02'] = await createStall(t, A.key, A.id, {
        code: 'B-02',
        vendorName: 'Đỗ Thị Bích Ngọc',
        category: 'clothing_textiles',
        bankAccount: { bankBin: '970418', accountNumber: '31410001234567', accountName: 'Đỗ Thị Bích Ngọc' },
      });
      bStall = await createStall(t, B.key, B.id, { code: 'Q-01', vendorName: "H'Hen Niê", category: 'dry_goods' });
    });

    it('stores codes uppercase, the account as banks print it, and the static VietQR', async () => {
      const res = await t.http.get(`/stalls/${s['A-02'].id}`).set(bearer(A.key)).expect(200);
      expect(res.body).toMatchObject({
        marketId: A.id,
        code: 'A-02',
        vendorName: 'Trần Văn Đức',
        vendorPhone: '0905123456',
        category: 'meat_fish',
        bankAccount: { bankBin: '970422', bankName: 'MB Bank', accountNumber: '0901234567', accountName: 'TRAN VAN DUC' },
        qrEnabled: true,
        status: 'active',
        qrPayload: encodeVietQr({ bankBin: '970422', accountNumber: '0901234567' }),
      });
      expect(res.body.qrPayload).toMatch(/^000201010211/); // static: tag 01 = 11, no tag 54
      expect(res.body.qrPayload).not.toMatch(/54\d\d\d+5802VN/);
      expect(res.body.qrImageUrl).toMatch(new RegExp(`/stalls/${s['A-02'].id}/qr\\.png$`));
      const noQr = await t.http.get(`/stalls/${s['B-01'].id}`).set(bearer(A.key)).expect(200);
      expect(noQr.body).toMatchObject({ bankAccount: null, qrEnabled: false, qrPayload: null, qrImageUrl: null });
    });

    it('409 on a code already used in the market (case-insensitive), nothing stored; the same code elsewhere is fine', async () => {
      const before = await count('stalls');
      const res = await t.http.post(`/markets/${A.id}/stalls`).set(bearer(A.key)).send(stallBody({ code: ' a-01 ' })).expect(409);
      expect(res.body).toMatchObject({ statusCode: 409, code: 'duplicate_stall_code', details: [{ field: 'code', problem: 'A-01 is already used in this market' }] });
      expect(await count('stalls')).toBe(before);
      const other = await createStall(t, C.key, C.id, { code: 'A-01' });
      expect(other.code).toBe('A-01');
      const patch = await t.http.patch(`/stalls/${s['A-02'].id}`).set(bearer(A.key)).send({ code: 'A-01' }).expect(409);
      expect(patch.body.code).toBe('duplicate_stall_code');
    });

    it('409 when the account is already another stall\'s', async () => {
      const res = await t.http
        .post(`/markets/${C.id}/stalls`)
        .set(bearer(C.key))
        .send(stallBody({ bankAccount: { bankBin: '970436', accountNumber: '1023456789', accountName: 'X Y' } }))
        .expect(409);
      expect(res.body).toMatchObject({ code: 'duplicate_stall_account', details: [{ field: 'bankAccount.accountNumber' }] });
    });

    it.each([
      [{ code: 'A 12' }, 'code'],
      [{ code: '-A' }, 'code'],
      [{ category: 'fruit' }, 'category'],
      [{ vendorPhone: '12345' }, 'vendorPhone'],
      [{ vendorName: 'x' }, 'vendorName'],
      [{ status: 'closed' }, 'status'],
      [{ bankAccount: { bankBin: '999999', accountNumber: '1023456789', accountName: 'A B' } }, 'bankAccount.bankBin'],
      [{ bankAccount: { bankBin: '970436', accountNumber: '12AB', accountName: 'A B' } }, 'bankAccount.accountNumber'],
      [{ bankAccount: { bankBin: '970436', accountNumber: '1023456780', accountName: '!!' } }, 'bankAccount.accountName'],
      [{ extra: true }, 'extra'],
    ])('400 for %j naming %s, nothing stored', async (override, field) => {
      const before = await count('stalls');
      const res = await t.http.post(`/markets/${A.id}/stalls`).set(bearer(A.key)).send(stallBody(override)).expect(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(await count('stalls')).toBe(before);
    });

    it('PATCH: partial update, bankAccount null removes the QR, null is not a value for required fields', async () => {
      const tmp = await createStall(t, A.key, A.id, { code: 'Z-99', category: 'other' });
      const res = await t.http.patch(`/stalls/${tmp.id}`).set(bearer(A.key)).send({ vendorName: 'Võ Thị Yến', bankAccount: null, vendorPhone: null }).expect(200);
      expect(res.body).toMatchObject({ vendorName: 'Võ Thị Yến', bankAccount: null, qrEnabled: false, qrPayload: null, vendorPhone: null, code: 'Z-99', category: 'other' });
      await t.http.get(`/stalls/${tmp.id}/qr.png`).expect(404);
      await t.http.patch(`/stalls/${tmp.id}`).set(bearer(A.key)).send({ vendorName: null }).expect(400);
      await t.http.patch(`/stalls/${tmp.id}`).set(bearer(A.key)).send({ marketId: B.id }).expect(400);
      // Z-99 is only a scratch stall: move it out of the figures below.
      await t.db.query(`UPDATE stalls SET market_id = $1 WHERE id = $2`, [C.id, tmp.id]);
    });

    it('lists a market\'s stalls by code with filters and pagination', async () => {
      const all: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: { items: Array<{ code: string }>; nextCursor: string | null } } = await t.http
          .get(`/markets/${A.id}/stalls`)
          .set(bearer(A.key))
          .query(cursor ? { limit: 2, cursor } : { limit: 2 })
          .expect(200);
        all.push(...res.body.items.map((x) => x.code));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(all).toEqual(['A-01', 'A-02', 'B-01', 'B-02']);
      const codes = async (query: Record<string, string>) =>
        (await t.http.get(`/markets/${A.id}/stalls`).set(bearer(t.adminKey)).query(query).expect(200)).body.items.map((x: { code: string }) => x.code);
      expect(await codes({ qrEnabled: 'false' })).toEqual(['B-01']);
      expect(await codes({ qrEnabled: 'true', category: 'meat_fish' })).toEqual(['A-02']);
      expect(await codes({ codePrefix: 'b-' })).toEqual(['B-01', 'B-02']);
      await t.http.get(`/markets/${A.id}/stalls`).set(bearer(A.key)).query({ qrEnabled: 'yes' }).expect(400);
      await t.http.get(`/markets/${A.id}/stalls`).set(bearer(A.key)).query({ status: 'closed' }).expect(400);
    });

    it('serves the static stall QR publicly as PNG (decodes to the payload) and SVG, with ETag/304', async () => {
      const png = await t.http.get(`/stalls/${s['A-01'].id}/qr.png`).buffer(true).expect(200);
      expect(png.headers['content-type']).toBe('image/png');
      const img = PNG.sync.read(png.body as Buffer);
      expect(jsQR(new Uint8ClampedArray(img.data), img.width, img.height)?.data).toBe(encodeVietQr({ bankBin: '970436', accountNumber: '1023456789' }));
      await t.http.get(`/stalls/${s['A-01'].id}/qr.png`).set('If-None-Match', png.headers.etag).expect(304);
      const svg = await t.http.get(`/stalls/${s['A-01'].id}/qr.svg`).expect(200);
      expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
      await t.http.get(`/stalls/${s['B-01'].id}/qr.png`).expect(404); // no bank account
      await t.http.get(`/stalls/00000000-0000-4000-8000-000000000000/qr.svg`).expect(404);
      await t.http.get(`/stalls/nope/qr.png`).expect(400);
    });
  });

  describe('import from a printed VietQR', () => {
    const url = () => `/markets/${A.id}/stalls/import-qr`;

    it('registers a stall from a real static VietQR; its own static QR is the same payload', async () => {
      const res = await t.http
        .post(url())
        .set(bearer(A.key))
        .send({ code: 'c-01', payload: REAL_QR.subizStatic, vendorName: 'Lê Văn Tám', category: 'dry_goods', accountName: 'Lê Văn Tám' })
        .expect(201);
      expect(res.body).toMatchObject({
        code: 'C-01',
        vendorPhone: null,
        bankAccount: { bankBin: '970423', bankName: 'TPBank', accountNumber: '0099999999', accountName: 'LE VAN TAM' },
        qrEnabled: true,
        qrPayload: REAL_QR.subizStatic,
      });
      s['C-01'] = res.body;
    });

    it('accepts a dynamic code (tag 62 before 38): only the account is taken', async () => {
      const res = await t.http
        .post(`/markets/${C.id}/stalls/import-qr`)
        .set(bearer(C.key))
        .send({ code: 'G-01', payload: REAL_QR.giautm, vendorName: 'Ngô Văn Sơn', vendorPhone: '0912345678', category: 'services', accountName: 'Ngo Van Son' })
        .expect(201);
      expect(res.body.bankAccount).toEqual({ bankBin: '970415', bankName: 'VietinBank', accountNumber: '113366668888', accountName: 'NGO VAN SON' });
      expect(res.body.qrPayload).toBe(encodeVietQr({ bankBin: '970415', accountNumber: '113366668888' }));
    });

    it.each([
      ['a corrupted CRC', { payload: REAL_QR.subizStatic.slice(0, -1) + '5', accountName: 'A B' }, 'payload', 'CRC mismatch: expected CBB4, found CBB5'],
      ['a CRC published wrong', { payload: REAL_QR.wrongCrc, accountName: 'A B' }, 'payload', 'CRC mismatch: expected 7F44, found F6B3'],
      ['a truncated payload', { payload: REAL_QR.subizStatic.slice(0, 40), accountName: 'A B' }, 'payload', /./],
      ['no tag 59 and no accountName', { payload: REAL_QR.subizDynamic }, 'accountName', 'is required: this payload carries no merchant name (tag 59)'],
      ['a card-number code (QRIBFTTC)', { payload: REAL_QR.napasCard, accountName: 'A B' }, 'payload', /card number \(service QRIBFTTC\)/],
      ['a merchant code (QRPUSH)', { payload: REAL_QR.qrPush }, 'payload', /QRPUSH code/],
      ['not a VietQR', { payload: 'hello', accountName: 'A B' }, 'payload', /./],
    ])('400 for %s naming %s, nothing stored', async (_name, body, field, problem) => {
      const before = await count('stalls');
      const res = await t.http
        .post(url())
        .set(bearer(A.key))
        .send({ code: 'X-1', vendorName: 'Lê Văn Tám', category: 'dry_goods', ...body })
        .expect(400);
      expect(res.body.details).toHaveLength(1);
      expect(res.body.details[0].field).toBe(field);
      if (typeof problem === 'string') expect(res.body.details[0].problem).toBe(problem);
      else expect(res.body.details[0].problem).toMatch(problem);
      expect(await count('stalls')).toBe(before);
    });

    it('409 when the printed account is already a stall\'s', async () => {
      const res = await t.http
        .post(url())
        .set(bearer(A.key))
        .send({ code: 'X-2', payload: REAL_QR.subizStatic, vendorName: 'Lê Văn Tám', category: 'dry_goods', accountName: 'Le Van Tam' })
        .expect(409);
      expect(res.body).toMatchObject({ code: 'duplicate_stall_account', details: [{ field: 'payload' }] });
    });
  });

  describe('transactions', () => {
    const known: Array<[string, string, number, string]> = [
      ['A-01', 'qr', 45_000, '2026-03-01T01:00:00Z'],
      ['A-01', 'cash', 20_000, '2026-03-01T02:00:00Z'],
      ['A-02', 'card', 150_000, '2026-03-01T16:30:00Z'],
      ['B-01', 'cash', 35_000, '2026-03-01T17:00:00Z'],
      ['A-02', 'qr', 120_000, '2026-03-02T03:00:00Z'],
      ['B-01', 'cash', 15_000, '2026-03-02T04:00:00Z'],
      ['B-02', 'qr', 30_000, '2026-03-03T02:00:00Z'],
      ['A-01', 'qr', 60_000, '2026-03-09T05:00:00Z'],
      ['C-01', 'qr', 80_000, '2026-03-09T06:00:00Z'],
      ['A-01', 'cash', 10_000, '2026-03-09T07:00:00Z'],
      ['A-02', 'cash', 50_000, '2026-02-27T10:00:00Z'],
    ];

    beforeAll(async () => {
      for (const [code, method, amountVnd, occurredAt] of known) {
        await recordTxn(t, A.key, A.id, { stallId: s[code].id, method, amountVnd, occurredAt });
      }
      // Market B: one qr and one cash sale of 100,000 on 2026-03-05.
      await recordTxn(t, B.key, B.id, { stallId: bStall.id, method: 'qr', amountVnd: 100_000, occurredAt: '2026-03-05T03:00:00+07:00' });
      await recordTxn(t, t.adminKey, B.id, { stallId: bStall.id, method: 'cash', amountVnd: 100_000, occurredAt: '2026-03-05T04:00:00+07:00' });
    });

    it('records a sale and counts it on its Vietnam day (the time-zone boundary)', async () => {
      const res = await t.http.get(`/markets/${A.id}/transactions`).set(bearer(A.key)).query({ from: '2026-03-01', to: '2026-03-02' }).expect(200);
      const byTime = Object.fromEntries(res.body.items.map((x: { occurredAt: string; businessDay: string }) => [x.occurredAt, x.businessDay]));
      expect(byTime['2026-03-01T16:30:00.000Z']).toBe('2026-03-01');
      expect(byTime['2026-03-01T17:00:00.000Z']).toBe('2026-03-02');
      expect(res.body.items).toHaveLength(6);
      const rollup = await t.db.query(
        `SELECT r.day::text, s.code, r.qr_count, r.card_count, r.cash_count FROM stall_daily_rollups r JOIN stalls s ON s.id = r.stall_id
         WHERE r.stall_id = ANY($1) AND r.day IN ('2026-03-01','2026-03-02') ORDER BY r.day, s.code`,
        [[s['A-02'].id, s['B-01'].id]],
      );
      expect(rollup.rows).toEqual([
        { day: '2026-03-01', code: 'A-02', qr_count: 0, card_count: 1, cash_count: 0 },
        { day: '2026-03-02', code: 'A-02', qr_count: 1, card_count: 0, cash_count: 0 },
        { day: '2026-03-02', code: 'B-01', qr_count: 0, card_count: 0, cash_count: 2 },
      ]);
    });

    it('lists transactions newest first with pagination and filters', async () => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await t.http
          .get(`/markets/${A.id}/transactions`)
          .set(bearer(A.key))
          .query(cursor ? { limit: 4, cursor } : { limit: 4 })
          .expect(200);
        ids.push(...res.body.items.map((x) => x.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(new Set(ids).size).toBe(known.length);
      const cash = await t.http.get(`/markets/${A.id}/transactions`).set(bearer(A.key)).query({ method: 'cash', stallId: s['B-01'].id }).expect(200);
      expect(cash.body.items.map((x: { amountVnd: number }) => x.amountVnd)).toEqual([15_000, 35_000]);
    });

    it.each([
      [{ amountVnd: 0 }, 'amountVnd'],
      [{ amountVnd: 12.5 }, 'amountVnd'],
      [{ amountVnd: '45000' }, 'amountVnd'],
      [{ method: 'bitcoin' }, 'method'],
      [{ occurredAt: '2026-03-01 08:00' }, 'occurredAt'],
      [{ occurredAt: '2026-03-01T08:00:00' }, 'occurredAt'], // no zone
      [{ occurredAt: '2026-03-20T03:10:00Z' }, 'occurredAt'], // 10 minutes ahead of the clock
      [{ stallId: 'abc' }, 'stallId'],
    ])('400 for %j naming %s, nothing stored', async (override, field) => {
      const before = await count('stall_transactions');
      const res = await t.http
        .post(`/markets/${A.id}/transactions`)
        .set(bearer(A.key))
        .send({ stallId: s['A-01'].id, amountVnd: 10_000, method: 'qr', occurredAt: '2026-03-01T01:00:00Z', ...override })
        .expect(400);
      expect([...new Set(res.body.details.map((d: { field: string }) => d.field))]).toEqual([field]);
      expect(await count('stall_transactions')).toBe(before);
    });

    it('400 for a stall of another market; 403 for another manager\'s market', async () => {
      const body = { stallId: bStall.id, amountVnd: 10_000, method: 'qr', occurredAt: '2026-03-01T01:00:00Z' };
      const res = await t.http.post(`/markets/${A.id}/transactions`).set(bearer(A.key)).send(body).expect(400);
      expect(res.body.details).toEqual([{ field: 'stallId', problem: 'is not a stall of this market' }]);
      await t.http.post(`/markets/${B.id}/transactions`).set(bearer(A.key)).send(body).expect(403);
    });

    it('tolerates 5 minutes of clock skew; honours Idempotency-Key', async () => {
      const body = { stallId: bStall.id, amountVnd: 7_000, method: 'cash', occurredAt: '2026-03-20T03:04:00Z' };
      const first = await t.http.post(`/markets/${B.id}/transactions`).set(bearer(B.key)).set('Idempotency-Key', 'k-1').send(body).expect(201);
      const again = await t.http.post(`/markets/${B.id}/transactions`).set(bearer(B.key)).set('Idempotency-Key', 'k-1').send(body).expect(201);
      expect(again.body).toEqual(first.body);
      expect(first.body).toMatchObject({ amountVnd: 7_000, method: 'cash', businessDay: '2026-03-20', source: 'api' });
      await t.http.post(`/markets/${B.id}/transactions`).set(bearer(B.key)).set('Idempotency-Key', 'k-1').send({ ...body, amountVnd: 8_000 }).expect(409);
      expect((await t.db.query(`SELECT count(*)::int AS n FROM stall_transactions WHERE amount_vnd IN (7000, 8000)`)).rows[0].n).toBe(1);
    });

    it('bank credits: findStallsByAccounts, and recordStallCredit once per bank transaction id', async () => {
      const payments = t.app.get(StallPaymentsService);
      const ds = t.app.get(DataSource);
      const found = await ds.transaction((m) => payments.findStallsByAccounts(m, ['1023456789', '0099999999', '000', '5555555555']));
      expect(found).toEqual([
        { stallId: s['C-01'].id, marketId: A.id, accountNumber: '0099999999', bankBin: '970423' },
        { stallId: s['A-01'].id, marketId: A.id, accountNumber: '1023456789', bankBin: '970436' },
      ]);
      const credit = { stallId: s['A-01'].id, amountVnd: 25_000, occurredAt: new Date('2026-03-10T02:00:00Z'), bankTransactionId: 'FT26069000001' };
      // The reconciliation module reaches the same service through its port.
      const port = t.app.get<StallCreditPort>(STALL_CREDIT_PORT);
      expect(await ds.transaction((m) => port.recordStallCredit(m, credit))).toBe(true);
      expect(await ds.transaction((m) => payments.recordStallCredit(m, credit))).toBe(false);
      const rows = await t.db.query(`SELECT method, amount_vnd::int, source FROM stall_transactions WHERE bank_transaction_id IS NOT NULL`);
      expect(rows.rows).toEqual([{ method: 'qr', amount_vnd: 25_000, source: 'bank' }]);
      await expect(ds.transaction((m) => payments.recordStallCredit(m, { ...credit, bankTransactionId: 'X', amountVnd: 0 }))).rejects.toThrow(/amountVnd/);
      await expect(ds.transaction((m) => payments.recordStallCredit(m, { ...credit, bankTransactionId: 'Y', stallId: '00000000-0000-4000-8000-000000000000' }))).rejects.toThrow(/not found/);
    });

    it('keeps every rollup equal to the raw transactions', async () => {
      const { raw, rollups } = await rollupConsistency(t);
      expect(rollups).toEqual(raw);
    });
  });

  describe('statistics', () => {
    beforeAll(async () => {
      // B-02 closes after its sale on 03-03: its money still counts, the stall no longer does.
      await t.http.patch(`/stalls/${s['B-02'].id}`).set(bearer(A.key)).send({ status: 'inactive' }).expect(200);
    });

    const stats = (id: string, query: Record<string, string>, key = A.key) => t.http.get(`/markets/${id}/stats`).set(bearer(key)).query(query);
    const fig = (
      qr: [number, number],
      card: [number, number],
      cash: [number, number],
      shareByCount: number | null,
      shareByValue: number | null,
    ) => ({
      qrCount: qr[0],
      qrValueVnd: qr[1],
      cardCount: card[0],
      cardValueVnd: card[1],
      cashCount: cash[0],
      cashValueVnd: cash[1],
      cashlessCount: qr[0] + card[0],
      cashlessValueVnd: qr[1] + card[1],
      transactionCount: qr[0] + card[0] + cash[0],
      valueVnd: qr[1] + card[1] + cash[1],
      cashlessShareByCount: shareByCount,
      cashlessShareByValue: shareByValue,
    });
    const stallCounts = (total: number, inactive: number, qrEnabled: number, qrEnabledShare: number | null, active: number, activeShare: number | null) => ({
      total,
      inactive,
      qrEnabled,
      qrEnabledShare,
      active,
      activeShare,
    });

    it('gives exact figures for 2026-03-01 … 2026-03-15 by day', async () => {
      const res = await stats(A.id, { from: '2026-03-01', to: '2026-03-15' }).expect(200);
      const b = res.body;
      expect(b).toMatchObject({ marketId: A.id, from: '2026-03-01', to: '2026-03-15', granularity: 'day', timeZone: 'Asia/Ho_Chi_Minh' });
      expect(b.stalls).toEqual(stallCounts(4, 1, 3, 0.75, 3, 0.75));
      // qr 45+120+30+60+80+25, card 150, cash 20+35+15+10 (thousand VND)
      expect(b.totals).toEqual(fig([6, 360_000], [1, 150_000], [4, 80_000], 0.6364, 0.8644));
      expect(b.series).toHaveLength(15);
      const day = (d: string) => b.series.find((p: { period: string }) => p.period === d);
      expect(day('2026-03-01')).toEqual({ period: '2026-03-01', from: '2026-03-01', to: '2026-03-01', ...fig([1, 45_000], [1, 150_000], [1, 20_000], 0.6667, 0.907) });
      expect(day('2026-03-02')).toEqual({ period: '2026-03-02', from: '2026-03-02', to: '2026-03-02', ...fig([1, 120_000], [0, 0], [2, 50_000], 0.3333, 0.7059) });
      expect(day('2026-03-03')).toMatchObject(fig([1, 30_000], [0, 0], [0, 0], 1, 1));
      expect(day('2026-03-09')).toMatchObject(fig([2, 140_000], [0, 0], [1, 10_000], 0.6667, 0.9333));
      expect(day('2026-03-10')).toMatchObject(fig([1, 25_000], [0, 0], [0, 0], 1, 1));
      expect(day('2026-03-04')).toMatchObject(fig([0, 0], [0, 0], [0, 0], null, null));
      expect(b.topStalls.map((x: { code: string; cashlessValueVnd: number }) => [x.code, x.cashlessValueVnd])).toEqual([
        ['A-02', 270_000],
        ['A-01', 130_000],
        ['C-01', 80_000],
        ['B-02', 30_000],
      ]);
      expect(b.topStalls[1]).toEqual({
        stallId: s['A-01'].id,
        code: 'A-01',
        vendorName: 'Nguyễn Thị Hoa',
        category: 'fresh_produce',
        categoryLabel: 'Rau củ quả tươi',
        qrEnabled: true,
        status: 'active',
        ...fig([3, 130_000], [0, 0], [2, 30_000], 0.6, 0.8125),
      });
      const cat = Object.fromEntries(b.byCategory.map((c: { category: string }) => [c.category, c]));
      expect(Object.keys(cat)).toEqual(['fresh_produce', 'meat_fish', 'dry_goods', 'prepared_food', 'clothing_textiles', 'household', 'services', 'other']);
      expect(cat.fresh_produce).toEqual({ category: 'fresh_produce', label: 'Rau củ quả tươi', stalls: stallCounts(1, 0, 1, 1, 1, 1), ...fig([3, 130_000], [0, 0], [2, 30_000], 0.6, 0.8125) });
      expect(cat.meat_fish).toMatchObject({ stalls: stallCounts(1, 0, 1, 1, 1, 1), ...fig([1, 120_000], [1, 150_000], [0, 0], 1, 1) });
      expect(cat.prepared_food).toMatchObject({ stalls: stallCounts(1, 0, 0, 0, 0, 0), ...fig([0, 0], [0, 0], [2, 50_000], 0, 0) });
      expect(cat.clothing_textiles).toMatchObject({ stalls: stallCounts(0, 1, 0, null, 0, null), ...fig([1, 30_000], [0, 0], [0, 0], 1, 1) });
      expect(cat.dry_goods).toMatchObject({ stalls: stallCounts(1, 0, 1, 1, 1, 1), ...fig([1, 80_000], [0, 0], [0, 0], 1, 1) });
      expect(cat.household).toMatchObject({ stalls: stallCounts(0, 0, 0, null, 0, null), ...fig([0, 0], [0, 0], [0, 0], null, null) });
    });

    it('buckets ISO weeks (Monday–Sunday), clipped to the period', async () => {
      const res = await stats(A.id, { from: '2026-03-01', to: '2026-03-15', granularity: 'week' }).expect(200);
      expect(res.body.series).toEqual([
        { period: '2026-W09', from: '2026-03-01', to: '2026-03-01', ...fig([1, 45_000], [1, 150_000], [1, 20_000], 0.6667, 0.907) },
        { period: '2026-W10', from: '2026-03-02', to: '2026-03-08', ...fig([2, 150_000], [0, 0], [2, 50_000], 0.5, 0.75) },
        { period: '2026-W11', from: '2026-03-09', to: '2026-03-15', ...fig([3, 165_000], [0, 0], [1, 10_000], 0.75, 0.9429) },
      ]);
    });

    it('reads whole months from the monthly rollups (February and March)', async () => {
      const res = await stats(A.id, { from: '2026-02-01', to: '2026-03-31', granularity: 'month' }).expect(200);
      expect(res.body.totals).toEqual(fig([6, 360_000], [1, 150_000], [5, 130_000], 0.5833, 0.7969));
      expect(res.body.series.map((p: { period: string; transactionCount: number; valueVnd: number; cashlessShareByValue: number | null }) => [p.period, p.transactionCount, p.valueVnd, p.cashlessShareByValue])).toEqual([
        ['2026-02', 1, 50_000, 0],
        ['2026-03', 11, 590_000, 0.8644],
      ]);
      // cashless 270,000 of 320,000 = 0.84375 → 0.8438 (half-up)
      expect(res.body.topStalls[0]).toMatchObject({ code: 'A-02', ...fig([1, 120_000], [1, 150_000], [1, 50_000], 0.6667, 0.8438) });
    });

    it('mixes a whole month (monthly rollup) and a partial one (daily rollup)', async () => {
      const res = await stats(A.id, { from: '2026-02-01', to: '2026-03-09' }).expect(200);
      expect(res.body.totals).toEqual(fig([5, 335_000], [1, 150_000], [5, 130_000], 0.5455, 0.7886));
      expect(res.body.topStalls.map((x: { code: string; cashlessValueVnd: number; cashlessShareByValue: number }) => [x.code, x.cashlessValueVnd, x.cashlessShareByValue])).toEqual([
        ['A-02', 270_000, 0.8438],
        ['A-01', 105_000, 0.7778],
        ['C-01', 80_000, 1],
        ['B-02', 30_000, 1],
      ]);
      expect(res.body.stalls).toEqual(stallCounts(4, 1, 3, 0.75, 3, 0.75));
    });

    it('reads a mostly-covered month as the whole month minus the days outside the period', async () => {
      // 2026-03-03 … 2026-03-31: March minus 03-01 and 03-02 (2 daily rows instead of 29 days).
      const res = await stats(A.id, { from: '2026-03-03', to: '2026-03-31' }).expect(200);
      expect(res.body.totals).toEqual(fig([4, 195_000], [0, 0], [1, 10_000], 0.8, 0.9512));
      expect(res.body.topStalls.map((x: { code: string; cashlessValueVnd: number }) => [x.code, x.cashlessValueVnd])).toEqual([
        ['A-01', 85_000],
        ['C-01', 80_000],
        ['B-02', 30_000],
      ]);
      expect(res.body.stalls).toEqual(stallCounts(4, 1, 3, 0.75, 2, 0.5));
      const cat = Object.fromEntries(res.body.byCategory.map((c: { category: string }) => [c.category, c]));
      expect(cat.meat_fish).toMatchObject(fig([0, 0], [0, 0], [0, 0], null, null));
      const ranking = await t.http.get('/markets/stats').set(bearer(t.adminKey)).query({ provinceCode: '66', from: '2026-03-03', to: '2026-03-31' }).expect(200);
      expect(ranking.body.items.map((i: { marketId: string; rank: number; stalls: { active: number }; cashlessShareByCount: number; cashlessShareByValue: number }) => [i.marketId, i.rank, i.stalls.active, i.cashlessShareByCount, i.cashlessShareByValue])).toEqual([
        [A.id, 1, 2, 0.8, 0.9512],
        [B.id, 2, 1, 0.3333, 0.4831], // B also has the 7,000 cash sale of 03-20
      ]);
    });

    it('puts 23:30 Vietnam time (16:30Z) on that day and 00:00 (17:00Z) on the next', async () => {
      const d1 = await stats(A.id, { from: '2026-03-01', to: '2026-03-01' }).expect(200);
      expect(d1.body.totals).toEqual(fig([1, 45_000], [1, 150_000], [1, 20_000], 0.6667, 0.907));
      const d2 = await stats(A.id, { from: '2026-03-02', to: '2026-03-02' }).expect(200);
      expect(d2.body.totals).toEqual(fig([1, 120_000], [0, 0], [2, 50_000], 0.3333, 0.7059));
    });

    it('defaults to the 30 days ending today (Vietnam)', async () => {
      const res = await stats(A.id, {}).expect(200);
      expect([res.body.from, res.body.to]).toEqual(['2026-02-19', '2026-03-20']);
      expect(res.body.totals.transactionCount).toBe(12);
    });

    it('exports CSV with Accept: text/csv', async () => {
      const res = await stats(A.id, { from: '2026-03-01', to: '2026-03-15', granularity: 'week' }).set('Accept', 'text/csv').expect(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe('attachment; filename="market-stats-2026-03-01-2026-03-15-week.csv"');
      expect(res.text.charCodeAt(0)).toBe(0xfeff);
      expect(res.text.slice(1)).toBe(
        'period,from,to,transaction_count,value_vnd,qr_count,qr_value_vnd,card_count,card_value_vnd,cash_count,cash_value_vnd,cashless_count,cashless_value_vnd,cashless_share_by_count,cashless_share_by_value\r\n' +
          '2026-W09,2026-03-01,2026-03-01,3,215000,1,45000,1,150000,1,20000,2,195000,0.6667,0.907\r\n' +
          '2026-W10,2026-03-02,2026-03-08,4,200000,2,150000,0,0,2,50000,2,150000,0.5,0.75\r\n' +
          '2026-W11,2026-03-09,2026-03-15,4,175000,3,165000,0,0,1,10000,3,165000,0.75,0.9429\r\n',
      );
      const stallsCsv = await stats(A.id, { from: '2026-03-01', to: '2026-03-15', section: 'stalls' }).set('Accept', 'text/csv').expect(200);
      const lines = stallsCsv.text.trim().split('\r\n');
      expect(lines).toHaveLength(1 + 5);
      expect(lines[1]).toBe(`${s['A-01'].id},A-01,Nguyễn Thị Hoa,fresh_produce,true,active,5,160000,3,130000,0,0,2,30000,3,130000,0.6,0.8125`);
    });

    it.each([
      [{ from: '2026-02-30' }, 'from'],
      [{ from: '2026-03-10', to: '2026-03-01' }, 'from'],
      [{ from: '2020-01-01', to: '2026-03-01' }, 'to'],
      [{ granularity: 'year' }, 'granularity'],
      [{ section: 'x' }, 'section'],
    ])('400 for %j naming %s', async (query, field) => {
      const res = await stats(A.id, query as Record<string, string>).expect(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toEqual([field]);
    });

    it('ranks the markets of a province by cashless share', async () => {
      const res = await t.http.get('/markets/stats').set(bearer(t.adminKey)).query({ provinceCode: '66', from: '2026-03-01', to: '2026-03-15' }).expect(200);
      expect(res.body).toMatchObject({ provinceCode: '66', provinceName: 'Tỉnh Đắk Lắk', from: '2026-03-01', to: '2026-03-15' });
      expect(res.body.items).toEqual([
        {
          rank: 1,
          marketId: A.id,
          name: 'Chợ 4.0 Trung tâm Buôn Ma Thuột',
          provinceCode: '66',
          communeCode: '24133',
          stalls: stallCounts(4, 1, 3, 0.75, 3, 0.75),
          ...fig([6, 360_000], [1, 150_000], [4, 80_000], 0.6364, 0.8644),
        },
        {
          rank: 2,
          marketId: B.id,
          name: 'Chợ 4.0 Ea Kao',
          provinceCode: '66',
          communeCode: '24169',
          stalls: stallCounts(1, 0, 1, 1, 1, 1),
          ...fig([1, 100_000], [0, 0], [1, 100_000], 0.5, 0.5),
        },
      ]);
      const all = await t.http.get('/markets/stats').set(bearer(t.adminKey)).query({ from: '2026-03-01', to: '2026-03-15' }).expect(200);
      expect(all.body.items.map((i: { marketId: string; rank: number; cashlessShareByValue: number | null }) => [i.marketId, i.rank, i.cashlessShareByValue])).toEqual([
        [A.id, 1, 0.8644],
        [B.id, 2, 0.5],
        [C.id, 3, null],
      ]);
      const csv = await t.http.get('/markets/stats').set(bearer(t.adminKey)).set('Accept', 'text/csv').query({ provinceCode: '66', from: '2026-03-01', to: '2026-03-15' }).expect(200);
      expect(csv.text.split('\r\n')[1]).toBe(`1,${A.id},Chợ 4.0 Trung tâm Buôn Ma Thuột,66,24133,4,3,0.75,3,11,590000,6,360000,1,150000,4,80000,7,510000,0.6364,0.8644`);
      await t.http.get('/markets/stats').set(bearer(t.adminKey)).query({ provinceCode: '99' }).expect(400);
    });

    it('counts a ranking\'s active stalls from the activity sets exactly as the market\'s own stats count them, for periods of every shape', async () => {
      const periods: Array<[string, string, number]> = [
        ['2026-03-01', '2026-03-15', 3], // days of one month
        ['2026-03-02', '2026-03-02', 1], // one day: A-02's qr
        ['2026-03-03', '2026-03-08', 0], // only B-02 sold, and it has closed since
        ['2026-03-10', '2026-03-31', 1], // A-01's bank credit on 03-10
        ['2026-01-01', '2026-02-28', 0], // only A-02's cash sale on 02-27
        ['2026-02-01', '2026-03-31', 3], // whole months
        ['2026-02-15', '2026-04-10', 3], // partial, whole, partial
        ['2025-03-21', '2026-03-20', 3], // a year
      ];
      for (const [from, to, active] of periods) {
        const ranking = await t.http.get('/markets/stats').set(bearer(t.adminKey)).query({ provinceCode: '66', from, to }).expect(200);
        for (const m of [A, B]) {
          const own = (await stats(m.id, { from, to }, t.adminKey).expect(200)).body.stalls;
          const item = ranking.body.items.find((i: { marketId: string }) => i.marketId === m.id);
          expect([from, to, m.id, item.stalls]).toEqual([from, to, m.id, own]);
        }
        expect([from, to, ranking.body.items.find((i: { marketId: string }) => i.marketId === A.id).stalls.active]).toEqual([from, to, active]);
      }
    });

    it('shows a manager only their markets in the ranking', async () => {
      const mine = await t.http.get('/markets/stats').set(bearer(A.key)).query({ provinceCode: '66', from: '2026-03-01', to: '2026-03-15' }).expect(200);
      expect(mine.body.items.map((i: { marketId: string }) => i.marketId)).toEqual([A.id]);
      const elsewhere = await t.http.get('/markets/stats').set(bearer(A.key)).query({ provinceCode: '79' }).expect(200);
      expect(elsewhere.body.items).toEqual([]);
      await t.http.get('/markets/stats').expect(401);
    });

    it('never reads stall_transactions for statistics (a vanished transaction leaves the figures unchanged)', async () => {
      const before = (await stats(A.id, { from: '2026-03-01', to: '2026-03-15' }).expect(200)).body;
      await t.db.query('ALTER TABLE stall_transactions RENAME TO stall_transactions_hidden');
      try {
        const during = (await stats(A.id, { from: '2026-03-01', to: '2026-03-15' }).expect(200)).body;
        expect(during).toEqual(before);
        await t.http.get('/markets/stats').set(bearer(t.adminKey)).query({ from: '2026-02-01', to: '2026-03-31' }).expect(200);
      } finally {
        await t.db.query('ALTER TABLE stall_transactions_hidden RENAME TO stall_transactions');
      }
    });
  });

  describe('QR cards (PDF)', () => {
    it('prints a card per active QR-enabled stall; the PDF parses and its QR codes decode', async () => {
      const res = await t.http
        .get(`/markets/${A.id}/qr-cards.pdf`)
        .set(bearer(A.key))
        .buffer(true)
        .parse(binaryBody)
        .expect(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toMatch(/^inline; filename="the-qr-cho-4-0-trung-tam-buon-ma-thuot\.pdf"; filename\*=UTF-8''/);
      const pdf = res.body as Buffer;
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.subarray(-6).toString('latin1')).toMatch(/%%EOF/);
      expect(pdfPageCount(pdf)).toBe(1); // C-01 (B-01 has no account, B-02 is inactive)
      const text = pdf.toString('latin1');
      expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans\b/); // embedded subset with Vietnamese glyphs
      expect(text).toMatch(/\/FontFile2/);
      expect(pdfQrPayloads(pdf)).toEqual([s['A-01'].qrPayload, s['A-02'].qrPayload, REAL_QR.subizStatic]);
    });

    it('prints only the stalls of stallIds (comma-separated or repeated), inactive ones too, in code order', async () => {
      const pdf = async (query: string) => (await t.http.get(`/markets/${A.id}/qr-cards.pdf?${query}`).set(bearer(A.key)).buffer(true).parse(binaryBody).expect(200)).body as Buffer;
      const b02 = (await t.http.get(`/stalls/${s['B-02'].id}`).set(bearer(A.key)).expect(200)).body;
      expect(b02.status).toBe('inactive');
      expect(pdfQrPayloads(await pdf(`stallIds=${s['C-01'].id},${s['A-02'].id}`))).toEqual([s['A-02'].qrPayload, REAL_QR.subizStatic]);
      expect(pdfQrPayloads(await pdf(`stallIds=${s['B-02'].id}&stallIds=${s['A-01'].id.toUpperCase()}`))).toEqual([s['A-01'].qrPayload, b02.qrPayload]);
    });

    it('refuses stallIds that are not ids, not of this market, or without a bank account, naming them', async () => {
      const other = await createStall(t, B.key, B.id, { code: 'Z-01' });
      const bad = async (query: string) => (await t.http.get(`/markets/${A.id}/qr-cards.pdf?${query}`).set(bearer(A.key)).expect(400)).body;
      expect((await bad('stallIds=abc')).details).toEqual([{ field: 'stallIds', problem: 'stallIds must hold stall ids (UUIDs)' }]);
      expect((await bad(`stallIds=${s['A-01'].id},${other.id}`)).details).toEqual([{ field: 'stallIds', problem: `not stalls of this market: ${other.id}` }]);
      expect((await bad(`stallIds=${s['B-01'].id}`)).details).toEqual([{ field: 'stallIds', problem: 'these stalls have no bank account, so no QR code to print: B-01' }]);
      const many = Array.from({ length: 201 }, () => s['A-01'].id).join(',');
      expect((await bad(`stallIds=${many}`)).details[0]).toEqual({ field: 'stallIds', problem: 'stallIds must name at most 200 stalls' });
    });
  });

  it('documents every markets route in the OpenAPI document', async () => {
    const doc = (await t.http.get('/docs-json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /markets',
        'GET /markets',
        'GET /markets/stats',
        'GET /markets/{id}',
        'PATCH /markets/{id}',
        'POST /markets/{id}/api-keys',
        'GET /markets/{id}/stats',
        'GET /markets/{id}/qr-cards.pdf',
        'POST /markets/{id}/stalls',
        'POST /markets/{id}/stalls/import-qr',
        'GET /markets/{id}/stalls',
        'GET /stalls/{id}',
        'PATCH /stalls/{id}',
        'GET /stalls/{id}/qr.png',
        'GET /stalls/{id}/qr.svg',
        'POST /markets/{id}/transactions',
        'POST /markets/{id}/transactions/batch',
        'GET /markets/{id}/transactions',
      ]),
    );
  });

  describe('who may do what', () => {
    it('anonymous: 401 on every manager route; public routes stay public', async () => {
      const stallId = s['A-01'].id;
      const routes: Array<[string, string]> = [
        ['post', `/markets/${A.id}/stalls`],
        ['post', `/markets/${A.id}/stalls/import-qr`],
        ['get', `/markets/${A.id}/stalls`],
        ['get', `/stalls/${stallId}`],
        ['patch', `/stalls/${stallId}`],
        ['post', `/markets/${A.id}/transactions`],
        ['post', `/markets/${A.id}/transactions/batch`],
        ['get', `/markets/${A.id}/transactions`],
        ['get', `/markets/${A.id}/stats`],
        ['get', `/markets/${A.id}/qr-cards.pdf`],
        ['post', `/markets/${A.id}/api-keys`],
        ['post', '/markets'],
        ['patch', `/markets/${A.id}`],
      ];
      for (const [method, url] of routes) {
        const res = await (t.http as unknown as Record<string, (u: string) => { send(b: unknown): Promise<{ status: number }> }>)[method](url).send({});
        expect([method, url, res.status]).toEqual([method, url, 401]);
      }
      await t.http.get('/markets').expect(200);
      await t.http.get(`/markets/${A.id}`).expect(200);
      await t.http.get(`/stalls/${stallId}/qr.png`).expect(200);
    });

    it('a manager of A gets 403 on B, its stalls, stats and cards; an admin sees all', async () => {
      const stallId = bStall.id;
      const forbidden: Array<[string, string, unknown]> = [
        ['post', `/markets/${B.id}/stalls`, stallBody()],
        ['post', `/markets/${B.id}/stalls/import-qr`, { code: 'Q-9', payload: REAL_QR.giautm, vendorName: 'Lê Văn Tám', category: 'other', accountName: 'A B' }],
        ['get', `/markets/${B.id}/stalls`, undefined],
        ['get', `/stalls/${stallId}`, undefined],
        ['patch', `/stalls/${stallId}`, { vendorName: 'Hacker' }],
        ['post', `/markets/${B.id}/transactions`, { stallId, amountVnd: 1000, method: 'cash', occurredAt: '2026-03-01T00:00:00Z' }],
        ['get', `/markets/${B.id}/transactions`, undefined],
        ['get', `/markets/${B.id}/stats`, undefined],
        ['get', `/markets/${B.id}/qr-cards.pdf`, undefined],
        ['patch', `/markets/${B.id}`, { name: 'Chợ của tôi' }],
      ];
      const before = await count('stall_transactions');
      for (const [method, url, body] of forbidden) {
        const req = (t.http as unknown as Record<string, (u: string) => { set(h: Record<string, string>): { send(b: unknown): Promise<{ status: number }> } }>)[method](url).set(bearer(A.key));
        const res = await req.send(body);
        expect([method, url, res.status]).toEqual([method, url, 403]);
      }
      expect(await count('stall_transactions')).toBe(before);
      expect((await t.http.get(`/stalls/${stallId}`).set(bearer(t.adminKey)).expect(200)).body.vendorName).toBe("H'Hen Niê");
      await t.http.get(`/markets/${B.id}/stats`).set(bearer(t.adminKey)).expect(200);
      await t.http.get(`/markets/${B.id}/stalls`).set(bearer(t.adminKey)).expect(200);
      await t.http.get(`/markets/${B.id}/qr-cards.pdf`).set(bearer(t.adminKey)).expect(200);
      await t.http.get(`/markets/${B.id}/stats`).set(bearer(B.key)).expect(200);
    });

    it('a cooperative key is not a manager key', async () => {
      const { key } = await createCooperative(t, { bankAccount: { bankBin: '970436', accountNumber: '2023456789', accountName: 'HTX' } });
      await t.http.get(`/markets/${A.id}/stats`).set(bearer(key)).expect(403);
      await t.http.get(`/markets/${A.id}/stalls`).set(bearer(key)).expect(403);
    });
  });
});
