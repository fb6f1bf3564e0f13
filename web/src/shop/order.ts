import { api, apiResponse, ApiError } from '../lib/api.js';
import { fill, h } from '../lib/dom.js';
import { countdown, dateTimeVn, money } from '../lib/format.js';
import { placeName } from '../lib/places.js';
import { scrollRegion } from '../lib/table.js';
import { errorBox, errorText, titled, toast } from '../lib/ui.js';
import { ORDER_STATUS, PAID_STATUSES } from './labels.js';
import { orders } from './store.js';
import type { Commune, Order, Province } from './types.js';

const POLL_MS = 2500;
/** After the window ends the server's sweep expires the order (or a last-second transfer pays it): keep asking a while. */
const POLL_AFTER_EXPIRY_MS = 5000;
const POLL_AFTER_EXPIRY_FOR_MS = 3 * 60_000;
const FINAL = new Set(['expired', 'cancelled', 'refunded', ...PAID_STATUSES]);

type View = 'pending' | 'paid' | 'expired' | 'closed';

/**
 * `/order/:id#token=…`: the order and its VietQR payment. The buyer's token stays in the browser
 * (URL fragment and localStorage) and goes to the API only in the X-Order-Token header, so it never
 * lands in a server log. The page asks for the order every 2.5 s and turns to "Đã thanh toán" by
 * itself when the transfer is reconciled, or to "Hết hạn" when the payment window ends.
 */
export async function orderPage(main: HTMLElement, id: string): Promise<void> {
  titled('Đơn hàng');
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  const token = fromHash ?? orders.get(id)?.token;
  if (!token) {
    fill(main, h('h1', null, 'Đơn hàng'), errorBox('Không có mã truy cập đơn hàng. Hãy mở đơn hàng bằng đường dẫn nhận được khi đặt hàng, trên trình duyệt đã dùng để đặt.'));
    return;
  }
  const headers = { 'X-Order-Token': token };
  /** Server clock minus this device's clock (from the first answer's Date header): a wrong phone clock does not move the countdown. */
  let skew = 0;
  let order: Order;
  try {
    const res = await apiResponse(`/orders/${encodeURIComponent(id)}`, { headers });
    const serverDate = Date.parse(res.headers.get('Date') ?? '');
    if (Number.isFinite(serverDate)) skew = serverDate - Date.now();
    order = (await res.json()) as Order;
  } catch (e) {
    const msg =
      e instanceof ApiError && (e.status === 401 || e.status === 403)
        ? 'Mã truy cập không đúng với đơn hàng này.'
        : e instanceof ApiError && (e.status === 404 || e.status === 400)
          ? 'Không tìm thấy đơn hàng.'
          : errorText(e);
    fill(main, h('h1', null, 'Đơn hàng'), errorBox(msg));
    return;
  }
  const saved = orders.get(id);
  orders.save([{ id, code: order.code, checkoutId: order.checkoutId, token, totalVnd: order.totalVnd, cooperativeName: order.cooperativeName, createdAt: saved?.createdAt ?? order.createdAt }]);
  titled(`Đơn hàng ${order.code}`);

  const now = () => Date.now() + skew;
  const expiresAt = () => Date.parse(order.payment.expiresAt);
  const view = (): View => {
    if (PAID_STATUSES.has(order.status)) return 'paid';
    if (order.status === 'expired') return 'expired';
    if (order.status !== 'pending_payment') return 'closed';
    return now() >= expiresAt() ? 'expired' : 'pending';
  };

  // ---- static parts -------------------------------------------------------------------------
  const statusBox = h('div', { class: 'order-status', id: 'order-status', role: 'status', 'aria-live': 'polite' });
  const timer = h('p', { class: 'countdown', id: 'countdown', role: 'timer', 'aria-live': 'off' });
  const qr = h('img', { id: 'qr', class: 'qr', alt: `Mã VietQR: chuyển ${money(order.payment.amountVnd)} cho ${order.payment.bank?.accountName ?? order.cooperativeName}`, width: 280, height: 280 });
  const received = h('p', { class: 'alert alert-info', id: 'received', hidden: true });
  const pay = order.payment;
  const payBox =
    pay.method === 'vietqr' && pay.bank
      ? h('section', { class: 'panel pay', id: 'payment', 'aria-labelledby': 'pay-h' },
          h('h2', { id: 'pay-h' }, 'Thanh toán bằng VietQR'),
          h('div', { class: 'pay-grid' },
            h('figure', { class: 'qr-box' }, qr, h('figcaption', null, 'Mở ứng dụng ngân hàng, chọn quét mã QR. Số tiền và nội dung đã có sẵn trong mã.')),
            h('div', null,
              timer,
              h('dl', { class: 'facts pay-facts' },
                h('dt', null, 'Số tiền'), h('dd', null, h('strong', { class: 'amount', id: 'amount' }, money(pay.amountVnd))),
                h('dt', null, 'Ngân hàng'), h('dd', { id: 'bank-name' }, pay.bank.bankName),
                h('dt', null, 'Số tài khoản'), h('dd', null, h('span', { id: 'account-number', class: 'mono' }, pay.bank.accountNumber), ' ', copyButton(pay.bank.accountNumber, 'số tài khoản')),
                h('dt', null, 'Chủ tài khoản'), h('dd', { id: 'account-name' }, pay.bank.accountName),
                h('dt', null, 'Nội dung chuyển khoản'), h('dd', null, h('span', { id: 'reference', class: 'mono reference' }, pay.reference ?? ''), ' ', copyButton(pay.reference ?? '', 'nội dung chuyển khoản')),
              ),
              h('p', { class: 'hint' }, 'Chuyển khoản thủ công: ghi đúng số tiền và nội dung chuyển khoản ở trên để đơn hàng được xác nhận tự động.'),
              received,
            ),
          ),
        )
      : h('section', { class: 'panel', id: 'payment' }, h('p', null, 'Đơn hàng thanh toán bằng thẻ.'));

  const address = h('p', { class: 'muted', id: 'ship-address' }, order.buyer.address.line);
  const siblings = orders.all().filter((o) => o.checkoutId === order.checkoutId && o.id !== id);
  fill(
    main,
    h('p', { class: 'crumbs' }, h('a', { href: '/' }, '← Tiếp tục mua sắm')),
    h('h1', null, 'Đơn hàng ', h('span', { class: 'mono' }, order.code)),
    h('p', { class: 'muted' }, `${order.cooperativeName} · đặt lúc ${dateTimeVn(order.createdAt)}`),
    statusBox,
    payBox,
    siblings.length
      ? h('section', { class: 'panel', 'aria-labelledby': 'sib-h' },
          h('h2', { id: 'sib-h' }, 'Các đơn khác trong lần đặt này'),
          h('p', { class: 'hint' }, 'Mỗi đơn vị nhận tiền vào tài khoản riêng: hãy thanh toán từng đơn.'),
          h('ul', null, ...siblings.map((o) => h('li', null, h('a', { href: `/order/${encodeURIComponent(o.id)}#token=${encodeURIComponent(o.token)}` }, `${o.code} – ${o.cooperativeName} – ${money(o.totalVnd)}`)))),
        )
      : null,
    h('section', { class: 'panel', 'aria-labelledby': 'items-h' },
      h('h2', { id: 'items-h' }, 'Sản phẩm'),
      scrollRegion('Sản phẩm trong đơn',
        h('table', { class: 'table' },
          h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Sản phẩm'), h('th', { scope: 'col', class: 'num' }, 'Đơn giá'), h('th', { scope: 'col', class: 'num' }, 'SL'), h('th', { scope: 'col', class: 'num' }, 'Thành tiền'))),
          h('tbody', null, ...order.items.map((i) => h('tr', null, h('td', null, i.name, h('span', { class: 'muted' }, ` (${i.unit})`)), h('td', { class: 'num' }, money(i.priceVnd)), h('td', { class: 'num' }, i.qty), h('td', { class: 'num' }, money(i.lineTotalVnd))))),
          h('tfoot', null, h('tr', null, h('th', { scope: 'row', colspan: 3 }, 'Tổng cộng'), h('td', { class: 'num' }, h('strong', null, money(order.totalVnd))))),
        ),
      ),
    ),
    h('section', { class: 'panel', 'aria-labelledby': 'ship-h' },
      h('h2', { id: 'ship-h' }, 'Giao đến'),
      h('p', null, `${order.buyer.name} · ${order.buyer.phone}`),
      address,
    ),
  );
  void placeName(order.buyer.address.provinceCode, order.buyer.address.communeCode).then((place) => {
    if (place) address.textContent = `${order.buyer.address.line}, ${place}`;
  });

  // ---- dynamic parts ------------------------------------------------------------------------
  let shown: View | undefined;
  let shownReceived = -1;
  const render = () => {
    const v = view();
    if (v === 'pending') timer.textContent = `Thời hạn thanh toán còn ${countdown(expiresAt() - now())}`;
    if (order.payment.receivedVnd !== shownReceived) {
      shownReceived = order.payment.receivedVnd;
      const short = order.payment.amountVnd - order.payment.receivedVnd;
      received.hidden = !(order.payment.receivedVnd > 0 && short > 0 && v === 'pending');
      received.textContent = `Đã nhận ${money(order.payment.receivedVnd)}, còn thiếu ${money(short)}. Vui lòng chuyển thêm phần còn thiếu với cùng nội dung.`;
    }
    if (v === shown) return;
    shown = v;
    statusBox.className = `order-status status-${v}`;
    document.body.dataset.orderState = v;
    if (v === 'pending') {
      fill(statusBox, h('strong', { class: 'status-label' }, 'Chờ thanh toán'), h('span', null, ' – trang sẽ tự cập nhật khi ngân hàng báo đã nhận tiền.'));
      payBox.hidden = false;
    } else if (v === 'paid') {
      fill(statusBox,
        h('strong', { class: 'status-label' }, 'Đã thanh toán'),
        h('span', null, ` – đã nhận ${money(order.payment.receivedVnd || order.totalVnd)}${order.paidAt ? ` lúc ${dateTimeVn(order.paidAt)}` : ''}. `),
        order.status !== 'paid' ? h('span', null, `Trạng thái: ${ORDER_STATUS[order.status] ?? order.status}. `) : `${order.cooperativeName} sẽ chuẩn bị hàng cho bạn.`,
      );
      payBox.hidden = true;
      qr.removeAttribute('src');
    } else if (v === 'expired') {
      fill(statusBox,
        h('strong', { class: 'status-label' }, 'Hết hạn'),
        h('span', null, ' – thời hạn thanh toán đã hết, đơn hàng không còn giữ hàng. Nếu bạn đã chuyển khoản, khoản tiền sẽ được đối soát và hoàn lại. '),
        h('a', { href: '/' }, 'Đặt lại'),
      );
      payBox.hidden = true;
    } else {
      fill(statusBox, h('strong', { class: 'status-label' }, ORDER_STATUS[order.status] ?? order.status));
      payBox.hidden = true;
    }
  };

  render();
  if (view() === 'pending' && pay.method === 'vietqr') void loadQr(id, headers, qr);

  const tick = window.setInterval(() => {
    render();
    if (view() !== 'pending') window.clearInterval(tick);
  }, 1000);

  let pollTimer: number | undefined;
  const schedule = () => {
    window.clearTimeout(pollTimer);
    if (FINAL.has(order.status)) return;
    const pastExpiry = now() - expiresAt();
    if (pastExpiry > POLL_AFTER_EXPIRY_FOR_MS) return;
    pollTimer = window.setTimeout(poll, pastExpiry > 0 ? POLL_AFTER_EXPIRY_MS : POLL_MS);
  };
  const poll = async () => {
    if (!document.hidden) {
      try {
        const res = await apiResponse(`/orders/${encodeURIComponent(id)}`, { headers });
        order = (await res.json()) as Order;
        render();
      } catch {
        /* a network blip: ask again at the next tick */
      }
    }
    schedule();
  };
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && !FINAL.has(order.status)) void poll();
  });
  schedule();
}

/** The QR image, fetched with the token header and shown as a data: URL (no token in any URL). */
async function loadQr(id: string, headers: Record<string, string>, img: HTMLImageElement): Promise<void> {
  try {
    const res = await apiResponse(`/orders/${encodeURIComponent(id)}/qr.png`, { headers: { ...headers, Accept: 'image/png' } });
    const blob = await res.blob();
    const dataUrl = await new Promise<string>((ok, fail) => {
      const r = new FileReader();
      r.onload = () => ok(String(r.result));
      r.onerror = () => fail(r.error);
      r.readAsDataURL(blob);
    });
    img.addEventListener('load', () => (img.dataset.loaded = 'true'), { once: true });
    img.src = dataUrl;
  } catch (e) {
    img.replaceWith(errorBox(`Không tải được mã QR: ${errorText(e)} Bạn vẫn có thể chuyển khoản thủ công theo thông tin bên cạnh.`));
  }
}

function copyButton(text: string, what: string): HTMLButtonElement {
  return h('button', {
    type: 'button',
    class: 'btn btn-small',
    'aria-label': `Sao chép ${what}`,
    onclick: () => void copy(text).then((ok) => toast(ok ? `Đã sao chép ${what}.` : `Không sao chép được, hãy chọn và sao chép ${what} thủ công.`)),
  }, 'Sao chép');
}

async function copy(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    /* fall back below */
  }
  const ta = h('textarea', { readonly: true, class: 'sr-only' });
  ta.value = text;
  document.body.append(ta);
  ta.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  ta.remove();
  return ok;
}
