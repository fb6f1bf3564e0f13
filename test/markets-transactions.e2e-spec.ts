import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/clock.js';
import { StallPaymentsService } from '../src/markets/stall-payments.service.js';
import { binaryBody, bearer, createTestApp, type TestApp } from './harness/app.js';
import { createMarket, createStall, type CreatedMarket, recordTxn, rollupConsistency } from './fixtures/markets/markets.js';
import { pdfPageCount, pdfQrPayloads } from './fixtures/markets/pdf.js';

const WEBHOOK_KEY = 'test-bank-webhook-key-markets-0123456789';
const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`./fixtures/markets/${name}`, import.meta.url)));

/** CSV batches (all or nothing, errors by row), concurrency against the rollups, bank-credit races, multi-page cards. */
describe('4.0 markets: batches, concurrency, cards (e2e)', () => {
  const clock = new ManualClock(new Date('2026-03-20T03:00:00Z'));
  let t: TestApp;
  let M: CreatedMarket;
  const k: Record<string, { id: string; code: string; qrPayload: string | null }> = {};

  beforeAll(async () => {
    t = await createTestApp({ clock, env: { BANK_WEBHOOK_API_KEY: WEBHOOK_KEY } });
    M = await createMarket(t, { name: 'Chợ 4.0 Tân Lập', communeCode: '24121', address: 'Phường Tân Lập' });
    k['K-01'] = await createStall(t, M.key, M.id, { code: 'K-01', category: 'fresh_produce' });
    k['K-02'] = await createStall(t, M.key, M.id, { code: 'K-02', category: 'meat_fish' });
    k['K-03'] = await createStall(t, M.key, M.id, { code: 'K-03', category: 'prepared_food', bankAccount: undefined });
  });
  afterAll(() => t.close());

  const txCount = async () => (await t.db.query('SELECT count(*)::int AS n FROM stall_transactions')).rows[0].n as number;
  const upload = (body: Buffer, name = 'giao-dich.csv', key = M.key) =>
    t.http.post(`/markets/${M.id}/transactions/batch`).set(bearer(key)).attach('file', body, { filename: name, contentType: 'text/csv' });

  describe('CSV batch', () => {
    it('records a valid file, on Vietnam days, and answers with what it added', async () => {
      const res = await upload(fixture('transactions-ok.csv')).expect(201);
      expect(res.body).toEqual({
        imported: 8,
        firstDay: '2026-03-01',
        lastDay: '2026-03-09',
        totals: {
          qrCount: 4,
          qrValueVnd: 220_000,
          cardCount: 1,
          cardValueVnd: 150_000,
          cashCount: 3,
          cashValueVnd: 45_000,
          cashlessCount: 5,
          cashlessValueVnd: 370_000,
          transactionCount: 8,
          valueVnd: 415_000,
          cashlessShareByCount: 0.625,
          cashlessShareByValue: 0.8916,
        },
      });
      const rows = await t.db.query(`SELECT source, count(*)::int AS n FROM stall_transactions WHERE market_id = $1 GROUP BY source`, [M.id]);
      expect(rows.rows).toEqual([{ source: 'csv', n: 8 }]);
      // 23:30 and 23:59 local, and 16:59:59Z, are 03-01; 00:00 local is 03-02.
      const day1 = await t.http.get(`/markets/${M.id}/stats`).set(bearer(M.key)).query({ from: '2026-03-01', to: '2026-03-01' }).expect(200);
      expect(day1.body.totals).toMatchObject({ transactionCount: 3, valueVnd: 215_000, cashlessValueVnd: 195_000 });
      const day2 = await t.http.get(`/markets/${M.id}/stats`).set(bearer(M.key)).query({ from: '2026-03-02', to: '2026-03-02' }).expect(200);
      expect(day2.body.totals).toMatchObject({ transactionCount: 2, valueVnd: 50_000 });
    });

    it('rejects the whole file when row 17 is bad, naming it; nothing is stored', async () => {
      const before = await txCount();
      const res = await upload(fixture('transactions-row17.csv')).expect(400);
      expect(res.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        code: 'invalid_input',
        message: '1 problem in 1 row; nothing was recorded',
        details: [{ field: 'row 17.amount_vnd', problem: '"12.5" is not a whole number of VND (digits only, no separators or decimals)' }],
      });
      expect(await txCount()).toBe(before);
    });

    it('names every problem of every row', async () => {
      const before = await txCount();
      const csv = [
        'stall_code,amount_vnd,method,occurred_at',
        'K-01,10000,qr,2026-03-03T08:00:00+07:00',
        'Z-9,10000,qr,2026-03-03T08:00:00+07:00',
        'K-01,-5,gold,2026-03-21T00:00:00+07:00',
      ].join('\n');
      const res = await upload(Buffer.from(csv)).expect(400);
      expect(res.body.details).toEqual([
        { field: 'row 3.stall_code', problem: 'no stall Z-9 in this market' },
        { field: 'row 4.amount_vnd', problem: '"-5" is not a whole number of VND (digits only, no separators or decimals)' },
        { field: 'row 4.method', problem: '"gold" is not one of qr, card, cash' },
        { field: 'row 4.occurred_at', problem: expect.stringMatching(/^is in the future/) },
      ]);
      expect(await txCount()).toBe(before);
    });

    it('400 without a file, with a bad header, or over 50,000 rows; 413 over 8 MB', async () => {
      const none = await t.http.post(`/markets/${M.id}/transactions/batch`).set(bearer(M.key)).expect(400);
      expect(none.body.details).toEqual([{ field: 'file', problem: expect.stringContaining('is required') }]);
      const header = await upload(Buffer.from('code,amount\nK-01,1\n')).expect(400);
      expect(header.body.details[0].field).toBe('row 1');
      const rows = ['stall_code,amount_vnd,method,occurred_at', ...Array.from({ length: 50_001 }, () => 'K-01,1000,cash,2026-03-03T08:00:00Z')].join('\n');
      const many = await upload(Buffer.from(rows)).expect(400);
      expect(many.body.details).toEqual([{ field: 'file', problem: 'has 50001 rows; at most 50000 per batch (split the file)' }]);
      await upload(Buffer.alloc(8 * 1024 * 1024 + 1, 0x41)).expect(413);
      await t.http.post(`/markets/${M.id}/transactions/batch`).set(bearer(M.key)).attach('csv', Buffer.from('x'), 'x.csv').expect(400);
    });

    it('records 50,000 rows in one go, rollups included', async () => {
      const before = await txCount();
      const codes = ['K-01', 'K-02', 'K-03'];
      const lines = ['stall_code,amount_vnd,method,occurred_at'];
      for (let i = 0; i < 50_000; i++) {
        const day = String(10 + (i % 5)).padStart(2, '0');
        const minute = String(i % 60).padStart(2, '0');
        lines.push(`${codes[i % 3]},${1000 * (1 + (i % 97))},${['qr', 'card', 'cash'][i % 3 === 2 ? 2 : i % 2]},2026-02-${day}T${String(i % 24).padStart(2, '0')}:${minute}:00+07:00`);
      }
      const res = await upload(Buffer.from(lines.join('\n'))).expect(201);
      expect(res.body.imported).toBe(50_000);
      expect(await txCount()).toBe(before + 50_000);
      const { raw, rollups } = await rollupConsistency(t, M.id);
      expect(rollups).toEqual(raw);
    });

    it('an Idempotency-Key makes a retried upload harmless', async () => {
      const csv = Buffer.from('stall_code,amount_vnd,method,occurred_at\nK-01,33333,qr,2026-03-04T08:00:00+07:00\n');
      const first = await upload(csv).set('Idempotency-Key', 'upload-1').expect(201);
      const again = await upload(csv).set('Idempotency-Key', 'upload-1').expect(201);
      expect(again.body).toEqual(first.body);
      expect((await t.db.query(`SELECT count(*)::int AS n FROM stall_transactions WHERE amount_vnd = 33333`)).rows[0].n).toBe(1);
      await upload(Buffer.from('stall_code,amount_vnd,method,occurred_at\nK-01,34444,qr,2026-03-04T08:00:00+07:00\n')).set('Idempotency-Key', 'upload-1').expect(409);
    });
  });

  describe('concurrency', () => {
    it('200 concurrent POSTs: every one recorded, rollups equal to the raw sums exactly', async () => {
      const before = await txCount();
      const stalls = [k['K-01'].id, k['K-02'].id, k['K-03'].id];
      const methods = ['qr', 'card', 'cash'];
      // Both sides of the 03-05/03-06 boundary (16:59:59Z vs 17:00:00Z) and two months.
      const times = ['2026-03-05T16:59:59Z', '2026-03-05T17:00:00Z', '2026-02-28T16:59:59Z', '2026-02-28T17:00:00Z'];
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          t.http
            .post(`/markets/${M.id}/transactions`)
            .set(bearer(i % 2 ? M.key : t.adminKey))
            .send({ stallId: stalls[i % 3], amountVnd: 1000 + i, method: methods[i % 3 === 2 ? 2 : (i >> 1) % 2], occurredAt: times[i % 4] }),
        ),
      );
      expect(results.map((r) => r.status).filter((s) => s !== 201)).toEqual([]);
      expect(await txCount()).toBe(before + 200);
      const { raw, rollups } = await rollupConsistency(t);
      expect(rollups).toEqual(raw);
    });

    it('concurrent batches, single POSTs and bank credits on the same rollup rows never deadlock and add up', async () => {
      const before = await txCount();
      const batch = (n: number, amount: number) =>
        Buffer.from(
          ['stall_code,amount_vnd,method,occurred_at', ...Array.from({ length: n }, (_, i) => `${['K-02', 'K-01', 'K-03'][i % 3]},${amount},${i % 2 ? 'qr' : 'cash'},2026-03-06T0${i % 10}:00:00+07:00`)].join('\n'),
        );
      const payments = t.app.get(StallPaymentsService);
      const ds = t.app.get(DataSource);
      const work: Array<Promise<{ status: number } | boolean>> = [];
      for (let i = 0; i < 6; i++) work.push(upload(batch(300, 5000 + i)));
      for (let i = 0; i < 60; i++) {
        work.push(t.http.post(`/markets/${M.id}/transactions`).set(bearer(M.key)).send({ stallId: k[`K-0${(i % 3) + 1}`].id, amountVnd: 9000, method: 'cash', occurredAt: '2026-03-06T02:00:00Z' }));
      }
      for (let i = 0; i < 30; i++) {
        work.push(ds.transaction((m) => payments.recordStallCredit(m, { stallId: k['K-01'].id, amountVnd: 12_000, occurredAt: new Date('2026-03-06T03:00:00Z'), bankTransactionId: `FT-CONC-${i % 10}` })));
      }
      const out = await Promise.all(work);
      const statuses = out.filter((o): o is { status: number } => typeof o === 'object').map((o) => o.status);
      expect(statuses.filter((s) => s !== 201)).toEqual([]);
      expect(out.filter((o) => o === true)).toHaveLength(10); // 10 distinct bank transaction ids, each recorded once
      expect(await txCount()).toBe(before + 6 * 300 + 60 + 10);
      const { raw, rollups } = await rollupConsistency(t);
      expect(rollups).toEqual(raw);
    });
  });

  describe('stall slots (the bit of a stall in the activity sets)', () => {
    it('stalls created concurrently get the market\'s next slots, each once; their cashless sales set their own bits', async () => {
      const market = await createMarket(t, { name: 'Chợ 4.0 Thành Nhất', communeCode: '24121', address: 'Phường Thành Nhất' });
      const created = await Promise.all(Array.from({ length: 70 }, (_, i) => createStall(t, market.key, market.id, { code: `S-${i + 1}`, bankAccount: undefined })));
      const slots = (await t.db.query(`SELECT slot FROM stalls WHERE market_id = $1 ORDER BY slot`, [market.id])).rows.map((r) => r.slot);
      expect(slots).toEqual(Array.from({ length: 70 }, (_, i) => i));
      expect((await t.db.query(`SELECT stall_slots FROM markets WHERE id = $1`, [market.id])).rows[0].stall_slots).toBe(70);
      // Slots 64+ live in the second word; the card sales of three stalls on one day set three bits.
      const bySlot = new Map((await t.db.query(`SELECT id, slot FROM stalls WHERE market_id = $1`, [market.id])).rows.map((r) => [r.slot as number, r.id as string]));
      for (const slot of [0, 63, 64]) {
        await recordTxn(t, market.key, market.id, { stallId: bySlot.get(slot)!, amountVnd: 10_000, method: 'card', occurredAt: '2026-03-07T03:00:00Z' });
      }
      await recordTxn(t, market.key, market.id, { stallId: bySlot.get(1)!, amountVnd: 10_000, method: 'cash', occurredAt: '2026-03-07T03:00:00Z' });
      const words = (await t.db.query(`SELECT word, stalls::text FROM market_daily_activity WHERE market_id = $1 AND day = '2026-03-07' ORDER BY word`, [market.id])).rows;
      expect(words).toEqual([
        { word: 0, stalls: String(1n - 2n ** 63n) }, // bits 0 and 63 (the sign bit)
        { word: 1, stalls: '1' },
      ]);
      expect(created).toHaveLength(70);
      const { raw, rollups } = await rollupConsistency(t, market.id);
      expect(rollups).toEqual(raw);
    });
  });

  describe('QR cards over several pages', () => {
    it('prints four A6 cards per A4 page, in code order, skipping stalls without account and inactive ones', async () => {
      const P = await createMarket(t, { name: 'Chợ 4.0 Thành Nhất', communeCode: '24154', address: 'Phường Thành Nhất' });
      const payloads: string[] = [];
      for (let i = 1; i <= 9; i++) {
        const st = await createStall(t, P.key, P.id, { code: `P-${String(i).padStart(2, '0')}`, vendorName: `Bùi Thị Thu Hà ${i}` });
        payloads.push(st.qrPayload!);
      }
      await createStall(t, P.key, P.id, { code: 'P-10', bankAccount: undefined });
      await createStall(t, P.key, P.id, { code: 'P-11', status: 'inactive' });
      const res = await t.http
        .get(`/markets/${P.id}/qr-cards.pdf`)
        .set(bearer(P.key))
        .buffer(true)
        .parse(binaryBody)
        .expect(200);
      const pdf = res.body as Buffer;
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdfPageCount(pdf)).toBe(3);
      expect(pdfQrPayloads(pdf)).toEqual(payloads);
    });

    it('a market without QR-enabled stalls gets a one-page PDF saying so', async () => {
      const E = await createMarket(t, { name: 'Chợ 4.0 Tân An', communeCode: '24163', address: 'Phường Tân An' });
      const res = await t.http
        .get(`/markets/${E.id}/qr-cards.pdf`)
        .set(bearer(E.key))
        .buffer(true)
        .parse(binaryBody)
        .expect(200);
      expect(pdfPageCount(res.body as Buffer)).toBe(1);
      expect(pdfQrPayloads(res.body as Buffer)).toEqual([]);
    });
  });

  it('a bank credit to a stall account (bank webhook) becomes one qr transaction of the stall, also on redelivery', async () => {
    const account = (await t.db.query('SELECT bank_account_number FROM stalls WHERE id = $1', [k['K-02'].id])).rows[0].bank_account_number as string;
    const notification = {
      id: 'SEPAY-77001',
      gateway: 'Vietcombank',
      transactionDate: '2026-03-19 23:30:00', // Vietnam time: counted on 03-19
      accountNumber: account,
      code: null,
      content: 'NGUYEN VAN A chuyen tien mua thit',
      transferType: 'in',
      transferAmount: 185_000,
      accumulated: 0,
      subAccount: null,
      referenceCode: 'FT26078000777',
      description: '',
    };
    for (let i = 0; i < 2; i++) {
      await t.http.post('/webhooks/bank-transactions').set('Authorization', `Apikey ${WEBHOOK_KEY}`).send(notification).expect(200);
    }
    const rows = await t.db.query(`SELECT stall_id, method, amount_vnd::int, source, occurred_at FROM stall_transactions WHERE source = 'bank' AND amount_vnd = 185000`);
    expect(rows.rows).toEqual([{ stall_id: k['K-02'].id, method: 'qr', amount_vnd: 185_000, source: 'bank', occurred_at: new Date('2026-03-19T16:30:00Z') }]);
    const day = await t.http.get(`/markets/${M.id}/stats`).set(bearer(M.key)).query({ from: '2026-03-19', to: '2026-03-19' }).expect(200);
    expect(day.body.totals).toMatchObject({ qrCount: 1, qrValueVnd: 185_000, transactionCount: 1 });
  });

  it('a manager of another market cannot upload here', async () => {
    const other = await createMarket(t, { name: 'Chợ khác', communeCode: '24169', address: 'Phường Ea Kao' });
    const before = await txCount();
    await upload(fixture('transactions-ok.csv'), 'x.csv', other.key).expect(403);
    await recordTxn(t, other.key, other.id, { stallId: (await createStall(t, other.key, other.id)).id, amountVnd: 1000, method: 'cash', occurredAt: '2026-03-01T00:00:00Z' });
    expect(await txCount()).toBe(before + 1);
  });
});
