import { readFileSync } from 'node:fs';
import { bearer, createTestApp, type TestApp } from '../harness/app.js';
import { createMarket, createStall, type CreatedMarket, recordTxn } from '../fixtures/markets/markets.js';
import { type Browser, ensureWebBuild, expectAccessible, expectFitsScreen, launchBrowser, screenshot, serve, text, waitForText, watchProblems } from './browser.js';

/** An instant `days` days before now (minus an hour), so it is in the past and inside the last 30 Vietnam days. */
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000 - 3_600_000).toISOString();

/** Pixels of a canvas that are not transparent (a blank chart has none). */
const PAINTED_PIXELS = (id: string) => `(() => {
  const c = document.getElementById(${JSON.stringify(id)});
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
  return n;
})()`;

/**
 * Market with 3 stalls and 5 transactions, figures by hand:
 *   A-01 fresh_produce (QR)   qr 45,000 · cash 20,000
 *   A-02 meat_fish (QR)       card 150,000 · qr 120,000
 *   B-01 prepared_food (no account) cash 35,000
 * stalls 3, QR-enabled 2 (66,7%), active 2; cashless 3 of 5 transactions (60%),
 * 315,000 of 370,000 ₫ (85,1%); top stalls A-02 (270,000 ₫) then A-01 (45,000 ₫).
 */
describe('market dashboard in Chromium (e2e)', () => {
  let t: TestApp | undefined;
  let browser: Browser | undefined;
  let base: string;
  let market: CreatedMarket;

  beforeAll(async () => {
    ensureWebBuild();
    browser = await launchBrowser();
    t = await createTestApp();
    base = await serve(t);
    market = await createMarket(t);
    const a1 = await createStall(t, market.key, market.id, { code: 'A-01', vendorName: 'Nguyễn Thị Hoa', category: 'fresh_produce' });
    const a2 = await createStall(t, market.key, market.id, { code: 'A-02', vendorName: 'Trần Văn Minh', category: 'meat_fish' });
    const b1 = await createStall(t, market.key, market.id, { code: 'B-01', vendorName: 'Lê Thị Bình', category: 'prepared_food', bankAccount: undefined });
    for (const [stallId, amountVnd, method, days] of [
      [a1.id, 45000, 'qr', 1],
      [a1.id, 20000, 'cash', 1],
      [a2.id, 150000, 'card', 2],
      [b1.id, 35000, 'cash', 2],
      [a2.id, 120000, 'qr', 1],
    ] as const) {
      await recordTxn(t, market.key, market.id, { stallId, amountVnd, method, occurredAt: daysAgo(days) });
    }
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('signs in with a manager key and shows the right totals, both charts, top stalls, stalls, CSV and PDF', async () => {
    const page = await browser!.context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${base}/manage/markets/${market.id}`);
    await waitForText(page, 'h1', 'Chợ 4.0 Trung tâm Buôn Ma Thuột');
    await expectAccessible(page, 'dashboard-sign-in');

    // A wrong key is refused with a message; the right one opens the dashboard.
    await page.fill('#api-key', `ocop_sk_${'x'.repeat(43)}`);
    await page.press('#api-key', 'Enter');
    await waitForText(page, '#api-key-err', 'Khóa không hợp lệ hoặc đã bị thu hồi.');
    await page.fill('#api-key', market.key);
    await page.click('form.sign-in button[type=submit]');
    await waitForText(page, '[data-card="stalls"] .stat-value', '3');

    // The figures the API computes, as the page shows them in vi-VN.
    const stats = (await t!.http.get(`/markets/${market.id}/stats`).set(bearer(market.key)).expect(200)).body;
    expect(stats.totals).toMatchObject({ transactionCount: 5, cashlessCount: 3, valueVnd: 370000, cashlessValueVnd: 315000, cashlessShareByCount: 0.6, cashlessShareByValue: 0.8514 });
    const card = async (key: string) => [await text(page, `[data-card="${key}"] .stat-value`), await text(page, `[data-card="${key}"] .stat-sub`)];
    expect(await card('stalls')).toEqual(['3', 'đang hoạt động']);
    expect(await card('qr-enabled')).toEqual(['66,7%', '2/3 quầy']);
    expect(await card('active')).toEqual(['2', '66,7% số quầy']);
    expect(await card('share-count')).toEqual(['60%', '3/5 giao dịch']);
    expect(await card('share-value')).toEqual(['85,1%', '315.000 ₫ / 370.000 ₫']);
    expect((await card('cashless-value'))[0]).toBe('315.000 ₫');

    // Both charts are drawn (chart.js from the bundle): painted pixels on each canvas.
    await page.waitForSelector('#chart-series[data-rendered="true"]');
    await page.waitForSelector('#chart-categories[data-rendered="true"]');
    expect(await page.evaluate<number>(PAINTED_PIXELS('chart-series'))).toBeGreaterThan(2000);
    expect(await page.evaluate<number>(PAINTED_PIXELS('chart-categories'))).toBeGreaterThan(2000);

    // Top stalls, and the stall list.
    const top = await page.locator('#top-stalls tbody tr').allInnerTexts();
    expect(top).toHaveLength(2);
    expect(top[0].replace(/\s+/g, ' ')).toContain('A-02 Trần Văn Minh Thịt, cá, hải sản 2 270.000 ₫ 100%');
    expect(top[1].replace(/\s+/g, ' ')).toContain('A-01 Nguyễn Thị Hoa Rau củ quả tươi 1 45.000 ₫ 69,2%');
    const stalls = await page.locator('#stall-list tbody tr').allInnerTexts();
    expect(stalls.map((r) => r.split('\t')[0].trim())).toEqual(['A-01', 'A-02', 'B-01']);
    expect(stalls[2]).toContain('Chưa có');
    await screenshot(page, '11-dashboard');
    // WCAG 2.1 AA, with the data tables under the charts open too.
    for (const d of await page.locator('details').all()) await d.evaluate((el) => el.setAttribute('open', ''));
    await expectAccessible(page, 'dashboard');

    // CSV export (fetched with the key, saved from a blob).
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#csv-download')]);
    expect(csv.suggestedFilename()).toMatch(/^market-stats-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}-day\.csv$/);
    const rows = readFileSync((await csv.path())!, 'utf8').replace(/^\uFEFF/, '').trim().split(/\r\n/);
    expect(rows[0]).toMatch(/^period,from,to,transaction_count,value_vnd,/);
    const col = rows[0].split(',').indexOf('cashless_value_vnd');
    expect(rows.slice(1).reduce((s, r) => s + Number(r.split(',')[col]), 0)).toBe(315000);

    // QR cards PDF.
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.click('#pdf-download')]);
    expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);
    expect(readFileSync((await pdf.path())!).subarray(0, 5).toString()).toBe('%PDF-');

    // Period picker: by month, kept in the URL (without the key).
    await page.selectOption('#p-granularity', 'month');
    await page.click('form.period button[type=submit]');
    await page.waitForURL(/granularity=month/);
    await waitForText(page, '#series-h', 'Giao dịch theo thời gian');
    await page.waitForSelector('#chart-series[data-rendered="true"]');
    expect(page.url()).not.toContain('ocop_sk_');
    expect(await text(page, '[data-card="share-value"] .stat-value')).toBe('85,1%');

    // Phone width: nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300); // charts resize on the next frame
    await screenshot(page, '12-dashboard-phone');
    await expectFitsScreen(page, 'dashboard');

    // Reload keeps the session (sessionStorage); signing out forgets the key.
    await page.reload();
    await waitForText(page, '[data-card="stalls"] .stat-value', '3');
    await page.click('#sign-out');
    await page.waitForSelector('#api-key');
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });
});
