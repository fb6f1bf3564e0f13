import { money } from '../lib/format.js';
import { h } from '../lib/dom.js';
import { toast } from '../lib/ui.js';
import { OCOP_GROUPS, OCOP_LEVELS, starText } from './labels.js';
import { cart } from './store.js';
import type { Photo, Product } from './types.js';

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

/** Sizes the server makes of every photo (SPEC "Catalog": photos), smallest first. */
const PHOTO_WIDTHS = ['320', '640', '1280'];

/**
 * The app's own photo files (`/media/photos/…`) are loaded from the origin the page came from: the
 * API writes absolute URLs on PUBLIC_BASE_URL, which a phone on a market's network (the app opened
 * at a LAN address) cannot reach when it is localhost. Object-storage URLs are kept as they are.
 */
export function photoUrl(url: string): string {
  try {
    const u = new URL(url, location.href);
    return u.pathname.startsWith('/media/photos/') ? u.pathname : url;
  } catch {
    return url;
  }
}

/**
 * A photo as a responsive image: the browser picks from the three widths (srcset) for the slot
 * (`sizes`), loads it only when near the screen, and knows its aspect ratio before it arrives
 * (width/height), so nothing below it jumps.
 */
export function photoImg(photo: Photo, alt: string, sizes: string, lazy = true): HTMLImageElement {
  const w = photo.width ?? 1280;
  const hgt = photo.height ?? Math.round((w * 3) / 4);
  // A narrow original is never upscaled: several size names may share one file (listed once).
  const files = new Map<string, number>();
  for (const name of PHOTO_WIDTHS) {
    const url = photo.sizes[name] ? photoUrl(photo.sizes[name]) : undefined;
    if (url && !files.has(url)) files.set(url, Math.min(Number(name), w));
  }
  return h('img', {
    src: photo.sizes['640'] ? photoUrl(photo.sizes['640']) : [...files.keys()].pop(),
    srcset: [...files].map(([url, width]) => `${url} ${width}w`).join(', '),
    sizes,
    width: w,
    height: hgt,
    alt,
    loading: lazy ? 'lazy' : null,
    decoding: 'async',
  });
}

/**
 * The first photo, or a tinted block with the OCOP group when the product has none (or the
 * picture fails to load, e.g. offline). `big`: the product page's picture.
 */
export function thumb(p: Product, big = false): HTMLElement {
  const box = h('div', { class: `thumb thumb-${p.ocop.group}${big ? ' thumb-big' : ''}` }, h('span', { class: 'thumb-label' }, OCOP_GROUPS[p.ocop.group] ?? p.ocop.group));
  const photo = p.photos?.[0];
  let img: HTMLImageElement | null = null;
  if (photo) {
    // Cards: two columns on a phone, up to four on a wide screen; the product page: 40% of the row.
    img = photoImg(photo, p.name, big ? '(max-width: 720px) 100vw, 450px' : '(max-width: 720px) 50vw, 280px', !big);
  } else if (p.images[0]) {
    img = h('img', { src: p.images[0], alt: p.name, loading: big ? null : 'lazy', referrerpolicy: 'no-referrer' });
  }
  if (img) {
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
