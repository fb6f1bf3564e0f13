import type { Page } from 'playwright-core';
import { bearer } from '../harness/app.js';
import { createProduct } from '../harness/fixtures.js';
import { expectAccessible, expectFitsScreen, norm, screenshot, text, waitForText } from './browser.js';
import { sellerCenterTest } from './seller-pages.js';

/** The four balance cards of /seller/money: label and amount as shown. */
async function balanceCards(page: Page): Promise<Record<string, { label: string; value: string }>> {
  const cards = await page.locator('#balance [data-card]').evaluateAll((els) =>
    els.map((e) => [e.getAttribute('data-card'), e.querySelector('.stat-label')?.textContent ?? '', e.querySelector('.stat-value')?.textContent ?? '']),
  );
  return Object.fromEntries(cards.map(([k, label, value]) => [k, { label: norm(label!), value: norm(value!) }]));
}

/** Rows of a table (cell texts), `selector` naming the table. */
async function tableRows(page: Page, selector: string): Promise<string[][]> {
  const rows = await page.locator(`${selector} tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
  return rows.map((r) => r.map(norm));
}

/** The ledger's journals as shown: title line and its lines [account, debit, credit]. */
async function journals(page: Page): Promise<Array<{ title: string; lines: string[][] }>> {
  const js = await page.locator('#ledger-list > li.journal').evaluateAll((lis) =>
    lis.map((li) => ({
      title: li.querySelector('p strong')?.textContent ?? '',
      lines: [...li.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
    })),
  );
  return js.map((j) => ({ title: norm(j.title), lines: j.lines.map((l) => l.map(norm)) }));
}

/**
 * The seller center's money and order flows at phone width that seller.e2e-spec.ts does not walk:
 * the balance and ledger after a paid order and a VietQR refund recorded from the order page (with
 * the server refusing a refund over what is left), cancelling an order that waits for payment, and
 * axe-core on the packing slip as printed and on the shop's order page opened with a wrong token.
 * A cooperative of its own (fresh database): every figure on the money page is this file's.
 */
describe('seller center money, refunds and cancelling in Chromium at phone width (e2e)', () => {
  const sc = sellerCenterTest({ webhookKey: 'browser-test-bank-webhook-key-money-0123', firstTransferId: 9_400_000 });
  let coffee: string;

  beforeAll(async () => {
    coffee = await createProduct(sc.t, sc.coop.key, { name: 'Cà phê Robusta rang xay Ea Kao', sku: 'CF-500', unit: 'gói 500g', priceVnd: 185000, stockQty: 30 });
  });

  const api = (path: string) => sc.t.http.get(path).set(bearer(sc.coop.key)).expect(200).then((r) => r.body);

  it('shows a paid order in the balance and the transfers; a VietQR refund from the order page is owed and booked; a refund over what is left shows the server 400 at its field', async () => {
    const o = await sc.checkout(coffee, 6); // 6 × 185,000
    expect(o.totalVnd).toBe(1_110_000);
    await sc.bankTransfer(1_110_000, `MBVCB.8.${o.payment.reference} thanh toan don hang`);
    expect((await api(`/orders/${o.id}`)).status).toBe('paid');

    const { page, problems, dialogs } = await sc.newPage();
    await sc.signedIn(page, '/seller/money');
    await page.waitForSelector('#balance [data-card]');
    // Paid exactly by VietQR: the money is in the cooperative's own account, nothing is held or owed.
    expect(await balanceCards(page)).toEqual({
      held: { label: 'Sàn giữ hộ (tiền thẻ)', value: '0 ₫' },
      owed: { label: 'Phải trả người mua', value: '0 ₫' },
      due: { label: 'Đơn vị phải tự hoàn', value: '0 ₫' },
      net: { label: 'Sàn sẽ chuyển cho đơn vị', value: '0 ₫' },
    });
    await waitForText(page, '#transfer-list', o.code);
    const received = page.locator('#transfer-list > li.transfer');
    expect(await received.count()).toBe(1);
    const receivedText = norm(await received.first().innerText());
    for (const part of ['1.110.000 ₫', 'Vietcombank', `MBVCB.8.${o.payment.reference} thanh toan don hang`, 'Đã trả cho đơn', `đơn ${o.code}`]) expect(receivedText).toContain(part);
    expect(await text(page, '#owed-table')).toBe('Không có khoản nào phải hoàn.');
    await waitForText(page, '#ledger', 'Chưa có bút toán nào.');
    expect(await page.locator('#ledger-list > li').count()).toBe(0);
    await expectAccessible(page, 'seller-money-paid');
    await expectFitsScreen(page, 'seller-money-paid');

    // The order, from the transfer's link: refund part of it (one of the six packs was broken).
    await received.first().locator(`a:text-is("${o.code}")`).click();
    await page.waitForURL(new RegExp(`/seller/orders/${o.id}$`));
    await waitForText(page, '#payment', 'Đã nhận tiền');
    expect(await text(page, '#payment')).toContain('Số tiền 1.110.000 ₫ Đã nhận 1.110.000 ₫');
    expect(await text(page, '#refund-amount-hint')).toBe('Tối đa 1.110.000 ₫.');
    expect(await page.inputValue('#refund-amount')).toBe('1110000');
    await expectAccessible(page, 'seller-order-refund-form');

    // The form's own checks first: more than was paid, and no reason.
    await page.fill('#refund-amount', '2.000.000');
    await page.click('#refund-form button[type=submit]');
    await waitForText(page, '#refund-amount-err', 'Số tiền hoàn là số đồng nguyên từ 1 đến 1.110.000 ₫.');
    expect(await text(page, '#refund-reason-err')).toBe('Vui lòng ghi lý do hoàn tiền.');
    expect(dialogs).toEqual([]); // nothing asked, nothing sent
    expect((await api(`/cooperatives/${sc.coop.id}/refunds`)).items).toEqual([]);

    await page.fill('#refund-amount', '185.000');
    await page.fill('#refund-reason', 'Một gói bị rách khi giao');
    await page.click('#refund-form button[type=submit]');
    await waitForText(page, '#toast', 'Đã ghi nhận hoàn 185.000 ₫.');
    expect(dialogs).toEqual([`Hoàn 185.000 ₫ cho đơn ${o.code}?`]);
    await waitForText(page, '#payment', 'Đã hoàn một phần');
    expect(await text(page, '#payment')).toContain('Đã hoàn / phải hoàn 185.000 ₫');
    expect(await text(page, '#refund-amount-hint')).toBe('Tối đa 925.000 ₫.');
    expect(await text(page, 'h1 .pill')).toBe('Đã thanh toán'); // a part refund leaves the order paid
    const owedRows = (await api(`/cooperatives/${sc.coop.id}/refunds?status=owed`)).items;
    expect(owedRows).toMatchObject([{ orderId: o.id, orderCode: o.code, method: 'bank_transfer', status: 'owed', amountVnd: 185000, reason: 'Một gói bị rách khi giao', buyerName: 'Nguyễn Thị Lan', buyerPhone: '0987654321' }]);
    expect(await api(`/orders/${o.id}`)).toMatchObject({ status: 'paid', payment: { status: 'partially_refunded', receivedVnd: 1_110_000, refundedVnd: 185000 } });
    await expectAccessible(page, 'seller-order-refunded-part');
    await expectFitsScreen(page, 'seller-order-refunded-part');

    // Meanwhile someone else refunds 800,000 (another phone, through the API): this page still
    // offers up to 925,000, so 300,000 passes its own check and the server refuses it (400).
    await sc.t.http.post(`/orders/${o.id}/refunds`).set(bearer(sc.coop.key)).send({ amountVnd: 800000, reason: 'Khách trả lại bốn gói' }).expect(201);
    await page.fill('#refund-amount', '300000');
    await page.fill('#refund-reason', 'Giao thiếu hai gói');
    await page.click('#refund-form button[type=submit]');
    await waitForText(page, '#refund-amount-err', 'must be at most 125000 VND');
    expect(await text(page, '#refund-amount-err')).toBe('Chỉ còn hoàn được tối đa 125.000 ₫ cho đơn này. (must be at most 125000 VND (what is left to refund))');
    expect(await page.getAttribute('#refund-amount', 'aria-invalid')).toBe('true');
    expect(await page.evaluate('document.activeElement.id')).toBe('refund-amount');
    expect(await text(page, '#refund-form [role=alert]')).toContain('Chỉ còn hoàn được tối đa 125.000 ₫');
    expect(await text(page, '#refund-amount-hint')).toBe('Tối đa 125.000 ₫.'); // read again from the server
    expect(dialogs).toHaveLength(2);
    expect((await api(`/cooperatives/${sc.coop.id}/refunds?status=owed`)).items.map((r: { amountVnd: number }) => r.amountVnd)).toEqual([800000, 185000]);
    await expectAccessible(page, 'seller-order-refund-refused');
    await screenshot(page, '27-seller-refund-refused-phone');

    // The money page: both refunds owed to the buyer, the balance and the ledger agree.
    await page.click('.section-nav a[href="/seller/money"]');
    await page.waitForURL(/\/seller\/money$/);
    await page.waitForSelector('#owed-table tbody tr');
    expect(await tableRows(page, '#owed-table')).toEqual([
      [expect.any(String), o.code, 'Hoàn tiền: Khách trả lại bốn gói', 'Nguyễn Thị Lan · 0987654321', '800.000 ₫'],
      [expect.any(String), o.code, 'Hoàn tiền: Một gói bị rách khi giao', 'Nguyễn Thị Lan · 0987654321', '185.000 ₫'],
    ]);
    expect(await balanceCards(page)).toEqual({
      held: { label: 'Sàn giữ hộ (tiền thẻ)', value: '0 ₫' },
      owed: { label: 'Phải trả người mua', value: '985.000 ₫' },
      due: { label: 'Đơn vị phải tự hoàn', value: '985.000 ₫' },
      net: { label: 'Đơn vị còn phải trả', value: '985.000 ₫' },
    });
    expect(await api(`/cooperatives/${sc.coop.id}/balance`)).toMatchObject({ heldForCooperativeVnd: 0, owedToBuyersVnd: 985000, dueFromCooperativeVnd: 985000, netPayableVnd: -985000 });
    await waitForText(page, '#ledger', '2 bút toán');
    const owedJournal = (amount: string) => ({
      title: 'Hoàn tiền chuyển khoản (phải trả người mua)',
      lines: [
        ['Đơn vị phải hoàn (tiền đang ở tài khoản đơn vị)', amount, ''],
        ['Phải trả lại người mua', '', amount],
      ],
    });
    expect(await journals(page)).toEqual([owedJournal('800.000 ₫'), owedJournal('185.000 ₫')]);
    const ledger = (await api(`/cooperatives/${sc.coop.id}/ledger`)).items as Array<{ kind: string; lines: Array<{ debitVnd: number; creditVnd: number }> }>;
    expect(ledger.map((j) => [j.kind, j.lines.reduce((n, l) => n + l.debitVnd, 0)])).toEqual([['vietqr_refund_owed', 800000], ['vietqr_refund_owed', 185000]]);
    await expectAccessible(page, 'seller-money-refunds-owed');
    await expectFitsScreen(page, 'seller-money-refunds-owed');
    await screenshot(page, '28-seller-money-refunds-owed-phone');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('cancels an order that waits for payment from its page: its stock returns and it shows cancelled', async () => {
    const honey = await createProduct(sc.t, sc.coop.key, { name: 'Mật ong hoa cà phê Ea Kao', sku: 'MO-500', unit: 'chai 500ml', priceVnd: 150000, stockQty: 12 });
    const o = await sc.checkout(honey, 3);
    expect((await sc.t.http.get(`/products/${honey}`).expect(200)).body.stockQty).toBe(9); // held for the order

    const { page, problems, dialogs } = await sc.newPage();
    await sc.signedIn(page, '/seller/orders?status=pending_payment');
    await waitForText(page, '#order-list', o.code);
    expect(await text(page, `[data-order-id="${o.id}"]`)).toContain('Nguyễn Thị Lan · 3 sản phẩm · 450.000 ₫');
    await page.click(`#order-list a:text-is("${o.code}")`);
    await page.waitForURL(new RegExp(`/seller/orders/${o.id}$`));
    await waitForText(page, 'h1 .pill', 'Chờ thanh toán');
    expect(await page.locator('.next-steps button').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-to')))).toEqual(['cancelled']);
    expect(await text(page, '#payment')).toContain('Chờ chuyển khoản');
    expect(await page.locator('#refund-form').count()).toBe(0); // nothing received, nothing to refund
    await expectAccessible(page, 'seller-order-pending');
    await expectFitsScreen(page, 'seller-order-pending');

    await page.fill('#cancel-reason', 'Khách gọi điện hủy, đặt nhầm số lượng');
    await page.click('button[data-to=cancelled]');
    await waitForText(page, 'h1 .pill', 'Đã hủy');
    expect(dialogs).toEqual([`Hủy đơn ${o.code}?`]);
    await waitForText(page, '#toast', 'Đơn đã bị hủy.');
    expect(await text(page, '#payment')).toContain('Trạng thái Đã hủy');
    expect(await page.locator('.next-steps button, button[data-to]').count()).toBe(0);
    expect(await text(page, 'section[aria-labelledby=next-h]')).toBe('Bước tiếp theo Đơn không còn bước nào cần làm.');
    // Focus is not lost with the button that went away: it lands on the next-steps heading.
    expect(await page.evaluate('document.activeElement.id')).toBe('next-h');

    expect(await api(`/orders/${o.id}`)).toMatchObject({ status: 'cancelled', payment: { status: 'cancelled', receivedVnd: 0 } });
    expect((await sc.t.http.get(`/products/${honey}`).expect(200)).body.stockQty).toBe(12); // back in stock
    const events = await sc.t.db.query(`SELECT from_status, to_status, actor, reason FROM order_events WHERE order_id = $1 AND to_status = 'cancelled'`, [o.id]);
    expect(events.rows).toEqual([{ from_status: 'pending_payment', to_status: 'cancelled', actor: 'cooperative', reason: 'Khách gọi điện hủy, đặt nhầm số lượng' }]);
    await expectAccessible(page, 'seller-order-cancelled');
    await screenshot(page, '29-seller-order-cancelled-phone');

    // The queue moved it from "Chờ thanh toán" to "Đã hủy".
    await page.click('.crumbs a');
    await page.waitForURL(/\/seller\/orders\?status=cancelled$/);
    await waitForText(page, '#order-list', o.code);
    expect(await text(page, `[data-order-id="${o.id}"] .pill`)).toBe('Đã hủy');
    await page.click('.tabs a:text-is("Chờ thanh toán")');
    await page.waitForURL(/status=pending_payment$/);
    await waitForText(page, '#main', 'Không có đơn nào ở trạng thái này.');
    expect(await page.locator(`[data-order-id="${o.id}"]`).count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the packing slip as printed and the shop order page opened with a wrong token pass axe-core', async () => {
    const o = await sc.checkout(coffee, 2);
    await sc.bankTransfer(370000, `${o.payment.reference} ck`);
    const { page, problems } = await sc.newPage();
    await sc.signedIn(page, `/seller/orders/${o.id}`);
    await waitForText(page, 'h1 .pill', 'Đã thanh toán');
    await page.emulateMedia({ media: 'print' });
    expect(await page.isVisible('#packing-slip')).toBe(true);
    expect(await page.isVisible('#refund-form')).toBe(false);
    const slip = await text(page, '#packing-slip');
    for (const part of ['Phiếu đóng gói', 'Hợp tác xã Cà phê Ea Kao', o.code, 'Nguyễn Thị Lan · 0987654321', '12 Lê Duẩn', 'Cà phê Robusta rang xay Ea Kao (gói 500g) CF-500 2']) expect(slip).toContain(part);
    expect(slip).not.toContain('370.000'); // the packer sees no prices
    await expectAccessible(page, 'seller-packing-slip-print');
    await page.emulateMedia({ media: 'screen' });
    expect(problems).toEqual([]);

    // The buyer's page with a token that is not this order's, then with no token at all, then an
    // order that does not exist: an error the buyer can read, and nothing else on the page.
    const shop = await sc.newPage();
    await shop.page.goto(`${sc.base}/order/${o.id}#token=not-the-token`);
    await waitForText(shop.page, '#main .alert-error', 'Mã truy cập không đúng với đơn hàng này.');
    expect(await text(shop.page, '#main h1')).toBe('Đơn hàng');
    expect(await shop.page.locator('#payment, #qr').count()).toBe(0);
    await expectAccessible(shop.page, 'shop-order-wrong-token');
    await expectFitsScreen(shop.page, 'shop-order-wrong-token');
    await screenshot(shop.page, '30-shop-order-wrong-token-phone');
    await shop.page.goto('about:blank');
    await shop.page.goto(`${sc.base}/order/${o.id}`);
    await waitForText(shop.page, '#main .alert-error', 'Không có mã truy cập đơn hàng.');
    await expectAccessible(shop.page, 'shop-order-no-token');
    await shop.page.goto(`${sc.base}/order/00000000-0000-4000-8000-000000000000#token=${encodeURIComponent(o.accessToken)}`);
    await waitForText(shop.page, '#main .alert-error', 'Không tìm thấy đơn hàng.');
    await expectAccessible(shop.page, 'shop-order-not-found');
    // The real token still opens it: the errors were about the token, not the order.
    await shop.page.goto('about:blank');
    await shop.page.goto(`${sc.base}/order/${o.id}#token=${encodeURIComponent(o.accessToken)}`);
    await waitForText(shop.page, '#order-status', 'Đã thanh toán');
    expect(shop.problems).toEqual([]);
    await shop.page.close();
    await page.close();
  });
});
