// CommonJS packages imported from ESM: the default import is their module.exports.
import jsQrModule from 'jsqr';
import pngjs from 'pngjs';
import type { Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../harness/app.js';
import { buyer, createCooperative, createProduct } from '../harness/fixtures.js';
import { type Browser, ensureWebBuild, expectAccessible, launchBrowser, screenshot, serve, text, waitForText, watchProblems } from './browser.js';

const jsQR = jsQrModule.default;
const { PNG } = pngjs;
const WEBHOOK_KEY = 'browser-test-bank-webhook-key-0123456789';

/** Product titles shown in the grid once it has settled on `expected` titles. */
async function gridTitles(page: Page, count: number): Promise<string[]> {
  try {
    await page.waitForFunction(
      (n) => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('#product-grid .card-title').length === n,
      count,
    );
  } catch (e) {
    await screenshot(page, 'failed-grid');
    const shown = await page.locator('#product-grid .card-title').allTextContents();
    throw new Error(`expected ${count} products, the grid shows ${JSON.stringify(shown)}; status: ${await page.locator('.result-status').innerText()}`, { cause: e });
  }
  await page.waitForFunction(() => !(globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector('#product-grid[aria-busy]'));
  return (await page.locator('#product-grid .card-title').allTextContents()).map((s) => s.trim()).sort();
}

/** "YYYY-MM-DD HH:mm:ss" in Vietnam time, as bank-notification services send it. */
function vietnamNow(): string {
  return new Date(Date.now() + 7 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);
}

describe('storefront in Chromium (e2e)', () => {
  let t: TestApp | undefined;
  let browser: Browser | undefined;
  let base: string;

  beforeAll(async () => {
    ensureWebBuild();
    browser = await launchBrowser();
    t = await createTestApp({ env: { BANK_WEBHOOK_API_KEY: WEBHOOK_KEY } });
    base = await serve(t);
    const eaKao = await createCooperative(t, { taxCode: '0300588569' }); // Đắk Lắk, Vietcombank 1023456789
    await createProduct(t, eaKao.key, {
      name: 'Cà phê Robusta rang xay Ea Kao',
      priceVnd: 185000,
      stockQty: 20,
      ocop: { group: 'food', stars: 4, certificateNo: 'OCOP-DL-2025-0042', certifiedAt: '2025-03-15', decisionNo: '512/QĐ-UBND' },
    });
    await createProduct(t, eaKao.key, {
      name: 'Mật ong hoa cà phê Ea Kao',
      description: 'Mật ong nguyên chất từ rẫy cà phê.',
      priceVnd: 150000,
      ocop: { group: 'food', stars: 3, certificateNo: 'OCOP-DL-2025-0043', certifiedAt: '2025-03-15' },
    });
    const phuQuoc = await createCooperative(t, {
      taxCode: '0100109106',
      name: 'HTX Nước mắm Phú Quốc',
      provinceCode: '91',
      communeCode: '31078',
      bankAccount: { bankBin: '970422', accountNumber: '0881000123456', accountName: 'HTX Nuoc mam Phu Quoc' },
    });
    await createProduct(t, phuQuoc.key, {
      name: 'Nước mắm cá cơm Phú Quốc 40 độ đạm',
      description: 'Ủ chượp cá cơm than trong thùng gỗ 12 tháng.',
      priceVnd: 120000,
      unit: 'chai 500ml',
      ocop: { group: 'food', stars: 5, certificateNo: 'OCOP-QG-2025-0007', certifiedAt: '2025-06-01' },
    });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('search → product → cart → checkout → VietQR that decodes → paid by a bank transfer, without a reload', async () => {
    const page = await browser!.context.newPage();
    const problems = watchProblems(page);

    // Catalog: every product, then the filters, then a search without diacritics.
    await page.goto(`${base}/`);
    expect(await gridTitles(page, 3)).toHaveLength(3);
    await page.selectOption('#f-provinceCode', '91');
    expect(await gridTitles(page, 1)).toEqual(['Nước mắm cá cơm Phú Quốc 40 độ đạm']);
    await page.selectOption('#f-provinceCode', '');
    await page.selectOption('#f-minStars', '4');
    expect(await gridTitles(page, 2)).toEqual(['Cà phê Robusta rang xay Ea Kao', 'Nước mắm cá cơm Phú Quốc 40 độ đạm']);
    await page.selectOption('#f-minStars', '');
    await page.fill('#f-q', 'ca phe');
    await page.press('#f-q', 'Enter');
    expect(await gridTitles(page, 2)).toEqual(['Cà phê Robusta rang xay Ea Kao', 'Mật ong hoa cà phê Ea Kao']);
    expect(page.url()).toContain('q=ca+phe');
    await screenshot(page, '01-catalog-search-ca-phe');
    await expectAccessible(page, 'catalog');

    // Product page: stars, certificate, cooperative.
    await page.click('#product-grid a:text-is("Cà phê Robusta rang xay Ea Kao")');
    await page.waitForURL(/\/p\/[0-9a-f-]{36}$/);
    await waitForText(page, 'h1', 'Cà phê Robusta rang xay Ea Kao');
    expect(await text(page, '.product .star-glyphs')).toBe('★★★★☆');
    expect(await text(page, '.product .stars .sr-only')).toBe('4 sao OCOP'); // what a screen reader says
    expect(await text(page, '.product .stars .level')).toBe('· Cấp tỉnh');
    const cert = await text(page, '#certificate');
    const productId = page.url().split('/').pop()!;
    const expiresAt = (await t!.http.get(`/products/${productId}`).expect(200)).body.ocop.expiresAt as string; // YYYY-MM-DD
    const vnDate = (d: string) => d.split('-').reverse().join('/');
    for (const part of ['OCOP-DL-2025-0042', '512/QĐ-UBND', 'Ngày cấp 15/03/2025', `Hiệu lực đến ${vnDate(expiresAt)}`, 'Cấp tỉnh', 'Thực phẩm']) {
      expect(cert).toContain(part);
    }
    expect(await text(page, '.coop-name')).toBe('Hợp tác xã Cà phê Ea Kao');
    expect(await text(page, '.price-big')).toBe('185.000 ₫ / gói 500g');
    await page.fill('#qty', '2');
    await page.click('form.buy button[type=submit]');
    await waitForText(page, '#cart-count', '2');
    await screenshot(page, '02-product');
    await expectAccessible(page, 'product');

    // Cart and checkout: client-side messages in Vietnamese first.
    await page.click('#cart-link');
    await page.waitForURL(/\/cart$/);
    await waitForText(page, '#cart-total', '370.000 ₫');
    await page.click('form.checkout button[type=submit]');
    await waitForText(page, '#checkout-errors', 'Vui lòng sửa 5 lỗi sau');
    expect(await text(page, '#buyer-name-err')).toBe('Vui lòng nhập họ và tên người nhận.');
    expect(await text(page, '#buyer-phone-err')).toBe('Vui lòng nhập số điện thoại.');
    expect(await text(page, '#buyer-commune-err')).toBe('Vui lòng chọn phường, xã.');
    expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id)).toBe('buyer-name');
    await page.fill('#buyer-phone', '12345');
    await page.click('form.checkout button[type=submit]');
    expect(await text(page, '#buyer-phone-err')).toContain('Số điện thoại không hợp lệ');
    await screenshot(page, '03-checkout-client-errors');
    await expectAccessible(page, 'cart-with-errors');

    const b = buyer() as { name: string; address: { provinceCode: string; communeCode: string; line: string } };
    await page.fill('#buyer-name', b.name);
    await page.fill('#buyer-phone', '0987 654 321');
    // The client's email check is loose; the server's (class-validator) wants a top-level domain of
    // 2+ letters: its 400 `details` are shown next to the field.
    await page.fill('#buyer-email', 'lan@example.c');
    await page.selectOption('#buyer-province', b.address.provinceCode);
    await page.waitForSelector(`#buyer-commune option[value="${b.address.communeCode}"]`, { state: 'attached' });
    await page.selectOption('#buyer-commune', b.address.communeCode);
    await page.fill('#buyer-line', b.address.line);
    await page.click('form.checkout button[type=submit]');
    await waitForText(page, '#buyer-email-err', 'Địa chỉ email không hợp lệ');
    expect(await text(page, '#buyer-email-err')).toContain('(email must be an email address)');
    expect(await page.getAttribute('#buyer-email', 'aria-invalid')).toBe('true');
    await screenshot(page, '04-checkout-server-error');
    await page.fill('#buyer-email', 'lan@example.vn');
    await page.click('form.checkout button[type=submit]');

    // Order page: the token is in the fragment (never sent to the server).
    await page.waitForURL(/\/order\/[0-9a-f-]{36}#token=/).catch(async (e) => {
      await screenshot(page, 'failed-checkout');
      throw e;
    });
    const url = new URL(page.url());
    const orderId = url.pathname.split('/').pop()!;
    const token = decodeURIComponent(url.hash.replace(/^#token=/, ''));
    const order = (await t!.http.get(`/orders/${orderId}`).set('X-Order-Token', token).expect(200)).body;
    expect(order).toMatchObject({ status: 'pending_payment', totalVnd: 370000, payment: { method: 'vietqr', bank: { bankName: 'Vietcombank', accountNumber: '1023456789' } } });

    await page.waitForSelector('#qr[data-loaded="true"]', { state: 'visible' });
    const src = (await page.getAttribute('#qr', 'src'))!;
    expect(src).toMatch(/^data:image\/png;base64,/);
    const png = PNG.sync.read(Buffer.from(src.split(',')[1], 'base64'));
    const decoded = jsQR(Uint8ClampedArray.from(png.data), png.width, png.height);
    expect(decoded?.data).toBe(order.payment.qrPayload);
    expect(await text(page, '#amount')).toBe('370.000 ₫');
    expect(await text(page, '#bank-name')).toBe('Vietcombank');
    expect(await text(page, '#account-number')).toBe('1023456789');
    expect(await text(page, '#account-name')).toBe(order.payment.bank.accountName);
    expect(await text(page, '#reference')).toBe(order.payment.reference);
    expect(await text(page, '#order-status')).toContain('Chờ thanh toán');
    expect(await text(page, '#countdown')).toMatch(/^Thời hạn thanh toán còn 1[45]:\d\d$/);

    // Phone width: nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')).toBe(0);
    await screenshot(page, '05-order-pending-phone');
    await expectAccessible(page, 'order-pending');

    // The bank tells the platform about the transfer; the page notices by itself.
    await page.evaluate(() => ((globalThis as unknown as { __sameDocument: number }).__sameDocument = 42));
    await t!.http
      .post('/webhooks/bank-transactions')
      .set('Authorization', `Apikey ${WEBHOOK_KEY}`)
      .send({
        id: 9_100_001,
        gateway: 'Vietcombank',
        transactionDate: vietnamNow(),
        accountNumber: '1023456789',
        code: null,
        content: `MBVCB.3278907687.${order.payment.reference} thanh toan don hang.CT tu 0011001234567 NGUYEN THI LAN`,
        transferType: 'in',
        transferAmount: 370000,
        accumulated: 370000,
        subAccount: null,
        referenceCode: 'FT26331900001',
        description: '',
      })
      .expect(200);
    await waitForText(page, '#order-status', 'Đã thanh toán', 10_000);
    expect(await text(page, '#order-status')).toContain('đã nhận 370.000 ₫');
    expect(await page.evaluate(() => (globalThis as unknown as { __sameDocument?: number }).__sameDocument)).toBe(42); // no reload
    expect(await page.isHidden('#payment')).toBe(true);
    await screenshot(page, '06-order-paid-phone');
    await expectAccessible(page, 'order-paid');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the order page turns to "Hết hạn" when the payment window ends', async () => {
    const products = (await t!.http.get('/products?q=mat ong').expect(200)).body.items as Array<{ id: string }>;
    const res = await t!.http.post('/checkout').send({ buyer: buyer(), items: [{ productId: products[0].id, qty: 1 }], paymentMethod: 'vietqr' }).expect(201);
    const o = res.body.orders[0] as { id: string; accessToken: string };
    const page = await browser!.context.newPage();
    const problems = watchProblems(page);
    await page.clock.install();
    await page.goto(`${base}/order/${o.id}#token=${encodeURIComponent(o.accessToken)}`);
    await page.waitForSelector('#qr[data-loaded="true"]');
    expect(await text(page, '#amount')).toBe('150.000 ₫');
    await page.clock.fastForward('15:01');
    await waitForText(page, '#order-status', 'Hết hạn');
    expect(await page.isHidden('#payment')).toBe(true);
    await screenshot(page, '07-order-expired');
    await expectAccessible(page, 'order-expired');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a wrong order token gets a clear message, and the API never sees the token in a URL', async () => {
    const products = (await t!.http.get('/products?q=nuoc mam').expect(200)).body.items as Array<{ id: string }>;
    const res = await t!.http.post('/checkout').send({ buyer: buyer(), items: [{ productId: products[0].id, qty: 1 }], paymentMethod: 'vietqr' }).expect(201);
    const o = res.body.orders[0] as { id: string; accessToken: string };
    const page = await browser!.context.newPage();
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    await page.goto(`${base}/order/${o.id}#token=not-the-token`);
    await waitForText(page, '.alert-error', 'Mã truy cập không đúng với đơn hàng này.');
    await page.goto('about:blank'); // a new fragment alone would not load the page again
    await page.goto(`${base}/order/${o.id}#token=${encodeURIComponent(o.accessToken)}`);
    await page.waitForSelector('#qr[data-loaded="true"]');
    // What goes over HTTP is the URL without its fragment.
    const sent = urls.map((u) => u.split('#')[0]);
    expect(sent.some((u) => u.endsWith(`/orders/${o.id}`))).toBe(true);
    expect(sent.filter((u) => u.includes(encodeURIComponent(o.accessToken)) || u.includes(o.accessToken) || u.includes('not-the-token'))).toEqual([]);
    await page.close();
  });
});
