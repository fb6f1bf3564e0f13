import { api, qs } from '../lib/api.js';
import { fill, h } from '../lib/dom.js';
import { errorBox, errorText, titled } from '../lib/ui.js';
import { OCOP_GROUPS, SORTS } from './labels.js';
import { productCard } from './product-card.js';
import type { Page, Product, Province } from './types.js';

const PAGE_SIZE = 24;
const FILTERS = ['q', 'provinceCode', 'group', 'minStars', 'sort', 'cooperativeId'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

function select(name: string, options: Array<[string, string]>, value: string): HTMLSelectElement {
  const s = h('select', { name, id: `f-${name}` }, ...options.map(([v, label]) => h('option', { value: v }, label)));
  s.value = value;
  return s;
}

/** `/`: search and filters (kept in the query string, so a search can be bookmarked) and the product grid. */
export async function catalogPage(main: HTMLElement): Promise<void> {
  titled('Sản phẩm OCOP');
  const url = new URLSearchParams(location.search);
  const f = Object.fromEntries(FILTERS.map((k) => [k, url.get(k) ?? ''])) as Filters;

  const q = h('input', { type: 'search', name: 'q', id: 'f-q', value: f.q, placeholder: 'Ví dụ: cà phê, mật ong, nước mắm', autocomplete: 'off', maxlength: 200 });
  const province = select('provinceCode', [['', 'Tất cả tỉnh, thành']], f.provinceCode);
  const group = select('group', [['', 'Tất cả nhóm'], ...Object.entries(OCOP_GROUPS)], f.group);
  const minStars = select('minStars', [['', 'Mọi hạng sao'], ['3', 'Từ 3 sao'], ['4', 'Từ 4 sao'], ['5', '5 sao']], f.minStars);
  const sort = select('sort', SORTS, f.sort);
  const form = h(
    'form',
    { class: 'search', role: 'search', 'aria-label': 'Tìm sản phẩm' },
    h('div', { class: 'search-main' },
      h('label', { for: 'f-q', class: 'sr-only' }, 'Tìm sản phẩm'),
      q,
      h('button', { type: 'submit', class: 'btn btn-primary' }, 'Tìm'),
    ),
    h('div', { class: 'filters' },
      h('div', { class: 'field' }, h('label', { for: 'f-provinceCode' }, 'Tỉnh, thành phố'), province),
      h('div', { class: 'field' }, h('label', { for: 'f-group' }, 'Nhóm sản phẩm'), group),
      h('div', { class: 'field' }, h('label', { for: 'f-minStars' }, 'Hạng sao OCOP'), minStars),
      h('div', { class: 'field' }, h('label', { for: 'f-sort' }, 'Sắp xếp'), sort),
    ),
  );
  const status = h('p', { class: 'result-status', role: 'status', 'aria-live': 'polite' });
  const grid = h('ul', { class: 'grid', id: 'product-grid', 'aria-label': 'Sản phẩm' });
  const more = h('button', { type: 'button', class: 'btn', hidden: true }, 'Xem thêm sản phẩm');
  const coopNote = h('p', { class: 'muted', hidden: !f.cooperativeId },
    'Đang xem sản phẩm của một hợp tác xã. ',
    h('a', { href: '/' }, 'Xem tất cả'),
  );
  fill(main, h('h1', null, 'Sản phẩm OCOP'), form, coopNote, status, grid, h('div', { class: 'more' }, more));

  void api<{ items: Province[] }>('/regions/provinces')
    .then((r) => {
      for (const p of r.items) province.append(h('option', { value: p.code }, p.fullName));
      province.value = f.provinceCode;
    })
    .catch(() => undefined);

  let cursor: string | null = null;
  let controller: AbortController | undefined;

  const current = (): Filters => ({
    q: q.value.trim(),
    provinceCode: province.value,
    group: group.value,
    minStars: minStars.value,
    sort: sort.value,
    cooperativeId: f.cooperativeId,
  });

  async function load(append: boolean): Promise<void> {
    controller?.abort();
    controller = new AbortController();
    const filters = current();
    if (!append) {
      history.replaceState(null, '', `/${qs(filters)}`);
      cursor = null;
    }
    status.textContent = 'Đang tìm…';
    grid.setAttribute('aria-busy', 'true');
    try {
      const page = await api<Page<Product>>(`/products${qs({ ...filters, limit: PAGE_SIZE, cursor })}`, { signal: controller.signal });
      if (!append) grid.replaceChildren();
      for (const p of page.items) grid.append(productCard(p));
      cursor = page.nextCursor;
      more.hidden = !cursor;
      const n = grid.children.length;
      status.textContent = n === 0
        ? filters.q ? `Không tìm thấy sản phẩm nào cho “${filters.q}”.` : 'Không có sản phẩm nào phù hợp.'
        : `${n}${cursor ? '+' : ''} sản phẩm${filters.q ? ` cho “${filters.q}”` : ''}.`;
    } catch (e) {
      if ((e as Error).name === 'AbortError') return;
      status.replaceChildren(errorBox(errorText(e)));
    } finally {
      grid.removeAttribute('aria-busy');
    }
  }

  let debounce: number | undefined;
  q.addEventListener('input', () => {
    window.clearTimeout(debounce);
    debounce = window.setTimeout(() => void load(false), 350);
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    window.clearTimeout(debounce);
    void load(false);
  });
  for (const s of [province, group, minStars, sort]) s.addEventListener('change', () => void load(false));
  more.addEventListener('click', () => void load(true));
  await load(false);
}
