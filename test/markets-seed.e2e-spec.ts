import { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/clock.js';
import { DEMO_MARKET, seedMarketsDemo } from '../src/markets/markets.seed.js';
import { bearer, createTestApp, type TestApp } from './harness/app.js';
import { rollupConsistency } from './fixtures/markets/markets.js';

describe('4.0 markets demo seed (e2e)', () => {
  const now = new Date('2026-03-20T03:00:00Z');
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ clock: new ManualClock(now) });
  });
  afterAll(() => t.close());

  it('creates one market with 40 stalls and ~4 months of transactions, once', async () => {
    const [first, second] = [await seedMarketsDemo(t.app, now), await seedMarketsDemo(t.app.get(DataSource), now)];
    expect(first).toMatch(/^markets demo: "Chợ 4\.0 Trung tâm Buôn Ma Thuột" \(.+\) with 40 stalls and \d+ transactions from 2025-11-21 to 2026-03-20$/);
    expect(second).toBeNull();

    const market = (await t.db.query('SELECT id FROM markets WHERE name = $1', [DEMO_MARKET.name])).rows;
    expect(market).toHaveLength(1);
    const id = market[0].id as string;
    const stalls = (await t.db.query(`SELECT count(*)::int AS n, count(bank_account_number)::int AS qr, count(DISTINCT category)::int AS cats FROM stalls WHERE market_id = $1`, [id])).rows[0];
    expect(stalls).toEqual({ n: 40, qr: 34, cats: 8 });
    const tx = (await t.db.query(`SELECT count(*)::int AS n, min(amount_vnd)::int AS lo, max(amount_vnd)::int AS hi, max(occurred_at) AS last FROM stall_transactions WHERE market_id = $1`, [id])).rows[0];
    expect(tx.n).toBeGreaterThan(30_000);
    expect(tx.lo).toBeGreaterThanOrEqual(10_000);
    expect(tx.hi).toBeLessThanOrEqual(500_000);
    expect(new Date(tx.last).getTime()).toBeLessThanOrEqual(now.getTime());

    const { raw, rollups } = await rollupConsistency(t, id);
    expect(rollups).toEqual(raw);

    // The statistics show adoption growing: the last month is more cashless than the first.
    const month = async (from: string, to: string) =>
      (await t.http.get(`/markets/${id}/stats`).set(bearer(t.adminKey)).query({ from, to }).expect(200)).body as {
        totals: { transactionCount: number; cashlessShareByValue: number };
        stalls: { total: number; qrEnabled: number; qrEnabledShare: number };
      };
    const early = await month('2025-11-21', '2025-12-20');
    const late = await month('2026-02-19', '2026-03-20');
    expect(late.totals.cashlessShareByValue).toBeGreaterThan(early.totals.cashlessShareByValue + 0.15);
    expect(late.stalls).toMatchObject({ total: 40, qrEnabled: 34, qrEnabledShare: 0.85 });
    const rawCount = (await t.db.query(
      `SELECT count(*)::int AS n FROM stall_transactions WHERE market_id = $1 AND (occurred_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date BETWEEN '2026-02-19' AND '2026-03-20'`,
      [id],
    )).rows[0].n;
    expect(late.totals.transactionCount).toBe(rawCount);
  });
});
