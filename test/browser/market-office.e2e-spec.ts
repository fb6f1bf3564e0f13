import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { bearer, createTestApp, type TestApp } from '../harness/app.js';
import { createMarket, createStall, type CreatedMarket, REAL_QR } from '../fixtures/markets/markets.js';
import { pdfQrPayloads } from '../fixtures/markets/pdf.js';
import { type Browser, ensureWebBuild, expectAccessible, expectFitsScreen, launchBrowser, PHONE, screenshot, serve, text, waitForText, watchProblems } from './browser.js';
import { qrVideo } from './fake-camera.js';

/**
 * The market office at phone width: a manager registers a stall by pointing the phone's camera at
 * the vendor's printed VietQR (Chromium's fake camera plays a video of that code), confirms the
 * account, prints the stall's card; adds and edits stalls by hand; uploads a CSV of cash sales.
 * The vendor's code is a real published one (TPBank 970423, account 0099999999, no holder name).
 */
describe('market office in Chromium at phone width (e2e)', () => {
  let t: TestApp | undefined;
  let browser: Browser | undefined;
  let base: string;
  let market: CreatedMarket;
  let dir: string;

  beforeAll(async () => {
    ensureWebBuild();
    t = await createTestApp();
    base = await serve(t);
    market = await createMarket(t);
    await createStall(t, market.key, market.id, { code: 'A-01', vendorName: 'Nguyễn Thị Hoa', category: 'fresh_produce' });
    dir = mkdtempSync(join(tmpdir(), 'ocop-camera-'));
    const video = join(dir, 'vietqr.y4m');
    await qrVideo(video, REAL_QR.subizStatic);
    browser = await launchBrowser({
      args: [
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream', // the camera permission is granted
        `--use-file-for-fake-video-capture=${video}`,
        // The camera needs a secure context: https in production, this plain-http test origin here.
        `--unsafely-treat-insecure-origin-as-secure=${base}`,
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function office(): Promise<{ page: Page; problems: string[] }> {
    const page = await browser!.context.newPage();
    await page.setViewportSize(PHONE);
    page.on('dialog', (d) => void d.accept());
    const problems = watchProblems(page);
    await page.goto(`${base}/manage/markets/${market.id}`);
    await page.fill('#api-key', market.key);
    await page.press('#api-key', 'Enter');
    await waitForText(page, '#stall-list', 'A-01');
    return { page, problems };
  }

  it('adds a stall by scanning its VietQR with the camera, confirms the account, and prints its card', async () => {
    const { page, problems } = await office();
    await expectAccessible(page, 'market-office');
    await expectFitsScreen(page, 'market-office');

    await page.click('#scan-stall');
    await waitForText(page, '#scan-account', '0099999999');
    expect(await text(page, '#scan-bank')).toContain('TPBank');
    expect(await text(page, '#scan-holder')).toBe('(mã không ghi tên)');
    await page.waitForSelector('#scan-video', { state: 'hidden' }); // the camera is off once read
    await expectAccessible(page, 'market-office-scan-confirm');
    await expectFitsScreen(page, 'market-office-scan');
    await screenshot(page, '31-office-scan-confirm-phone');

    // The code has no holder name: the form asks for it.
    await page.fill('#scan-code', 'b-07');
    await page.fill('#scan-vendor', 'Trần Văn Minh');
    await page.selectOption('#scan-category', 'meat_fish');
    await page.click('#scan-form button[type=submit]');
    await waitForText(page, '#scan-holder-name-err', 'Vui lòng nhập tên chủ tài khoản.');
    await page.fill('#scan-holder-name', 'TRAN VAN MINH');
    await page.click('#scan-form button[type=submit]');
    await waitForText(page, '#stall-list', 'B-07');

    const stalls = (await t!.http.get(`/markets/${market.id}/stalls`).set(bearer(market.key)).expect(200)).body.items as Array<{ id: string; code: string; qrPayload: string; bankAccount: unknown; vendorName: string }>;
    const b07 = stalls.find((s) => s.code === 'B-07')!;
    expect(b07).toMatchObject({ vendorName: 'Trần Văn Minh', bankAccount: { bankBin: '970423', accountNumber: '0099999999', accountName: 'TRAN VAN MINH' } });
    expect(await page.isChecked(`[data-stall-id="${b07.id}"] .select-stall`)).toBe(true); // ready to print
    expect(await text(page, '#print-selected')).toBe('In thẻ QR 1 quầy đã chọn');

    // Its card: a PDF with that stall's QR only.
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.click('#print-selected')]);
    expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);
    const bytes = readFileSync((await pdf.path())!);
    expect(pdfQrPayloads(bytes)).toEqual([b07.qrPayload]);
    await screenshot(page, '32-office-stall-added-phone');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('adds a stall by hand (the server refuses a code already used, at the field), edits and deactivates it', async () => {
    const { page, problems } = await office();
    await page.click('#add-stall');
    await page.click('#stall-form button[type=submit]');
    await waitForText(page, '#sf-code-err', 'Vui lòng nhập mã quầy.');
    expect(await text(page, '#sf-phone-err')).toBe('Vui lòng nhập số điện thoại.');
    await page.fill('#sf-code', 'A-01');
    await page.fill('#sf-vendor', 'Lê Thị Bình');
    await page.fill('#sf-phone', '0905 111 222');
    await page.selectOption('#sf-category', 'prepared_food');
    await page.click('#stall-form button[type=submit]');
    await waitForText(page, '#sf-code-err', 'Mã quầy đã có trong chợ');
    await expectAccessible(page, 'market-office-stall-form-error');
    await page.fill('#sf-code', 'C-02');
    await page.click('#stall-form button[type=submit]');
    await waitForText(page, '#stall-list', 'C-02');
    const c02 = ((await t!.http.get(`/markets/${market.id}/stalls`).query({ codePrefix: 'C-02' }).set(bearer(market.key)).expect(200)).body.items as Array<{ id: string }>)[0];

    // Edit: a bank account added; then the stall takes a break.
    await page.click(`[data-stall-id="${c02.id}"] .edit-stall`);
    await page.waitForSelector('#sf-bank option[value="970436"]', { state: 'attached' });
    await page.selectOption('#sf-bank', '970436');
    await page.fill('#sf-account', '1023009988');
    await page.fill('#sf-holder', 'LE THI BINH');
    await page.click('#stall-form button[type=submit]');
    await waitForText(page, `[data-stall-id="${c02.id}"]`, 'Vietcombank · 1023009988');
    await page.click(`[data-stall-id="${c02.id}"] .toggle-status`);
    await waitForText(page, `[data-stall-id="${c02.id}"]`, 'Tạm nghỉ');
    expect((await t!.http.get(`/stalls/${c02.id}`).set(bearer(market.key)).expect(200)).body).toMatchObject({
      status: 'inactive',
      vendorPhone: '0905111222',
      bankAccount: { bankBin: '970436', accountNumber: '1023009988', accountName: 'LE THI BINH' },
    });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('uploads a CSV of cash sales: a bad row is shown by row and column and nothing is recorded; a good file is', async () => {
    const { page, problems } = await office();
    const count = async () => (await t!.db.query('SELECT count(*)::int AS n FROM stall_transactions WHERE market_id = $1', [market.id])).rows[0].n as number;
    const before = await count();
    const bad = ['stall_code,amount_vnd,method,occurred_at', 'A-01,25000,cash,2026-03-01 07:15', 'A-01,12.5,cash,2026-03-01 07:20', 'Z-99,30000,cash,2026-03-01 07:30'].join('\r\n');
    await page.setInputFiles('#cash-file', { name: 'tien-mat.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.click('#cash-form button[type=submit]');
    await waitForText(page, '#cash-result', 'Tệp chưa được ghi');
    const rows = (await page.locator('#cash-errors tbody tr').allInnerTexts()).map((r) => r.replace(/\s+/g, ' ').trim());
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^3 Số tiền /);
    expect(rows[1]).toMatch(/^4 Mã quầy /);
    expect(await count()).toBe(before);
    await expectAccessible(page, 'market-office-csv-errors');
    await expectFitsScreen(page, 'market-office-csv-errors');
    await screenshot(page, '33-office-csv-errors-phone');

    const good = ['stall_code,amount_vnd,method,occurred_at', 'A-01,25000,cash,2026-03-01 07:15', 'a-01,40000,cash,2026-03-01 09:00'].join('\r\n');
    await page.setInputFiles('#cash-file', { name: 'tien-mat-2.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await page.click('#cash-form button[type=submit]');
    await waitForText(page, '#cash-result', 'Đã ghi 2 giao dịch ngày 01/03/2026: tiền mặt 65.000 ₫ (2 giao dịch)');
    expect(await count()).toBe(before + 2);
    expect(problems).toEqual([]);
    await page.close();
  });
});
