import '../styles/base.css';
import '../styles/manage.css';
import type { Chart } from 'chart.js';
import { api, ApiError, qs } from '../lib/api.js';
import { byId, type Child, fill, h } from '../lib/dom.js';
import { download } from '../lib/download.js';
import { addDays, calendarDate, count, money, percent, vnDay } from '../lib/format.js';
import { table } from '../lib/table.js';
import { authedCaller, keySession } from '../lib/session.js';
import { signInForm as managerSignIn } from '../lib/sign-in.js';
import { errorBox, errorText, toast } from '../lib/ui.js';
import { cashCsvSection } from './cash-csv.js';
import type { Office } from './office.js';
import { stallsSection } from './stalls.js';
import { categoryChart, periodLabel, seriesChart, shownCategories } from './charts.js';
import type { Market, MarketStats } from './types.js';

/** The manager's API key lives in sessionStorage: gone when the tab closes, never in a URL or cookie. */
const session = keySession('ocop.managerKey.v1');

const GRANULARITIES: Array<[MarketStats['granularity'], string]> = [
  ['day', 'Theo ngày'],
  ['week', 'Theo tuần'],
  ['month', 'Theo tháng'],
];

const auth = session.auth;

function marketIdFromPath(): string | null {
  const m = /^\/manage\/markets\/([^/]+)\/?$/.exec(location.pathname);
  return m ? decodeURIComponent(m[1]) : null;
}

function accountNav(signedIn: boolean): void {
  const nav = byId('account-nav');
  if (!signedIn) return nav.replaceChildren();
  fill(nav, h('button', { type: 'button', class: 'btn btn-small btn-on-dark', id: 'sign-out', onclick: () => signOut('Đã đăng xuất.') }, 'Đăng xuất'));
}

function signOut(message?: string): void {
  session.clear();
  void start(message);
}

async function start(notice?: string): Promise<void> {
  const main = byId('main');
  const id = marketIdFromPath();
  if (!id) {
    fill(main, h('h1', null, 'Không tìm thấy trang'));
    return;
  }
  let market: Market;
  try {
    market = await api<Market>(`/markets/${encodeURIComponent(id)}`);
  } catch (e) {
    fill(main, h('h1', null, 'Chợ 4.0'), errorBox(e instanceof ApiError && (e.status === 404 || e.status === 400) ? 'Không tìm thấy chợ này.' : errorText(e)));
    return;
  }
  document.title = `${market.name} – Bảng điều khiển chợ 4.0`;
  if (!session.key()) {
    accountNav(false);
    signInForm(main, market, notice);
    return;
  }
  accountNav(true);
  await dashboard(main, market);
}

/** "02 Phan Chu Trinh, Phường Buôn Ma Thuột, Tỉnh Đắk Lắk" without repeating what the address already says. */
function place(m: Market): string {
  const parts = [m.address];
  for (const p of [m.communeName, m.provinceName]) if (p && !m.address.toLowerCase().includes(p.toLowerCase())) parts.push(p);
  return parts.join(', ');
}

function signInForm(main: HTMLElement, market: Market, notice?: string): void {
  fill(
    main,
    h('h1', null, market.name),
    h('p', { class: 'muted' }, place(market)),
    managerSignIn({
      title: 'Đăng nhập ban quản lý chợ',
      label: 'Khóa API quản lý chợ',
      hint: 'Khóa bắt đầu bằng ocop_sk_…, do quản trị viên cấp cho chợ này. Khóa chỉ được giữ trong thẻ trình duyệt này và bị xóa khi đóng thẻ.',
      notice,
      forbidden: 'Khóa này không có quyền quản lý chợ này.',
      // Any call that needs the key tells whether it works for this market.
      verify: (key) => api(`/markets/${encodeURIComponent(market.id)}/stalls${qs({ limit: 1 })}`, { headers: { Authorization: `Bearer ${key}` } }).then(() => undefined),
      done: async (key) => {
        session.save(key);
        accountNav(true);
        await dashboard(main, market);
      },
    }),
  );
}

interface Period {
  from: string;
  to: string;
  granularity: MarketStats['granularity'];
}

function initialPeriod(): Period {
  const u = new URLSearchParams(location.search);
  const today = vnDay();
  const okDay = (d: string | null) => (d && /^\d{4}-\d{2}-\d{2}$/.test(d) ? d : null);
  const to = okDay(u.get('to')) ?? today;
  const from = okDay(u.get('from')) ?? addDays(to, -29);
  const g = u.get('granularity');
  return { from, to, granularity: g === 'week' || g === 'month' ? g : 'day' };
}

async function dashboard(main: HTMLElement, market: Market): Promise<void> {
  let period = initialPeriod();
  let charts: Chart[] = [];

  // ---- period picker -------------------------------------------------------------------------
  const from = h('input', { type: 'date', id: 'p-from', name: 'from', value: period.from, required: true });
  const to = h('input', { type: 'date', id: 'p-to', name: 'to', value: period.to, required: true });
  const gran = h('select', { id: 'p-granularity', name: 'granularity' }, ...GRANULARITIES.map(([v, l]) => h('option', { value: v }, l)));
  gran.value = period.granularity;
  const periodErr = h('p', { class: 'field-error', id: 'period-err', hidden: true });
  const today = vnDay();
  const preset = (label: string, f: string, t: string, g: Period['granularity']) =>
    h('button', {
      type: 'button',
      class: 'btn btn-small',
      onclick: () => {
        from.value = f;
        to.value = t;
        gran.value = g;
        form.requestSubmit();
      },
    }, label);
  const form = h(
    'form',
    { class: 'panel period', 'aria-label': 'Chọn khoảng thời gian', novalidate: true },
    h('div', { class: 'period-fields' },
      h('div', { class: 'field' }, h('label', { for: 'p-from' }, 'Từ ngày'), from),
      h('div', { class: 'field' }, h('label', { for: 'p-to' }, 'Đến ngày'), to),
      h('div', { class: 'field' }, h('label', { for: 'p-granularity' }, 'Biểu đồ'), gran),
      h('button', { type: 'submit', class: 'btn btn-primary' }, 'Xem'),
    ),
    h('div', { class: 'presets', role: 'group', 'aria-label': 'Chọn nhanh' },
      preset('7 ngày', addDays(today, -6), today, 'day'),
      preset('30 ngày', addDays(today, -29), today, 'day'),
      preset('Tháng này', `${today.slice(0, 8)}01`, today, 'day'),
      preset('12 tháng', firstOfMonthBefore(today, 11), today, 'month'),
      preset('Năm nay', `${today.slice(0, 4)}-01-01`, today, 'month'),
    ),
    periodErr,
  );

  // ---- downloads -----------------------------------------------------------------------------
  const csvSection = h('select', { id: 'csv-section' }, h('option', { value: 'series' }, 'Theo thời gian'), h('option', { value: 'categories' }, 'Theo ngành hàng'), h('option', { value: 'stalls' }, 'Từng quầy'));
  const csvBtn = h('button', { type: 'button', class: 'btn', id: 'csv-download' }, 'Tải CSV');
  const pdfBtn = h('button', { type: 'button', class: 'btn', id: 'pdf-download' }, 'Tải thẻ QR các quầy (PDF)');
  const busy = async (btn: HTMLButtonElement, run: () => Promise<string>) => {
    btn.disabled = true;
    try {
      toast(`Đã tải ${await run()}.`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return signOut('Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.');
      toast(`Không tải được: ${errorText(e)}`);
    } finally {
      btn.disabled = false;
    }
  };
  csvBtn.addEventListener('click', () =>
    void busy(csvBtn, () =>
      download(`/markets/${encodeURIComponent(market.id)}/stats${qs({ ...period, section: csvSection.value })}`, { ...auth(), Accept: 'text/csv' }, `thong-ke-${period.from}-${period.to}.csv`),
    ),
  );
  pdfBtn.addEventListener('click', () =>
    void busy(pdfBtn, () => download(`/markets/${encodeURIComponent(market.id)}/qr-cards.pdf`, { ...auth(), Accept: 'application/pdf' }, 'the-qr.pdf')),
  );
  const tools = h('div', { class: 'tools' },
    h('div', { class: 'field inline' }, h('label', { for: 'csv-section' }, 'Xuất số liệu'), csvSection, csvBtn),
    pdfBtn,
  );

  const content = h('div', { id: 'stats', 'aria-live': 'polite', 'aria-busy': 'true' });
  const stallsBox = h('section', { class: 'panel', id: 'stalls', 'aria-labelledby': 'stalls-h' });
  const cashBox = h('section', { class: 'panel', id: 'cash-sales', 'aria-labelledby': 'cash-h' });
  fill(
    main,
    h('h1', null, market.name),
    h('p', { class: 'muted' }, place(market)),
    h('nav', { class: 'section-nav', 'aria-label': 'Các mục của trang' },
      h('ul', null,
        h('li', null, h('a', { href: '#stats-top' }, 'Số liệu')),
        h('li', null, h('a', { href: '#stalls' }, 'Quầy hàng')),
        h('li', null, h('a', { href: '#cash-sales' }, 'Giao dịch tiền mặt')),
      ),
    ),
    h('div', { id: 'stats-top', tabindex: -1 }, form, tools, content),
    stallsBox,
    cashBox,
  );

  const load = async () => {
    content.setAttribute('aria-busy', 'true');
    try {
      const s = await api<MarketStats>(`/markets/${encodeURIComponent(market.id)}/stats${qs({ ...period })}`, { headers: auth() });
      for (const c of charts) c.destroy();
      charts = renderStats(content, s);
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) return signOut(e.status === 401 ? 'Khóa không còn hiệu lực, vui lòng đăng nhập lại.' : 'Khóa này không có quyền quản lý chợ này.');
      if (e instanceof ApiError && e.status === 400) {
        periodErr.textContent = `Khoảng thời gian không hợp lệ: ${e.details.map((d) => d.problem).join('; ') || e.message}`;
        periodErr.hidden = false;
        return;
      }
      fill(content, errorBox(errorText(e)));
    } finally {
      content.setAttribute('aria-busy', 'false');
    }
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    periodErr.hidden = true;
    if (!from.value || !to.value) {
      periodErr.textContent = 'Vui lòng chọn ngày bắt đầu và ngày kết thúc.';
      periodErr.hidden = false;
      return;
    }
    if (from.value > to.value) {
      periodErr.textContent = 'Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.';
      periodErr.hidden = false;
      return;
    }
    period = { from: from.value, to: to.value, granularity: gran.value as Period['granularity'] };
    history.replaceState(null, '', `${location.pathname}${qs({ ...period })}`);
    void load();
  });

  const office: Office = {
    market,
    auth,
    call: authedCaller(session, signOut),
    statsChanged: () => void load(),
  };
  await Promise.all([load(), stallsSection(stallsBox, office), cashCsvSection(cashBox, office)]);
}

/** The first day of the month `n` months before the month of `day`. */
function firstOfMonthBefore(day: string, n: number): string {
  return new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1 - n, 1)).toISOString().slice(0, 10);
}

function card(key: string, label: string, value: string, sub: Child): HTMLElement {
  return h('li', { class: 'stat-card', 'data-card': key },
    h('p', { class: 'stat-label' }, label),
    h('p', { class: 'stat-value' }, value),
    h('p', { class: 'stat-sub' }, sub),
  );
}

function renderStats(content: HTMLElement, s: MarketStats): Chart[] {
  const t = s.totals;
  const st = s.stalls;
  const periodText = s.from === s.to ? calendarDate(s.from) : `${calendarDate(s.from)} – ${calendarDate(s.to)}`;
  const cards = h('ul', { class: 'cards', 'aria-label': 'Chỉ số chính' },
    card('stalls', 'Quầy hàng', count(st.total), st.inactive ? `đang hoạt động · ${count(st.inactive)} quầy tạm nghỉ` : 'đang hoạt động'),
    card('qr-enabled', 'Quầy có mã QR', percent(st.qrEnabledShare), `${count(st.qrEnabled)}/${count(st.total)} quầy`),
    card('active', 'Quầy có giao dịch không tiền mặt', count(st.active), `${percent(st.activeShare)} số quầy`),
    card('share-count', 'Không tiền mặt – theo số giao dịch', percent(t.cashlessShareByCount), `${count(t.cashlessCount)}/${count(t.transactionCount)} giao dịch`),
    card('share-value', 'Không tiền mặt – theo giá trị', percent(t.cashlessShareByValue), `${money(t.cashlessValueVnd)} / ${money(t.valueVnd)}`),
    card('cashless-value', 'Doanh số không tiền mặt', money(t.cashlessValueVnd), `VietQR ${money(t.qrValueVnd)} · thẻ ${money(t.cardValueVnd)}`),
  );

  const seriesCanvas = h('canvas', { id: 'chart-series', role: 'img', 'aria-label': `Biểu đồ giá trị giao dịch theo phương thức thanh toán, ${periodText}. Số liệu chi tiết ở bảng ngay dưới.` });
  const catCanvas = h('canvas', { id: 'chart-categories', role: 'img', 'aria-label': `Biểu đồ giá trị giao dịch theo ngành hàng, ${periodText}. Số liệu chi tiết ở bảng ngay dưới.` });
  const cats = shownCategories(s);

  fill(
    content,
    h('h2', { class: 'period-title' }, `Số liệu ${periodText}`),
    cards,
    h('div', { class: 'charts' },
      h('section', { class: 'panel', 'aria-labelledby': 'series-h' },
        h('h2', { id: 'series-h' }, 'Giao dịch theo thời gian'),
        h('div', { class: 'chart-box' }, seriesCanvas),
        h('details', null, h('summary', null, 'Xem bảng số liệu'),
          table('Giao dịch theo thời gian', ['Kỳ', 'Số giao dịch', 'VietQR', 'Thẻ', 'Tiền mặt', 'Không tiền mặt (giá trị)'],
            s.series.map((p) => [periodLabel(p, s.granularity), count(p.transactionCount), money(p.qrValueVnd), money(p.cardValueVnd), money(p.cashValueVnd), percent(p.cashlessShareByValue)]),
            [1, 2, 3, 4, 5]),
        ),
      ),
      h('section', { class: 'panel', 'aria-labelledby': 'cat-h' },
        h('h2', { id: 'cat-h' }, 'Theo ngành hàng'),
        h('div', { class: 'chart-box' }, catCanvas),
        h('details', null, h('summary', null, 'Xem bảng số liệu'),
          table('Theo ngành hàng', ['Ngành hàng', 'Quầy', 'Có QR', 'Không tiền mặt', 'Tiền mặt', 'Tỷ lệ (giá trị)'],
            cats.map((c) => [c.label, count(c.stalls.total), count(c.stalls.qrEnabled), money(c.cashlessValueVnd), money(c.cashValueVnd), percent(c.cashlessShareByValue)]),
            [1, 2, 3, 4, 5]),
        ),
      ),
    ),
    h('section', { class: 'panel', 'aria-labelledby': 'top-h' },
      h('h2', { id: 'top-h' }, 'Quầy dẫn đầu về thanh toán không tiền mặt'),
      s.topStalls.length
        ? h('div', { id: 'top-stalls' },
            table('Quầy dẫn đầu', ['#', 'Quầy', 'Người bán', 'Ngành hàng', 'Giao dịch không tiền mặt', 'Giá trị không tiền mặt', 'Tỷ lệ (giá trị)'],
              s.topStalls.map((x, i) => [String(i + 1), h('strong', null, x.code), x.vendorName, x.categoryLabel, count(x.cashlessCount), money(x.cashlessValueVnd), percent(x.cashlessShareByValue)]),
              [0, 4, 5, 6]),
          )
        : h('p', { class: 'muted', id: 'top-stalls' }, 'Chưa có giao dịch không tiền mặt trong khoảng thời gian này.'),
    ),
  );
  // Charts are drawn once the canvases are in the page (they size to their box).
  return [seriesChart(seriesCanvas, s), categoryChart(catCanvas, s)];
}

void start();
