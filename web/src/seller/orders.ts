import { nextStatuses, type OrderStatus } from '../../../src/orders/order-state.js';
import { ApiError, randomKey } from '../lib/api.js';
import { type Field, field, fill, h } from '../lib/dom.js';
import { FormErrors } from '../lib/form-errors.js';
import { count, dateTimeVn, money } from '../lib/format.js';
import { placeName } from '../lib/places.js';
import { scrollRegion, table } from '../lib/table.js';
import { pagedList } from '../lib/pager.js';
import { errorBox, errorText, titled, toast } from '../lib/ui.js';
import { ORDER_STATUS } from '../shop/labels.js';
import { parseVnd } from './products.js';
import type { Seller } from './context.js';
import type { Order } from './types.js';

/** The queue's tabs: what needs work first. */
const QUEUE: Array<[status: string, label: string]> = [
  ['paid', 'Cần chuẩn bị'],
  ['processing', 'Đang chuẩn bị'],
  ['shipped', 'Đang giao'],
  ['pending_payment', 'Chờ thanh toán'],
  ['completed', 'Hoàn tất'],
  ['cancelled', 'Đã hủy'],
  ['refunded', 'Đã hoàn tiền'],
  ['expired', 'Hết hạn'],
  ['', 'Tất cả'],
];

/** The buttons of the state machine's edges a cooperative may take (src/orders/order-state.ts). */
const STEP: Partial<Record<OrderStatus, { label: string; done: string; hint: string }>> = {
  processing: { label: 'Nhận đơn, bắt đầu chuẩn bị hàng', done: 'Đơn đã chuyển sang "Đang chuẩn bị hàng".', hint: 'Đóng gói theo phiếu đóng gói (nút In phiếu đóng gói ở cuối trang).' },
  shipped: { label: 'Đã giao cho đơn vị vận chuyển', done: 'Đơn đã chuyển sang "Đang giao hàng".', hint: 'Khi hàng đã rời kho.' },
  completed: { label: 'Khách đã nhận hàng – hoàn tất', done: 'Đơn đã hoàn tất.', hint: 'Khi người mua đã nhận hàng.' },
  cancelled: { label: 'Hủy đơn', done: 'Đơn đã bị hủy.', hint: 'Hàng được trả lại kho. Đơn đã thanh toán cần hoàn tiền cho người mua.' },
};

const PAYMENT_STATUS: Record<string, string> = {
  pending: 'Chờ chuyển khoản',
  succeeded: 'Đã nhận tiền',
  failed: 'Không thành công',
  expired: 'Hết hạn',
  cancelled: 'Đã hủy',
  refunded: 'Đã hoàn tiền',
  partially_refunded: 'Đã hoàn một phần',
};

const statusPill = (status: string) => h('span', { class: `pill pill-status-${status}` }, ORDER_STATUS[status] ?? status);

/** `/seller/orders?status=`: the order queue by status, newest first. */
export async function ordersPage(view: HTMLElement, s: Seller): Promise<void> {
  const params = new URLSearchParams(location.search);
  const status = params.has('status') ? params.get('status')! : 'paid';
  const label = QUEUE.find(([k]) => k === status)?.[1] ?? 'Đơn hàng';
  titled(`Đơn hàng – ${label}`);
  const list = h('ul', { class: 'item-list', id: 'order-list' });
  const pages = pagedList<Order>({
    list,
    path: `${s.coopPath}/orders`,
    params: { status },
    limit: 50,
    fetch: s.call,
    noun: 'đơn',
    empty: 'Không có đơn nào ở trạng thái này.',
    moreLabel: 'Xem thêm đơn',
    render: (o) =>
      h('li', { class: 'item order-row', 'data-order-id': o.id },
        h('div', { class: 'item-body' },
          h('h3', { class: 'item-title' }, h('a', { href: `/seller/orders/${encodeURIComponent(o.id)}` }, o.code), ' ', statusPill(o.status)),
          h('p', null, `${o.buyer.name} · ${count(o.items.reduce((n, i) => n + i.qty, 0))} sản phẩm · `, h('strong', null, money(o.totalVnd))),
          h('p', { class: 'muted' }, `Đặt lúc ${dateTimeVn(o.createdAt)}`),
        ),
      ),
  });
  fill(view,
    h('h1', null, 'Đơn hàng'),
    h('nav', { class: 'tabs', 'aria-label': 'Lọc đơn theo trạng thái' },
      h('ul', null, ...QUEUE.map(([k, l]) => h('li', null, h('a', { href: `/seller/orders?status=${encodeURIComponent(k)}`, 'aria-current': k === status ? 'page' : null }, l)))),
    ),
    h('h2', { class: 'sr-only' }, label),
    pages.info, list, pages.more,
  );
  await pages.load();
}

/** `/seller/orders/:id`: an order, its next steps, a refund, and a packing slip to print. */
export async function orderPage(view: HTMLElement, s: Seller, id: string): Promise<void> {
  let order: Order;
  try {
    order = await s.call<Order>(`/orders/${encodeURIComponent(id)}`);
  } catch (e) {
    titled('Không tìm thấy đơn hàng');
    fill(view, h('p', { class: 'crumbs' }, h('a', { href: '/seller/orders' }, '← Đơn hàng')), h('h1', null, 'Không tìm thấy đơn hàng'), errorBox(e instanceof ApiError && (e.status === 404 || e.status === 400 || e.status === 403) ? 'Đơn hàng không tồn tại hoặc không thuộc đơn vị này.' : errorText(e)));
    return;
  }
  titled(`Đơn ${order.code}`);
  const address = h('span', { class: 'buyer-address' }, order.buyer.address.line);
  void placeName(order.buyer.address.provinceCode, order.buyer.address.communeCode).then((place) => {
    if (place) for (const el of view.querySelectorAll('.buyer-address')) el.textContent = `${order.buyer.address.line}, ${place}`;
  });
  const pay = order.payment;
  const refundable = refundableOf(order);
  const fact = (term: string, value: string | Node | null) => (value === null ? null : [h('dt', null, term), h('dd', null, value)]);

  fill(view,
    h('p', { class: 'crumbs no-print' }, h('a', { href: `/seller/orders?status=${encodeURIComponent(order.status)}` }, '← Đơn hàng')),
    h('div', { class: 'no-print' },
      h('h1', null, `Đơn ${order.code} `, statusPill(order.status)),
      h('p', { class: 'muted' }, `Đặt lúc ${dateTimeVn(order.createdAt)}${order.paidAt ? ` · thanh toán lúc ${dateTimeVn(order.paidAt)}` : ''}`),
      nextSteps(s, order),
      h('section', { class: 'panel', 'aria-labelledby': 'items-h' },
        h('h2', { id: 'items-h' }, 'Sản phẩm'),
        scrollRegion('Sản phẩm trong đơn',
          h('table', { class: 'table', id: 'order-items' },
            h('caption', { class: 'sr-only' }, 'Sản phẩm trong đơn'),
            h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Sản phẩm'), h('th', { scope: 'col', class: 'num' }, 'Đơn giá'), h('th', { scope: 'col', class: 'num' }, 'SL'), h('th', { scope: 'col', class: 'num' }, 'Thành tiền'))),
            h('tbody', null, ...order.items.map((i) => h('tr', null, h('td', null, i.name, h('span', { class: 'muted' }, ` (${i.unit}, mã ${i.sku})`)), h('td', { class: 'num' }, money(i.priceVnd)), h('td', { class: 'num' }, i.qty), h('td', { class: 'num' }, money(i.lineTotalVnd))))),
            h('tfoot', null, h('tr', null, h('th', { scope: 'row', colspan: 3 }, 'Tổng cộng'), h('td', { class: 'num' }, h('strong', null, money(order.totalVnd))))),
          ),
        ),
      ),
      h('div', { class: 'panels' },
        h('section', { class: 'panel', 'aria-labelledby': 'buyer-h' },
          h('h2', { id: 'buyer-h' }, 'Người mua'),
          h('dl', { class: 'facts', id: 'buyer' },
            fact('Họ tên', order.buyer.name),
            fact('Điện thoại', h('a', { href: `tel:${order.buyer.phone}` }, order.buyer.phone)),
            fact('Email', order.buyer.email ? h('a', { href: `mailto:${order.buyer.email}` }, order.buyer.email) : null),
            fact('Giao đến', address),
          ),
        ),
        h('section', { class: 'panel', 'aria-labelledby': 'pay-h' },
          h('h2', { id: 'pay-h' }, 'Thanh toán'),
          h('dl', { class: 'facts', id: 'payment' },
            fact('Hình thức', pay.method === 'vietqr' ? 'Chuyển khoản VietQR' : 'Thẻ'),
            fact('Trạng thái', PAYMENT_STATUS[pay.status] ?? pay.status),
            fact('Số tiền', money(pay.amountVnd)),
            fact('Đã nhận', money(pay.receivedVnd)),
            pay.refundedVnd ? fact('Đã hoàn / phải hoàn', money(pay.refundedVnd)) : null,
            fact('Nội dung chuyển khoản', pay.reference ? h('span', { class: 'mono' }, pay.reference) : null),
            fact('Tài khoản nhận', pay.bank ? `${pay.bank.bankName} · ${pay.bank.accountNumber}` : null),
          ),
        ),
      ),
      h('p', null, h('button', { type: 'button', class: 'btn', id: 'print-slip', onclick: () => window.print() }, 'In phiếu đóng gói')),
      refundable > 0 ? refundForm(s, order, refundable) : null,
    ),
    packingSlip(s, order, address),
  );
}

function nextSteps(s: Seller, order: Order): HTMLElement | null {
  const steps = nextStatuses(order.status as OrderStatus, 'cooperative').filter((to) => STEP[to]);
  if (!steps.length) {
    // tabindex: after the last step (cancelled, completed) focus comes here, not to the page's top.
    return h('section', { class: 'panel', 'aria-labelledby': 'next-h' }, h('h2', { id: 'next-h', tabindex: -1 }, 'Bước tiếp theo'),
      h('p', { class: 'muted' }, order.status === 'pending_payment' ? 'Đơn đang chờ người mua chuyển khoản; hệ thống tự chuyển sang "Đã thanh toán" khi ngân hàng báo đã nhận tiền.' : 'Đơn không còn bước nào cần làm.'));
  }
  const reason = h('input', { id: 'cancel-reason', name: 'reason', maxlength: 500, autocomplete: 'off' });
  const hasCancel = steps.includes('cancelled');
  const run = async (to: OrderStatus, btn: HTMLButtonElement) => {
    if (to === 'cancelled' && !confirm(`Hủy đơn ${order.code}?`)) return;
    btn.disabled = true;
    try {
      await s.call(`/orders/${encodeURIComponent(order.id)}/transitions`, { method: 'POST', json: { to, ...(to === 'cancelled' && reason.value.trim() ? { reason: reason.value.trim() } : {}) } });
      toast(STEP[to]!.done);
      await orderPage(document.getElementById('view')!, s, order.id);
      document.getElementById('next-h')?.focus();
    } catch (e) {
      btn.disabled = false;
      toast(e instanceof ApiError && e.status === 409 ? `Không chuyển được: đơn đã thay đổi (${e.message}). Tải lại trang.` : `Không chuyển được: ${errorText(e)}`);
    }
  };
  return h('section', { class: 'panel next-steps', 'aria-labelledby': 'next-h' },
    h('h2', { id: 'next-h', tabindex: -1 }, 'Bước tiếp theo'),
    h('ul', { class: 'steps' }, ...steps.map((to) => {
      const btn: HTMLButtonElement = h('button', { type: 'button', class: to === 'cancelled' ? 'btn btn-danger' : 'btn btn-primary', 'data-to': to }, STEP[to]!.label);
      btn.addEventListener('click', () => void run(to, btn));
      return h('li', null, btn, h('p', { class: 'hint' }, STEP[to]!.hint));
    })),
    hasCancel ? h('div', { class: 'field' }, h('label', { for: 'cancel-reason' }, 'Lý do hủy (nếu hủy)'), reason) : null,
  );
}

/**
 * What a refund can still give back, as the server counts it: what was received up to the order
 * total (an overpayment's excess is owed back on its own), less what was refunded.
 */
function refundableOf(order: Order): number {
  return Math.max(0, Math.min(order.payment.receivedVnd, order.totalVnd) - order.payment.refundedVnd);
}

function refundForm(s: Seller, order: Order, refundable: number): HTMLElement {
  /** What is left to refund as last read from the server (another refund may lower it meanwhile). */
  let left = refundable;
  const maxHint = () => `Tối đa ${money(left)}.`;
  const amount = h('input', { id: 'refund-amount', name: 'amountVnd', inputmode: 'numeric', autocomplete: 'off', value: String(refundable) });
  const reason = h('input', { id: 'refund-reason', name: 'reason', maxlength: 500, required: true, autocomplete: 'off' });
  const fields: Record<string, Field> = {
    amountVnd: field('Số tiền hoàn (đồng)', amount, maxHint()),
    reason: field('Lý do hoàn tiền', reason),
  };
  // The server refuses an amount only when it is more than what is left (the form checks the rest).
  const errors = new FormErrors(fields, (f) => (f === 'amountVnd' ? `Chỉ còn hoàn được tối đa ${money(left)} cho đơn này.` : 'Giá trị không hợp lệ.'));
  const submit = h('button', { type: 'submit', class: 'btn' }, 'Hoàn tiền');
  const form = h('form', { class: 'panel', id: 'refund-form', 'aria-labelledby': 'refund-h', novalidate: true },
    h('h2', { id: 'refund-h' }, 'Hoàn tiền cho người mua'),
    h('p', { class: 'hint' }, order.payment.method === 'vietqr'
      ? 'Tiền chuyển khoản nằm trong tài khoản của đơn vị: khoản hoàn được ghi là "phải trả" và đơn vị tự chuyển khoản lại cho người mua (xem mục Tiền).'
      : 'Hoàn về thẻ của người mua qua cổng thanh toán.'),
    errors.summary,
    h('div', { class: 'form-grid' }, fields.amountVnd.wrap, fields.reason.wrap),
    submit,
  );
  let attempt: { body: string; key: string } | undefined;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const n = parseVnd(amount.value);
    const problems = [];
    if (!Number.isSafeInteger(n) || n < 1 || n > left) problems.push({ field: 'amountVnd', msg: `Số tiền hoàn là số đồng nguyên từ 1 đến ${money(left)}.` });
    if (!reason.value.trim()) problems.push({ field: 'reason', msg: 'Vui lòng ghi lý do hoàn tiền.' });
    if (errors.show(problems)) return;
    if (!confirm(`Hoàn ${money(n)} cho đơn ${order.code}?`)) return;
    const body = { amountVnd: n, reason: reason.value.trim() };
    const json = JSON.stringify(body);
    // A retry of the same refund (a dropped answer) reuses its key: refunded once.
    if (!attempt || attempt.body !== json) attempt = { body: json, key: randomKey() };
    submit.disabled = true;
    try {
      await s.call(`/orders/${encodeURIComponent(order.id)}/refunds`, { method: 'POST', json: body, headers: { 'Idempotency-Key': attempt.key } });
      toast(`Đã ghi nhận hoàn ${money(n)}.`);
      await orderPage(document.getElementById('view')!, s, order.id);
    } catch (err) {
      submit.disabled = false;
      // Refused at the amount: someone refunded this order meanwhile (another phone, the API). Read
      // what is left again, so that the message and the hint give the true maximum.
      if (err instanceof ApiError && err.status === 400 && err.details.some((d) => d.field === 'amountVnd')) {
        const fresh = await s.call<Order>(`/orders/${encodeURIComponent(order.id)}`).catch(() => null);
        if (fresh) {
          left = refundableOf(fresh);
          const hint = fields.amountVnd.wrap.querySelector('.hint');
          if (hint) hint.textContent = maxHint();
        }
      }
      errors.fromApi(err);
    }
  });
  return form;
}

/** Shown only when printing (print CSS): what the packer needs, no prices. */
function packingSlip(s: Seller, order: Order, address: HTMLElement): HTMLElement {
  return h('section', { class: 'packing-slip print-only', id: 'packing-slip', 'aria-label': 'Phiếu đóng gói' },
    h('h1', null, 'Phiếu đóng gói'),
    h('p', null, h('strong', null, s.coop.name), ` · ${s.coop.address}${s.coop.phone ? ` · ĐT ${s.coop.phone}` : ''}`),
    h('dl', { class: 'facts' },
      h('dt', null, 'Mã đơn'), h('dd', { class: 'mono' }, order.code),
      h('dt', null, 'Ngày đặt'), h('dd', null, dateTimeVn(order.createdAt)),
      h('dt', null, 'Người nhận'), h('dd', null, `${order.buyer.name} · ${order.buyer.phone}`),
      h('dt', null, 'Địa chỉ'), h('dd', null, address.cloneNode(true)),
    ),
    table('Hàng cần đóng gói', ['Đã soạn', 'Sản phẩm', 'Mã SKU', 'Số lượng'],
      order.items.map((i) => ['☐', `${i.name} (${i.unit})`, i.sku, String(i.qty)]), [3]),
    h('p', null, `Tổng số: ${count(order.items.reduce((n, i) => n + i.qty, 0))} sản phẩm. Người đóng gói: …………………`),
  );
}
