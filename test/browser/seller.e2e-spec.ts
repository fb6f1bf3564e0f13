import { bearer } from '../harness/app.js';
import { createCooperative, createProduct, SECOND_COOPERATIVE } from '../harness/fixtures.js';
import { expectAccessible, expectFitsScreen, screenshot, text, waitForText } from './browser.js';
import { fillProductForm, sellerCenterTest, vietnamNow } from './seller-pages.js';

/**
 * The seller center at phone width: a cooperative's day (products, a paid order to ship, a transfer
 * nothing matched, a statement, a bank feed), every page checked with axe-core (WCAG 2.1 AA).
 * Money after a refund and cancelling an order: seller-money.e2e-spec.ts.
 */
describe('seller center in Chromium at phone width (e2e)', () => {
  const sc = sellerCenterTest({ webhookKey: 'browser-test-bank-webhook-key-seller-0123', firstTransferId: 9_300_000 });
  const { newPage, signedIn, bankTransfer } = sc;
  let productId: string;

  /** A VietQR order of `qty` of the coffee, waiting for payment. */
  const order = (qty = 1) => sc.checkout(productId, qty);

  beforeAll(async () => {
    productId = await createProduct(sc.t, sc.coop.key, { name: 'Cà phê Robusta rang xay Ea Kao', sku: 'CF-500', priceVnd: 185000, stockQty: 30 });
  });

  it('signs in, adds a product with client and server errors at their fields, edits and archives', async () => {
    const { page, problems } = await newPage();
    await page.goto(`${sc.base}/seller`);
    await waitForText(page, 'h1', 'Trung tâm người bán');
    await expectAccessible(page, 'seller-sign-in');
    await page.fill('#api-key', `ocop_sk_${'x'.repeat(43)}`);
    await page.press('#api-key', 'Enter');
    await waitForText(page, '#api-key-err', 'Khóa không hợp lệ hoặc đã bị thu hồi.');
    await page.fill('#api-key', sc.coop.key);
    await page.press('#api-key', 'Enter');
    await waitForText(page, '#product-list', 'Cà phê Robusta rang xay Ea Kao');
    expect(await text(page, '.coop-line')).toContain('Hợp tác xã Cà phê Ea Kao');
    expect(await text(page, '#product-list .product-row')).toContain('Tồn kho: 30');
    await expectAccessible(page, 'seller-products');
    await expectFitsScreen(page, 'seller-products');
    await screenshot(page, '21-seller-products-phone');

    // A new product: the form's own checks first, in Vietnamese.
    await page.click('#new-product');
    await page.waitForURL(/\/seller\/products\/new$/);
    await page.click('#product-form button[type=submit]');
    await waitForText(page, '#product-form [role=alert]', 'Vui lòng sửa');
    expect(await text(page, '#pf-name-err')).toBe('Vui lòng nhập tên sản phẩm.');
    expect(await text(page, '#pf-sku-err')).toBe('Vui lòng nhập mã SKU.');
    expect(await text(page, '#pf-ocop-group-err')).toBe('Vui lòng chọn nhóm sản phẩm OCOP.');
    expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id)).toBe('pf-name');
    await fillProductForm(page, {
      name: 'Mật ong hoa cà phê Ea Kao',
      sku: 'CF-500', // already used by this cooperative: the server says so (409 duplicate_sku)
      price: '150.000',
      unit: 'chai 500ml',
      stock: '12',
      description: 'Mật ong nguyên chất từ rẫy cà phê.',
      group: 'food',
      stars: '3',
      certificateNo: 'OCOP-DL-2025-0043',
      certifiedAt: '2025-03-15',
      expiresAt: '2029-03-15', // more than 36 months: refused in the browser
    });
    expect(await text(page, '#pf-level')).toBe('Cấp tỉnh');
    await page.click('#product-form button[type=submit]');
    await waitForText(page, '#pf-ocop-expiresAt-err', 'tối đa 36 tháng');
    await page.fill('#pf-ocop-expiresAt', '');
    await page.click('#product-form button[type=submit]');
    await waitForText(page, '#pf-sku-err', 'Mã SKU này đã dùng cho một sản phẩm khác của đơn vị');
    expect(await text(page, '#pf-sku-err')).toContain('(is already used by another product of this cooperative');
    expect(await page.getAttribute('#pf-sku', 'aria-invalid')).toBe('true');
    await expectAccessible(page, 'seller-product-form-errors');
    await screenshot(page, '22-seller-product-server-error-phone');
    await page.fill('#pf-sku', 'MO-500');
    await page.click('#product-form button[type=submit]');
    await page.waitForURL(/\/seller\/products\/[0-9a-f-]{36}\?created=1$/);
    const newId = new URL(page.url()).pathname.split('/').pop()!;
    const created = (await sc.t.http.get(`/products/${newId}`).expect(200)).body;
    expect(created).toMatchObject({
      name: 'Mật ong hoa cà phê Ea Kao', sku: 'MO-500', priceVnd: 150000, unit: 'chai 500ml', stockQty: 12, cooperativeId: sc.coop.id,
      ocop: { group: 'food', stars: 3, level: 'provincial', certificateNo: 'OCOP-DL-2025-0043', certifiedAt: '2025-03-15', expiresAt: '2028-03-15' },
    });
    await waitForText(page, '#photos-h', 'Ảnh sản phẩm');
    await expectAccessible(page, 'seller-product-edit');
    await expectFitsScreen(page, 'seller-product-edit');

    // Edit: stock and price change; the certificate's expiry stays.
    await page.fill('#pf-stockQty', '40');
    await page.fill('#pf-priceVnd', '155000');
    await page.click('#product-form button[type=submit]');
    await waitForText(page, '#toast', 'Đã lưu thay đổi.');
    expect((await sc.t.http.get(`/products/${newId}`).expect(200)).body).toMatchObject({ stockQty: 40, priceVnd: 155000, ocop: { expiresAt: '2028-03-15' } });

    // Archive: gone from the shop, still readable.
    await page.click('#archive-product');
    await page.waitForURL(/\/seller\/products$/);
    await waitForText(page, `[data-product-id="${newId}"]`, 'Đã ngừng bán');
    expect((await sc.t.http.get(`/products/${newId}`).expect(200)).body.status).toBe('archived');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('ships a paid order and prints its packing slip', async () => {
    const o = await order(2);
    await bankTransfer(o.totalVnd, `MBVCB.1.${o.payment.reference} thanh toan`);
    expect((await sc.t.http.get(`/orders/${o.id}`).set(bearer(sc.coop.key)).expect(200)).body.status).toBe('paid');
    const { page, problems } = await newPage();
    await signedIn(page, '/seller/orders');
    await waitForText(page, '#order-list', o.code); // the default tab: paid orders to prepare
    await expectAccessible(page, 'seller-orders');
    await expectFitsScreen(page, 'seller-orders');
    await page.click(`#order-list a:text-is("${o.code}")`);
    await page.waitForURL(new RegExp(`/seller/orders/${o.id}$`));
    await waitForText(page, '#buyer', '0987654321');
    expect(await text(page, '#order-items')).toContain('Cà phê Robusta rang xay Ea Kao');
    expect(await text(page, '#payment')).toContain('370.000 ₫');
    expect(await page.locator('.next-steps button').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-to')))).toEqual(['processing', 'cancelled']);
    await expectAccessible(page, 'seller-order-paid');
    await expectFitsScreen(page, 'seller-order-paid');
    await screenshot(page, '23-seller-order-paid-phone');

    await page.click('button[data-to=processing]');
    await waitForText(page, 'h1 .pill', 'Đang chuẩn bị hàng');
    await page.click('button[data-to=shipped]');
    await waitForText(page, 'h1 .pill', 'Đang giao hàng');
    expect((await sc.t.http.get(`/orders/${o.id}`).set(bearer(sc.coop.key)).expect(200)).body.status).toBe('shipped');
    expect(await page.locator('.next-steps button').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-to')))).toEqual(['completed']);

    // The packing slip is what prints: the rest of the page is hidden on paper.
    await page.emulateMedia({ media: 'print' });
    expect(await page.isVisible('#packing-slip')).toBe(true);
    expect(await page.isVisible('.next-steps')).toBe(false);
    expect(await page.isVisible('.site-header')).toBe(false);
    const slip = await text(page, '#packing-slip');
    for (const part of [o.code, 'Nguyễn Thị Lan · 0987654321', '12 Lê Duẩn', 'Cà phê Robusta rang xay Ea Kao (gói 500g)', 'CF-500']) expect(slip).toContain(part);
    await screenshot(page, '24-seller-packing-slip-print');
    await page.emulateMedia({ media: 'screen' });
    expect(await page.isVisible('#packing-slip')).toBe(false);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('matches an unmatched transfer to its order and sets another aside, with the audit trail; imports a statement', async () => {
    const o = await order(1); // 185,000, waiting for payment
    await bankTransfer(185000, 'chuyen tien mua ca phe'); // no reference: nothing matches it
    await bankTransfer(50000, 'me gui tien'); // not for an order at all
    const unmatched = (await sc.t.http.get('/reconciliation/unmatched').set(bearer(sc.coop.key)).expect(200)).body.items as Array<{ id: string; amountVnd: number }>;
    const forOrder = unmatched.find((x) => x.amountVnd === 185000)!;
    const personal = unmatched.find((x) => x.amountVnd === 50000)!;

    const { page, problems } = await newPage();
    await signedIn(page, '/seller/money');
    await waitForText(page, '#unmatched-list', 'chuyen tien mua ca phe');
    await expectAccessible(page, 'seller-money');
    const item = page.locator(`#unmatched-list [data-transfer-id="${forOrder.id}"]`);
    await item.locator('summary:text("Khớp với đơn hàng")').click();
    await item.locator('select').selectOption(o.id);
    await item.locator('.match-form input[name=reason]').fill('Khách gọi điện xác nhận, ghi thiếu nội dung');
    await expectAccessible(page, 'seller-money-match-form');
    await expectFitsScreen(page, 'seller-money');
    await item.locator('.match-form button[type=submit]').click();
    await waitForText(page, `[data-transfer-id="${forOrder.id}"]`, `Đã khớp 185.000 ₫ với đơn ${o.code}`);
    expect(await item.locator('.audit-trail').innerText()).toMatch(/Khớp với đơn .* bởi hợp tác xã .* Lý do: Khách gọi điện xác nhận, ghi thiếu nội dung .* trước đó: Chưa khớp với đơn nào/);
    expect((await sc.t.http.get(`/orders/${o.id}`).set(bearer(sc.coop.key)).expect(200)).body.status).toBe('paid');
    const detail = (await sc.t.http.get(`/reconciliation/transactions/${forOrder.id}`).set(bearer(sc.coop.key)).expect(200)).body;
    expect(detail).toMatchObject({ outcome: 'paid', orderId: o.id, decisions: [{ action: 'match', orderId: o.id, reason: 'Khách gọi điện xác nhận, ghi thiếu nội dung', actorRole: 'cooperative' }] });

    // Setting aside needs a reason.
    const other = page.locator(`#unmatched-list [data-transfer-id="${personal.id}"]`);
    await other.locator('summary:text("Để riêng")').click();
    await other.locator('.ignore-form button[type=submit]').click();
    await waitForText(page, `#ignore-reason-${personal.id.slice(0, 8)}-err`, 'Vui lòng ghi lý do để riêng.');
    await other.locator('.ignore-form input[name=reason]').fill('Tiền người nhà gửi, không phải tiền hàng');
    await other.locator('.ignore-form button[type=submit]').click();
    await waitForText(page, `[data-transfer-id="${personal.id}"]`, 'Đã để riêng 50.000 ₫.');
    expect((await sc.t.http.get(`/reconciliation/transactions/${personal.id}`).set(bearer(sc.coop.key)).expect(200)).body).toMatchObject({
      outcome: 'ignored',
      decisions: [{ action: 'ignore', reason: 'Tiền người nhà gửi, không phải tiền hàng' }],
    });
    await screenshot(page, '25-seller-money-decided-phone');

    // The received transfers list carries them all, with the trail behind "Lịch sử xử lý".
    await page.reload();
    await waitForText(page, '#transfer-list', 'me gui tien');
    const row = page.locator(`#transfer-list [data-transfer-id="${personal.id}"]`);
    expect(await row.innerText()).toContain('Đã để riêng');
    await row.locator('summary:text("Lịch sử xử lý")').click();
    await waitForText(page, `#transfer-list [data-transfer-id="${personal.id}"] .audit-trail`, 'Tiền người nhà gửi');
    expect(await text(page, '#unmatched-list')).toBe('Không có chuyển khoản nào cần xử lý.');

    // A statement (the documented CSV columns) pays a third order: progress, then counts.
    const o3 = await order(1);
    const csv = [
      'transaction_id,booked_at,account_number,direction,amount,description,counterparty_name,counterparty_account,counterparty_bank_bin,balance',
      `TXN-SC-1,${new Date().toISOString()},1023456789,in,185000,IBFT ${o3.payment.reference} cam on,TRAN VAN BINH,0071000123456,970436,1000000`,
    ].join('\n');
    await page.setInputFiles('#statement-file', { name: 'sao-ke.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.click('#statement button[type=submit]');
    await waitForText(page, '#statement-status', 'Xong sao-ke.csv', 30_000);
    expect(await text(page, '#statement-status')).toContain('1 khớp đơn');
    expect((await sc.t.http.get(`/orders/${o3.id}`).set(bearer(sc.coop.key)).expect(200)).body.status).toBe('paid');
    await expectAccessible(page, 'seller-money-after');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('connects a bank feed: the webhook URL and the secret are shown once, and they work', async () => {
    const { page, problems } = await newPage();
    await signedIn(page, '/seller/feeds');
    await waitForText(page, '#feed-list', 'Chưa có kết nối nào.');
    await expectAccessible(page, 'seller-feeds');
    await page.selectOption('#feed-provider', 'sepay');
    await page.fill('#feed-name', 'SePay – Vietcombank');
    await page.click('#feed-form button[type=submit]');
    await page.waitForSelector('#created-secret');
    const url = await page.inputValue('#created-webhook-url');
    const secret = await page.inputValue('#created-secret');
    expect(url).toMatch(/\/webhooks\/bank\/[0-9a-f-]{36}$/);
    expect(secret.length).toBeGreaterThanOrEqual(32);
    await waitForText(page, '#feed-list', 'SePay – Vietcombank');
    await expectAccessible(page, 'seller-feed-created');
    await expectFitsScreen(page, 'seller-feeds');
    await screenshot(page, '26-seller-feed-created-phone');

    // The secret shown is the one the feed checks: a SePay call with it pays an order.
    const o = await order(1);
    await sc.t.http
      .post(new URL(url).pathname)
      .set('Authorization', `Apikey ${secret}`)
      .send({ id: 77001, gateway: 'Vietcombank', transactionDate: vietnamNow(), accountNumber: '1023456789', content: `${o.payment.reference} ck`, transferType: 'in', transferAmount: o.totalVnd, referenceCode: 'FT26335770001' })
      .expect(200);
    expect((await sc.t.http.get(`/orders/${o.id}`).set(bearer(sc.coop.key)).expect(200)).body.status).toBe('paid');

    // Shown once: after a reload only the URL is listed.
    await page.reload();
    await waitForText(page, '#feed-list', 'SePay – Vietcombank');
    expect(await page.locator('#created-secret').count()).toBe(0);
    expect(await page.content()).not.toContain(secret);
    await page.click('#feed-list button.btn-danger');
    await waitForText(page, '#feed-list', 'Chưa có kết nối nào.');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('an admin key chooses the cooperative to work for', async () => {
    const other = await createCooperative(sc.t, SECOND_COOPERATIVE);
    await createProduct(sc.t, other.key, { name: 'Nước mắm cá cơm Phú Quốc', sku: 'NM-40' });
    const { page, problems } = await newPage();
    await page.goto(`${sc.base}/seller`);
    await page.fill('#api-key', sc.t.adminKey);
    await page.press('#api-key', 'Enter');
    await page.waitForSelector('#coop-choice option[value]:not([value=""])', { state: 'attached' });
    await expectAccessible(page, 'seller-choose-cooperative');
    await page.selectOption('#coop-choice', other.id);
    await page.click('form button[type=submit]');
    await waitForText(page, '#product-list', 'Nước mắm cá cơm Phú Quốc');
    expect(await text(page, '.coop-line')).toContain('HTX Nước mắm Phú Quốc');
    await page.click('#switch-coop');
    await page.waitForSelector('#coop-choice');
    await page.click('#sign-out');
    await page.waitForSelector('#api-key');
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });
});
