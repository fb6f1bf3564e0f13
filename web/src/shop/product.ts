import { api, ApiError } from '../lib/api.js';
import { fill, h } from '../lib/dom.js';
import { calendarDate, count, money } from '../lib/format.js';
import { errorBox, errorText, titled } from '../lib/ui.js';
import { OCOP_GROUPS, OCOP_LEVELS } from './labels.js';
import { addToCart, photoImg, stars, thumb } from './product-card.js';
import type { Product } from './types.js';

/** `/p/:id`: a product with its OCOP certificate and its cooperative. */
export async function productPage(main: HTMLElement, id: string): Promise<void> {
  let p: Product;
  try {
    p = await api<Product>(`/products/${encodeURIComponent(id)}`);
  } catch (e) {
    titled('Không tìm thấy sản phẩm');
    const missing = e instanceof ApiError && (e.status === 404 || e.status === 400);
    fill(main, h('p', null, h('a', { href: '/' }, '← Tất cả sản phẩm')), h('h1', null, 'Không tìm thấy sản phẩm'), missing ? null : errorBox(errorText(e)));
    return;
  }
  titled(p.name);
  const c = p.ocop;
  const maxQty = Math.max(1, Math.min(1000, p.stockQty));
  const qty = h('input', { type: 'number', id: 'qty', name: 'qty', min: 1, max: maxQty, value: 1, inputmode: 'numeric', class: 'qty' });
  const buy = p.purchasable
    ? h('form', { class: 'buy' },
        h('div', { class: 'field' }, h('label', { for: 'qty' }, 'Số lượng'), qty),
        h('button', { type: 'submit', class: 'btn btn-primary' }, 'Thêm vào giỏ'),
        h('a', { href: '/cart', class: 'btn' }, 'Xem giỏ hàng'),
      )
    : h('p', { class: 'alert' }, p.status === 'archived' ? 'Sản phẩm đã ngừng bán.' : p.stockQty <= 0 ? 'Sản phẩm tạm hết hàng.' : 'Sản phẩm hiện không bán (giấy chứng nhận OCOP đã hết hiệu lực).');
  buy.addEventListener('submit', (e) => {
    e.preventDefault();
    const n = Number(qty.value);
    if (!Number.isInteger(n) || n < 1 || n > maxQty) {
      qty.setAttribute('aria-invalid', 'true');
      qty.focus();
      return;
    }
    qty.removeAttribute('aria-invalid');
    addToCart(p, n);
  });

  const row = (term: string, value: string | null) => (value ? [h('dt', null, term), h('dd', null, value)] : null);
  fill(
    main,
    h('p', { class: 'crumbs' }, h('a', { href: '/' }, '← Tất cả sản phẩm')),
    h('article', { class: 'product' },
      gallery(p),
      h('div', { class: 'product-info' },
        h('h1', null, p.name),
        stars(c.stars, c.level),
        h('p', { class: 'price price-big' }, money(p.priceVnd), h('span', { class: 'unit' }, ` / ${p.unit}`)),
        p.purchasable ? h('p', { class: 'muted' }, `Còn ${count(p.stockQty)} sản phẩm`) : null,
        buy,
        p.description ? h('div', { class: 'description' }, ...p.description.split(/\n{2,}/).map((para) => h('p', null, para))) : null,
      ),
    ),
    h('div', { class: 'panels' },
      h('section', { class: 'panel', 'aria-labelledby': 'cert-h' },
        h('h2', { id: 'cert-h' }, 'Chứng nhận OCOP'),
        h('dl', { class: 'facts', id: 'certificate' },
          row('Hạng', `${c.stars} sao`),
          row('Cấp chứng nhận', OCOP_LEVELS[c.level] ?? c.level),
          row('Nhóm sản phẩm', OCOP_GROUPS[c.group] ?? c.group),
          row('Số giấy chứng nhận', c.certificateNo),
          row('Số quyết định', c.decisionNo),
          row('Ngày cấp', calendarDate(c.certifiedAt)),
          row('Hiệu lực đến', calendarDate(c.expiresAt)),
        ),
      ),
      h('section', { class: 'panel', 'aria-labelledby': 'coop-h' },
        h('h2', { id: 'coop-h' }, 'Đơn vị sản xuất'),
        h('p', { class: 'coop-name' }, p.cooperative.name),
        h('p', { class: 'muted' }, p.cooperative.provinceName),
        h('p', null, h('a', { href: `/?cooperativeId=${encodeURIComponent(p.cooperativeId)}` }, 'Các sản phẩm khác của đơn vị này')),
      ),
    ),
  );
}

const BIG_SIZES = '(max-width: 720px) 100vw, 450px';

/** The first photo big; with several, a row of small ones (buttons) that show each in its place. */
function gallery(p: Product): HTMLElement {
  const photos = p.photos ?? [];
  const main = thumb(p, true);
  if (photos.length < 2) return main;
  const buttons = photos.map((ph, i) =>
    h('button', {
      type: 'button',
      class: 'gallery-thumb',
      'aria-pressed': i === 0 ? 'true' : 'false',
      onclick: () => {
        main.querySelector('img')?.remove();
        main.append(photoImg(ph, i === 0 ? p.name : `${p.name} – ảnh ${i + 1}`, BIG_SIZES, false));
        for (const [k, b] of buttons.entries()) b.setAttribute('aria-pressed', k === i ? 'true' : 'false');
      },
    }, photoImg(ph, '', '80px'), h('span', { class: 'sr-only' }, `Xem ảnh ${i + 1}`)),
  );
  return h('div', { class: 'gallery' }, main, h('ul', { class: 'gallery-strip', 'aria-label': 'Ảnh sản phẩm' }, ...buttons.map((b) => h('li', null, b))));
}
