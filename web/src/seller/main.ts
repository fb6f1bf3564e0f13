import '../styles/base.css';
import '../styles/shop.css';
import '../styles/seller.css';
import { api, ApiError, qs } from '../lib/api.js';
import { byId, fill, h } from '../lib/dom.js';
import { authedCaller, keySession } from '../lib/session.js';
import { signInForm } from '../lib/sign-in.js';
import { errorBox, errorText, titled } from '../lib/ui.js';
import type { Seller } from './context.js';
import { feedsPage } from './feeds.js';
import { moneyPage } from './money.js';
import { orderPage, ordersPage } from './orders.js';
import { productFormPage, productsPage } from './products.js';
import type { Cooperative, Me, Page } from './types.js';

/**
 * The seller center (`/seller`): a cooperative signs in with its API key (an admin key chooses a
 * cooperative first) and works on its products, orders and money. One bundle; the server answers
 * every `/seller/…` path with the same shell and this file picks the page from the path.
 */
const session = keySession('ocop.sellerKey.v1');
/** The cooperative an admin key works for (a cooperative key has its own). */
const ADMIN_COOP = 'ocop.sellerCoop.v1';

const SECTIONS: Array<[path: string, label: string]> = [
  ['/seller/products', 'Sản phẩm'],
  ['/seller/orders', 'Đơn hàng'],
  ['/seller/money', 'Tiền'],
  ['/seller/feeds', 'Kết nối ngân hàng'],
];

function signOut(message?: string): void {
  session.clear();
  sessionStorage.removeItem(ADMIN_COOP);
  void start(message);
}

function accountNav(me: Me | null): void {
  const nav = byId('account-nav');
  if (!me) return nav.replaceChildren();
  fill(
    nav,
    h('div', { class: 'account-actions' },
      me.role === 'admin'
        ? h('button', { type: 'button', class: 'btn btn-small btn-on-dark', id: 'switch-coop', onclick: () => { sessionStorage.removeItem(ADMIN_COOP); void start(); } }, 'Đổi HTX')
        : null,
      h('button', { type: 'button', class: 'btn btn-small btn-on-dark', id: 'sign-out', onclick: () => signOut('Đã đăng xuất.') }, 'Đăng xuất'),
    ),
  );
}

async function start(notice?: string): Promise<void> {
  const main = byId('main');
  if (!session.key()) {
    accountNav(null);
    titled('Đăng nhập trung tâm người bán');
    fill(
      main,
      h('h1', null, 'Trung tâm người bán'),
      h('p', { class: 'muted' }, 'Dành cho hợp tác xã và cơ sở sản xuất bán hàng trên Chợ OCOP: sản phẩm, đơn hàng, tiền hàng.'),
      signInForm({
        title: 'Đăng nhập',
        label: 'Khóa API của hợp tác xã',
        hint: 'Khóa bắt đầu bằng ocop_sk_…, do quản trị viên cấp cho hợp tác xã. Khóa chỉ được giữ trong thẻ trình duyệt này và bị xóa khi đóng thẻ.',
        notice,
        forbidden: 'Khóa này là của ban quản lý chợ, không mở được trung tâm người bán.',
        verify: async (key) => {
          const me = await api<Me>('/me', { headers: { Authorization: `Bearer ${key}` } });
          if (me.role === 'market_manager') throw new ApiError(403, 'market manager key');
        },
        done: (key) => {
          session.save(key);
          void start();
        },
      }),
    );
    return;
  }
  let me: Me;
  try {
    me = await api<Me>('/me', { headers: session.auth() });
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return signOut('Khóa không còn hiệu lực, vui lòng đăng nhập lại.');
    fill(main, h('h1', null, 'Trung tâm người bán'), errorBox(errorText(e)));
    return;
  }
  accountNav(me);
  const coopId = me.role === 'cooperative' ? me.cooperativeId : sessionStorage.getItem(ADMIN_COOP);
  if (!coopId) return chooseCooperative(main);
  let coop: Cooperative;
  try {
    coop = await api<Cooperative>(`/cooperatives/${encodeURIComponent(coopId)}`);
  } catch (e) {
    if (me.role === 'admin') {
      sessionStorage.removeItem(ADMIN_COOP);
      return chooseCooperative(main);
    }
    fill(main, h('h1', null, 'Trung tâm người bán'), errorBox(errorText(e)));
    return;
  }
  const seller: Seller = {
    me,
    coop,
    session,
    coopPath: `/cooperatives/${encodeURIComponent(coop.id)}`,
    call: authedCaller(session, signOut),
    signOut,
  };
  await route(main, seller);
}

/** An admin key picks the cooperative to work for (kept for this tab). */
async function chooseCooperative(main: HTMLElement): Promise<void> {
  titled('Chọn hợp tác xã');
  const select = h('select', { id: 'coop-choice', name: 'cooperative', required: true }, h('option', { value: '' }, 'Đang tải…'));
  const more = h('button', { type: 'button', class: 'btn', hidden: true }, 'Tải thêm hợp tác xã');
  const form = h('form', { class: 'panel sign-in', 'aria-labelledby': 'choose-h' },
    h('h2', { id: 'choose-h' }, 'Chọn hợp tác xã'),
    h('p', { class: 'hint' }, 'Khóa quản trị viên làm việc thay cho một hợp tác xã: chọn đơn vị cần xem.'),
    h('div', { class: 'field' }, h('label', { for: 'coop-choice' }, 'Hợp tác xã'), select),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Mở'), more),
  );
  fill(main, h('h1', null, 'Trung tâm người bán'), form);
  let cursor: string | null = null;
  const load = async () => {
    try {
      const r = await api<Page<Cooperative>>(`/cooperatives${qs({ limit: 100, cursor })}`);
      if (!cursor) fill(select, h('option', { value: '' }, '— Chọn —'));
      for (const c of r.items) select.append(h('option', { value: c.id }, `${c.name} (${c.provinceName})`));
      cursor = r.nextCursor;
      more.hidden = !cursor;
    } catch (e) {
      form.append(errorBox(errorText(e)));
    }
  };
  more.addEventListener('click', () => void load());
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!select.value) return select.focus();
    sessionStorage.setItem(ADMIN_COOP, select.value);
    void start();
  });
  await load();
  select.focus();
}

function sectionNav(current: string): HTMLElement {
  return h('nav', { class: 'section-nav', 'aria-label': 'Mục của trung tâm người bán' },
    h('ul', null, ...SECTIONS.map(([path, label]) => h('li', null, h('a', { href: path, 'aria-current': current === path ? 'page' : null }, label)))),
  );
}

async function route(main: HTMLElement, s: Seller): Promise<void> {
  const path = location.pathname.replace(/\/+$/, '') || '/seller';
  const parts = path.split('/').slice(2).map(decodeURIComponent); // after "/seller"
  const section = `/seller/${parts[0] ?? 'products'}`;
  const view = h('div', { id: 'view' });
  fill(main, h('p', { class: 'coop-line' }, h('strong', null, s.coop.name), h('span', { class: 'muted' }, ` · ${s.coop.provinceName}`)), sectionNav(section), view);
  switch (parts[0] ?? 'products') {
    case 'products':
      return parts[1] ? productFormPage(view, s, parts[1] === 'new' ? null : parts[1]) : productsPage(view, s);
    case 'orders':
      return parts[1] ? orderPage(view, s, parts[1]) : ordersPage(view, s);
    case 'money':
      return moneyPage(view, s);
    case 'feeds':
      return feedsPage(view, s);
    default:
      titled('Không tìm thấy trang');
      fill(view, h('h1', null, 'Không tìm thấy trang'), h('p', null, h('a', { href: '/seller' }, 'Về trang sản phẩm')));
  }
}

void start();
