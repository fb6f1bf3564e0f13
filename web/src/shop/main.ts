import '../styles/base.css';
import '../styles/shop.css';
import { byId } from '../lib/dom.js';
import { cartPage } from './cart.js';
import { catalogPage } from './catalog.js';
import { orderPage } from './order.js';
import { productPage } from './product.js';
import { cart } from './store.js';

function updateCartBadge(): void {
  const n = cart.count();
  const badge = byId('cart-count');
  badge.textContent = String(n);
  badge.setAttribute('aria-label', `${n} sản phẩm`);
}

/** One bundle for the storefront's pages; the server answers each path with the same shell. */
async function route(): Promise<void> {
  const main = byId('main');
  const path = location.pathname.replace(/\/+$/, '') || '/';
  let m: RegExpExecArray | null;
  if (path === '/') return catalogPage(main);
  if ((m = /^\/p\/([^/]+)$/.exec(path))) return productPage(main, decodeURIComponent(m[1]));
  if (path === '/cart') return cartPage(main);
  if ((m = /^\/order\/([^/]+)$/.exec(path))) return orderPage(main, decodeURIComponent(m[1]));
  main.textContent = 'Không tìm thấy trang.';
}

updateCartBadge();
window.addEventListener('ocop:store', updateCartBadge);
window.addEventListener('storage', updateCartBadge); // another tab changed the cart
void route();
