import { money } from '../lib/format.js';
import { h } from '../lib/dom.js';
import { toast } from '../lib/ui.js';
import { OCOP_GROUPS, OCOP_LEVELS, starText } from './labels.js';
import { cart } from './store.js';
import type { Product } from './types.js';

export function stars(n: number, level?: string): HTMLElement {
  const s = starText(n);
  return h(
    'p',
    { class: 'stars' },
    h('span', { class: 'star-glyphs', 'aria-hidden': 'true' }, s.text),
    h('span', { class: 'sr-only' }, s.label),
    level ? h('span', { class: 'level' }, ` · ${OCOP_LEVELS[level] ?? level}`) : null,
  );
}

/** The picture, or a tinted block with the OCOP group when the product has none (or it fails to load offline). */
export function thumb(p: Product, big = false): HTMLElement {
  const box = h('div', { class: `thumb thumb-${p.ocop.group}${big ? ' thumb-big' : ''}` }, h('span', { class: 'thumb-label' }, OCOP_GROUPS[p.ocop.group] ?? p.ocop.group));
  const src = p.images[0];
  if (src) {
    const img = h('img', { src, alt: p.name, loading: 'lazy', referrerpolicy: 'no-referrer' });
    img.addEventListener('error', () => img.remove());
    box.append(img);
  }
  return box;
}

export function addToCart(p: Product, qty: number): void {
  cart.add(
    { productId: p.id, name: p.name, priceVnd: p.priceVnd, unit: p.unit, cooperativeId: p.cooperativeId, cooperativeName: p.cooperative.name },
    qty,
  );
  toast(`Đã thêm ${qty} × ${p.name} vào giỏ hàng.`);
}

export function productCard(p: Product): HTMLElement {
  return h(
    'li',
    { class: 'card product-card', 'data-product-id': p.id },
    thumb(p),
    h('div', { class: 'card-body' },
      h('h2', { class: 'card-title' }, h('a', { href: `/p/${encodeURIComponent(p.id)}` }, p.name)),
      stars(p.ocop.stars, p.ocop.level),
      h('p', { class: 'price' }, money(p.priceVnd), h('span', { class: 'unit' }, ` / ${p.unit}`)),
      h('p', { class: 'coop muted' }, `${p.cooperative.name} · ${p.cooperative.provinceName}`),
      p.purchasable
        ? h('button', { type: 'button', class: 'btn btn-primary', onclick: () => addToCart(p, 1) }, 'Thêm vào giỏ', h('span', { class: 'sr-only' }, `: ${p.name}`))
        : h('button', { type: 'button', class: 'btn', disabled: true }, 'Tạm hết hàng'),
    ),
  );
}
