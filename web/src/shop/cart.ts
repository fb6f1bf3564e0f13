import { api, ApiError, type FieldProblem, randomKey } from '../lib/api.js';
import { type Field, field, fill, h } from '../lib/dom.js';
import { money } from '../lib/format.js';
import { VN_PHONE } from '../lib/phone.js';
import { errorText, titled } from '../lib/ui.js';
import { type CartLine, cart, orders } from './store.js';
import type { CheckoutResponse, Commune, Product, Province } from './types.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

type FieldName = 'name' | 'phone' | 'email' | 'province' | 'commune' | 'line';

/** Server field paths → the form's fields. */
const SERVER_FIELDS: Record<string, FieldName> = {
  'buyer.name': 'name',
  'buyer.phone': 'phone',
  'buyer.email': 'email',
  'buyer.address': 'line',
  'buyer.address.provinceCode': 'province',
  'buyer.address.communeCode': 'commune',
  'buyer.address.line': 'line',
};

/** Vietnamese wording of each field's rule (client checks, and the sentence shown for a server 400). */
const MESSAGES: Record<FieldName, { missing: string; invalid: string }> = {
  name: { missing: 'Vui lòng nhập họ và tên người nhận.', invalid: 'Họ và tên cần từ 2 đến 100 ký tự.' },
  phone: { missing: 'Vui lòng nhập số điện thoại.', invalid: 'Số điện thoại không hợp lệ (ví dụ 0912 345 678 hoặc +84 912 345 678).' },
  email: { missing: '', invalid: 'Địa chỉ email không hợp lệ (ví dụ lan@example.vn).' },
  province: { missing: 'Vui lòng chọn tỉnh, thành phố.', invalid: 'Tỉnh, thành phố không hợp lệ.' },
  commune: { missing: 'Vui lòng chọn phường, xã.', invalid: 'Phường, xã không thuộc tỉnh, thành phố đã chọn.' },
  line: { missing: 'Vui lòng nhập địa chỉ nhận hàng (số nhà, tên đường, thôn/ấp).', invalid: 'Địa chỉ cần từ 3 đến 300 ký tự.' },
};

export function validateBuyer(v: Record<FieldName, string>): Partial<Record<FieldName, string>> {
  const e: Partial<Record<FieldName, string>> = {};
  const name = v.name.trim();
  if (!name) e.name = MESSAGES.name.missing;
  else if (name.length < 2 || name.length > 100) e.name = MESSAGES.name.invalid;
  const phone = v.phone.replace(/[\s.()-]/g, '');
  if (!phone) e.phone = MESSAGES.phone.missing;
  else if (!VN_PHONE.test(phone)) e.phone = MESSAGES.phone.invalid;
  const email = v.email.trim();
  if (email && (!EMAIL.test(email) || email.length > 200)) e.email = MESSAGES.email.invalid;
  if (!v.province) e.province = MESSAGES.province.missing;
  if (!v.commune) e.commune = MESSAGES.commune.missing;
  const line = v.line.trim();
  if (!line) e.line = MESSAGES.line.missing;
  else if (line.length < 3 || line.length > 300) e.line = MESSAGES.line.invalid;
  return e;
}

interface LineView {
  line: CartLine;
  product?: Product;
  problem?: string;
  error: HTMLElement;
}

/** `/cart`: the cart (one order per cooperative) and the checkout form. */
export async function cartPage(main: HTMLElement): Promise<void> {
  titled('Giỏ hàng');
  const lines = cart.lines();
  if (!lines.length) {
    fill(main, h('h1', null, 'Giỏ hàng'), h('p', null, 'Giỏ hàng đang trống. ', h('a', { href: '/' }, 'Xem sản phẩm OCOP')));
    return;
  }
  fill(main, h('h1', null, 'Giỏ hàng'), h('p', { class: 'muted' }, 'Đang kiểm tra giá và số lượng còn…'));
  // Fresh prices and stock for every line.
  const views: LineView[] = await Promise.all(
    lines.map(async (line): Promise<LineView> => {
      const error = h('p', { class: 'field-error', hidden: true });
      try {
        const product = await api<Product>(`/products/${encodeURIComponent(line.productId)}`);
        cart.update(line.productId, { name: product.name, priceVnd: product.priceVnd, unit: product.unit, cooperativeName: product.cooperative.name, cooperativeId: product.cooperativeId });
        Object.assign(line, { name: product.name, priceVnd: product.priceVnd, unit: product.unit, cooperativeName: product.cooperative.name, cooperativeId: product.cooperativeId });
        let problem: string | undefined;
        if (!product.purchasable) problem = product.stockQty <= 0 && product.status === 'active' ? 'Sản phẩm đã hết hàng. Hãy xóa khỏi giỏ.' : 'Sản phẩm không còn bán. Hãy xóa khỏi giỏ.';
        else if (line.qty > product.stockQty) problem = `Chỉ còn ${product.stockQty} sản phẩm.`;
        return { line, product, problem, error };
      } catch (e) {
        return { line, problem: e instanceof ApiError && e.status === 404 ? 'Sản phẩm không còn bán. Hãy xóa khỏi giỏ.' : errorText(e), error };
      }
    }),
  );
  render(main, views);
}

function render(main: HTMLElement, views: LineView[]): void {
  const byCoop = new Map<string, LineView[]>();
  for (const v of views) byCoop.set(v.line.cooperativeId, [...(byCoop.get(v.line.cooperativeId) ?? []), v]);
  const total = views.reduce((s, v) => s + v.line.priceVnd * v.line.qty, 0);
  const totalEl = h('strong', { id: 'cart-total' }, money(total));

  const recompute = () => {
    totalEl.textContent = money(views.reduce((s, v) => s + v.line.priceVnd * v.line.qty, 0));
    for (const v of views) {
      const el = main.querySelector<HTMLElement>(`[data-line-total="${CSS.escape(v.line.productId)}"]`);
      if (el) el.textContent = money(v.line.priceVnd * v.line.qty);
    }
  };

  const lineItem = (v: LineView, index: number) => {
    const l = v.line;
    const max = Math.max(1, Math.min(1000, v.product?.stockQty ?? 1000));
    const qtyId = `qty-${index}`;
    const qty = h('input', { type: 'number', id: qtyId, min: 1, max, value: l.qty, inputmode: 'numeric', class: 'qty' });
    qty.addEventListener('change', () => {
      const n = Math.max(1, Math.min(max, Math.floor(Number(qty.value) || 1)));
      qty.value = String(n);
      l.qty = n;
      cart.setQty(l.productId, n);
      v.error.hidden = true;
      recompute();
    });
    if (v.problem) {
      v.error.textContent = v.problem;
      v.error.hidden = false;
    }
    return h(
      'li',
      { class: 'cart-line', 'data-product-id': l.productId },
      h('div', { class: 'cart-line-name' },
        h('a', { href: `/p/${encodeURIComponent(l.productId)}` }, l.name),
        h('span', { class: 'muted' }, ` ${money(l.priceVnd)} / ${l.unit}`),
      ),
      h('div', { class: 'cart-line-qty' }, h('label', { for: qtyId, class: 'sr-only' }, `Số lượng ${l.name}`), qty),
      h('div', { class: 'cart-line-total', 'data-line-total': l.productId }, money(l.priceVnd * l.qty)),
      h('button', {
        type: 'button',
        class: 'btn btn-link',
        'aria-label': `Xóa ${l.name} khỏi giỏ`,
        onclick: () => {
          cart.remove(l.productId);
          void cartPage(main);
        },
      }, 'Xóa'),
      v.error,
    );
  };

  let index = 0;
  const groups = [...byCoop.values()].map((list) =>
    h('section', { class: 'cart-group', 'aria-label': list[0].line.cooperativeName },
      h('h2', { class: 'cart-coop' }, list[0].line.cooperativeName),
      h('ul', { class: 'cart-lines' }, ...list.map((v) => lineItem(v, index++))),
    ),
  );
  // views in display order = the order of `items` sent to the server
  const ordered = [...byCoop.values()].flat();

  fill(
    main,
    h('h1', null, 'Giỏ hàng'),
    ...groups,
    h('p', { class: 'cart-total' }, 'Tổng cộng: ', totalEl),
    byCoop.size > 1
      ? h('p', { class: 'alert alert-info' }, `Giỏ hàng có sản phẩm của ${byCoop.size} đơn vị: sẽ tạo ${byCoop.size} đơn hàng, mỗi đơn chuyển khoản riêng vào tài khoản của từng đơn vị.`)
      : null,
    checkoutForm(ordered),
  );
}

function checkoutForm(views: LineView[]): HTMLElement {
  const ctl = {
    name: h('input', { type: 'text', name: 'name', autocomplete: 'name', maxlength: 100 }),
    phone: h('input', { type: 'tel', name: 'phone', autocomplete: 'tel', inputmode: 'tel', maxlength: 20 }),
    email: h('input', { type: 'email', name: 'email', autocomplete: 'email', maxlength: 200 }),
    province: h('select', { name: 'provinceCode', autocomplete: 'address-level1' }, h('option', { value: '' }, '— Chọn tỉnh, thành phố —')),
    commune: h('select', { name: 'communeCode', disabled: true }, h('option', { value: '' }, '— Chọn tỉnh, thành phố trước —')),
    line: h('input', { type: 'text', name: 'line', autocomplete: 'street-address', maxlength: 300 }),
  };
  for (const [k, c] of Object.entries(ctl)) c.id = `buyer-${k}`;
  const fields: Record<FieldName, Field<HTMLInputElement | HTMLSelectElement>> = {
    name: field('Họ và tên người nhận', ctl.name),
    phone: field('Số điện thoại', ctl.phone),
    email: field('Email (không bắt buộc)', ctl.email, 'Để nhận thông tin đơn hàng.'),
    province: field('Tỉnh, thành phố', ctl.province),
    commune: field('Phường, xã, đặc khu', ctl.commune),
    line: field('Địa chỉ', ctl.line, 'Số nhà, tên đường, thôn/ấp.'),
  };
  const summary = h('div', { class: 'alert alert-error', role: 'alert', id: 'checkout-errors', hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-big' }, 'Đặt hàng và thanh toán');
  const form = h(
    'form',
    { class: 'checkout', novalidate: true, 'aria-labelledby': 'checkout-h' },
    h('h2', { id: 'checkout-h' }, 'Thông tin nhận hàng'),
    summary,
    h('div', { class: 'form-grid' }, ...Object.values(fields).map((f) => f.wrap)),
    h('fieldset', { class: 'pay-method' },
      h('legend', null, 'Thanh toán'),
      h('label', { class: 'radio' }, h('input', { type: 'radio', name: 'paymentMethod', value: 'vietqr', checked: true }), ' Chuyển khoản bằng mã VietQR'),
      h('p', { class: 'hint' }, 'Quét mã bằng ứng dụng của mọi ngân hàng Việt Nam. Đơn hàng giữ hàng cho bạn trong thời hạn thanh toán.'),
    ),
    submit,
  );

  // Provinces, then the communes of the chosen province.
  void api<{ items: Province[] }>('/regions/provinces').then((r) => {
    for (const p of r.items) ctl.province.append(h('option', { value: p.code }, p.fullName));
  });
  ctl.province.addEventListener('change', async () => {
    const code = ctl.province.value;
    fill(ctl.commune, h('option', { value: '' }, code ? 'Đang tải…' : '— Chọn tỉnh, thành phố trước —'));
    ctl.commune.disabled = true;
    if (!code) return;
    try {
      const r = await api<{ items: Commune[] }>(`/regions/provinces/${encodeURIComponent(code)}/communes`);
      if (ctl.province.value !== code) return;
      fill(ctl.commune, h('option', { value: '' }, '— Chọn phường, xã —'), ...r.items.map((c) => h('option', { value: c.code }, c.fullName)));
      ctl.commune.disabled = false;
      ctl.commune.dispatchEvent(new Event('ocop:loaded'));
    } catch (e) {
      fill(ctl.commune, h('option', { value: '' }, 'Không tải được danh sách phường, xã'));
      fields.commune.setError(errorText(e));
    }
  });

  const values = (): Record<FieldName, string> => ({
    name: ctl.name.value,
    phone: ctl.phone.value,
    email: ctl.email.value,
    province: ctl.province.value,
    commune: ctl.commune.value,
    line: ctl.line.value,
  });

  let touched = false;
  const showClientErrors = (): boolean => {
    const errors = validateBuyer(values());
    for (const [k, f] of Object.entries(fields) as Array<[FieldName, Field<HTMLInputElement | HTMLSelectElement>]>) f.setError(errors[k] ?? null);
    const list = Object.entries(errors) as Array<[FieldName, string]>;
    showSummary(list.map(([k, msg]) => ({ msg, target: fields[k].control })));
    return list.length === 0;
  };
  // After a first submit, messages follow the typing. Not on blur ('change' of a text input): the
  // layout would shift under a click on the submit button and the click would be lost.
  for (const c of Object.values(ctl)) c.addEventListener(c instanceof HTMLSelectElement ? 'change' : 'input', () => touched && showClientErrors());

  function showSummary(items: Array<{ msg: string; target?: HTMLElement }>): void {
    if (!items.length) {
      summary.hidden = true;
      summary.replaceChildren();
      return;
    }
    fill(summary,
      h('p', null, items.length === 1 ? 'Vui lòng sửa lỗi sau:' : `Vui lòng sửa ${items.length} lỗi sau:`),
      h('ul', null, ...items.map((i) => h('li', null, i.target ? h('a', { href: `#${i.target.id}` }, i.msg) : i.msg))),
    );
    summary.hidden = false;
  }

  let lastAttempt: { body: string; key: string } | undefined;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    touched = true;
    for (const v of views) if (!v.problem) v.error.hidden = true;
    if (!showClientErrors()) {
      form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    const blocked = views.find((v) => v.problem && !v.product?.purchasable);
    if (blocked) {
      showSummary([{ msg: `${blocked.line.name}: ${blocked.problem}` }]);
      summary.focus();
      return;
    }
    const v = values();
    const body = {
      buyer: {
        name: v.name.trim(),
        phone: v.phone.replace(/[\s.()-]/g, ''),
        ...(v.email.trim() ? { email: v.email.trim() } : {}),
        address: { provinceCode: v.province, communeCode: v.commune, line: v.line.trim() },
      },
      items: views.map((x) => ({ productId: x.line.productId, qty: x.line.qty })),
      paymentMethod: 'vietqr',
    };
    const json = JSON.stringify(body);
    // A retry of the same request (e.g. after a network error) reuses its key: at most one order.
    if (!lastAttempt || lastAttempt.body !== json) lastAttempt = { body: json, key: randomKey() };
    submit.disabled = true;
    submit.textContent = 'Đang đặt hàng…';
    try {
      const res = await api<CheckoutResponse>('/checkout', { method: 'POST', json: body, headers: { 'Idempotency-Key': lastAttempt.key } });
      orders.save(
        res.orders.map((o) => ({
          id: o.id,
          code: o.code,
          checkoutId: res.checkoutId,
          token: o.accessToken,
          totalVnd: o.totalVnd,
          cooperativeName: o.cooperativeName,
          createdAt: o.createdAt,
        })),
      );
      cart.clear();
      const first = res.orders[0];
      // The token goes in the fragment: browsers never send it to the server.
      location.assign(`/order/${encodeURIComponent(first.id)}#token=${encodeURIComponent(first.accessToken)}`);
    } catch (err) {
      submit.disabled = false;
      submit.textContent = 'Đặt hàng và thanh toán';
      showServerErrors(err);
    }
  });

  function showServerErrors(err: unknown): void {
    if (!(err instanceof ApiError) || (!err.details.length && err.status !== 409)) {
      showSummary([{ msg: errorText(err) }]);
      summary.focus();
      return;
    }
    const items: Array<{ msg: string; target?: HTMLElement }> = [];
    for (const d of err.details) {
      const fname = SERVER_FIELDS[d.field];
      if (fname) {
        const msg = MESSAGES[fname].invalid;
        fields[fname].setError(msg, d.problem);
        items.push({ msg, target: fields[fname].control });
        continue;
      }
      const m = /^items\.(\d+)\./.exec(d.field);
      const line = m ? views[Number(m[1])] : undefined;
      if (line) {
        const msg = err.code === 'out_of_stock' ? `Không đủ hàng: ${stockText(d)}` : err.code === 'not_purchasable' ? 'Sản phẩm không còn bán.' : d.problem;
        line.error.textContent = msg;
        line.error.hidden = false;
        items.push({ msg: `${line.line.name}: ${msg}` });
        continue;
      }
      items.push({ msg: `${d.field}: ${d.problem}` });
    }
    if (!items.length) items.push({ msg: errorText(err) });
    showSummary(items);
    const first = form.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (first) first.focus();
    else summary.focus();
  }

  summary.tabIndex = -1;
  return form;
}

function stockText(d: FieldProblem): string {
  const m = /(\d+)\s*(?:left|available)/i.exec(d.problem);
  if (m) return `chỉ còn ${m[1]} sản phẩm.`;
  return /out of stock/i.test(d.problem) ? 'sản phẩm đã hết hàng.' : d.problem;
}
