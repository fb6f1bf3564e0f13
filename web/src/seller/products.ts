import { CERTIFICATE_VALIDITY_MONTHS, OCOP_GROUPS, OCOP_STARS, type OcopStars, addMonths, isCalendarDate, levelForStars, resolveCertificate } from '../../../src/catalog/ocop.js';
import { MAX_STOCK, SKU_PATTERN, TEXT_LIMITS } from '../../../src/catalog/product-rules.js';
import { ApiError } from '../lib/api.js';
import { type Control, type Field, field, fill, h } from '../lib/dom.js';
import { FormErrors, type Problem } from '../lib/form-errors.js';
import { calendarDate, count, money, vnDay } from '../lib/format.js';
import { pagedList } from '../lib/pager.js';
import { errorBox, errorText, titled, toast } from '../lib/ui.js';
import { OCOP_GROUPS as GROUP_LABELS, OCOP_LEVELS } from '../shop/labels.js';
import { thumb } from '../shop/product-card.js';
import type { Seller } from './context.js';
import { photosSection } from './photos.js';
import type { Product } from './types.js';

/** Largest price, as the API's MAX_VND (src/common/money.ts). */
const MAX_PRICE_VND = 1_000_000_000_000;
const PAGE = 50;

/** "Đang bán", "Hết hàng", … for the seller (the storefront shows only what can be bought). */
export function productState(p: Product, today = vnDay()): { label: string; tone: 'ok' | 'warn' | 'off' } {
  if (p.status === 'archived') return { label: 'Đã ngừng bán', tone: 'off' };
  if (p.ocop.expiresAt < today) return { label: 'Chứng nhận OCOP hết hạn', tone: 'warn' };
  if (p.stockQty <= 0) return { label: 'Hết hàng', tone: 'warn' };
  return { label: 'Đang bán', tone: 'ok' };
}

/** `/seller/products`: the cooperative's products (archived and expired ones too), newest first. */
export async function productsPage(view: HTMLElement, s: Seller): Promise<void> {
  titled('Sản phẩm của tôi');
  const list = h('ul', { class: 'item-list', id: 'product-list', 'aria-busy': 'true' });
  const pages = pagedList<Product>({
    list,
    path: '/products',
    params: { cooperativeId: s.coop.id, includeInactive: 'true', sort: 'newest' },
    limit: PAGE,
    fetch: s.call,
    render: productRow,
    noun: 'sản phẩm',
    empty: 'Chưa có sản phẩm nào. Bấm "Thêm sản phẩm" để đăng sản phẩm đầu tiên.',
    moreLabel: 'Xem thêm sản phẩm',
  });
  fill(view,
    h('div', { class: 'page-head' }, h('h1', null, 'Sản phẩm'), h('a', { class: 'btn btn-primary', href: '/seller/products/new', id: 'new-product' }, '+ Thêm sản phẩm')),
    pages.info, list, pages.more,
  );
  await pages.load();
}

function productRow(p: Product): HTMLElement {
  const st = productState(p);
  return h('li', { class: 'item product-row', 'data-product-id': p.id },
    h('div', { class: 'item-thumb' }, thumb(p)),
    h('div', { class: 'item-body' },
      h('h2', { class: 'item-title' }, h('a', { href: `/seller/products/${encodeURIComponent(p.id)}` }, p.name)),
      h('p', { class: 'muted' }, `Mã ${p.sku} · ${money(p.priceVnd)} / ${p.unit}`),
      h('p', null, h('span', { class: `pill pill-${st.tone}` }, st.label), ` Tồn kho: ${count(p.stockQty)}`, ` · ${count(p.photos?.length ?? 0)} ảnh`),
    ),
  );
}

type FieldName =
  | 'name' | 'description' | 'sku' | 'priceVnd' | 'unit' | 'stockQty'
  | 'ocop.group' | 'ocop.stars' | 'ocop.certificateNo' | 'ocop.certifiedAt' | 'ocop.expiresAt' | 'ocop.decisionNo';

const INVALID: Record<FieldName, string> = {
  name: 'Tên sản phẩm không hợp lệ.',
  description: 'Mô tả không hợp lệ.',
  sku: 'Mã SKU không hợp lệ.',
  priceVnd: 'Giá bán không hợp lệ.',
  unit: 'Đơn vị tính không hợp lệ.',
  stockQty: 'Số lượng tồn kho không hợp lệ.',
  'ocop.group': 'Nhóm sản phẩm không hợp lệ.',
  'ocop.stars': 'Hạng sao không hợp lệ.',
  'ocop.certificateNo': 'Số giấy chứng nhận không hợp lệ.',
  'ocop.certifiedAt': 'Ngày cấp không hợp lệ.',
  'ocop.expiresAt': 'Ngày hết hiệu lực không hợp lệ.',
  'ocop.decisionNo': 'Số quyết định không hợp lệ.',
};

/** Whole VND typed the Vietnamese way ("185.000", "185 000") or plain ("185000"); NaN otherwise. */
export function parseVnd(text: string): number {
  const t = text.replace(/[\s.\u00a0]/g, '').replace(/₫|đ$/i, '');
  return /^\d{1,13}$/.test(t) ? Number(t) : NaN;
}

/** `/seller/products/new` and `/seller/products/:id`: the product form (and the photos of a saved product). */
export async function productFormPage(view: HTMLElement, s: Seller, id: string | null): Promise<void> {
  let product: Product | null = null;
  if (id) {
    try {
      product = await s.call<Product>(`/products/${encodeURIComponent(id)}`);
    } catch (e) {
      titled('Không tìm thấy sản phẩm');
      fill(view, h('h1', null, 'Không tìm thấy sản phẩm'), errorBox(e instanceof ApiError && (e.status === 404 || e.status === 400) ? 'Sản phẩm không tồn tại.' : errorText(e)));
      return;
    }
    if (product.cooperativeId !== s.coop.id) {
      fill(view, h('h1', null, 'Không tìm thấy sản phẩm'), errorBox('Sản phẩm này thuộc đơn vị khác.'));
      return;
    }
  }
  titled(product ? `Sửa: ${product.name}` : 'Thêm sản phẩm');
  const form = productForm(s, product);
  const notice = new URLSearchParams(location.search).get('created') ? h('p', { class: 'alert alert-info', role: 'status' }, 'Đã lưu sản phẩm. Bây giờ bạn có thể thêm ảnh.') : null;
  fill(view,
    h('p', { class: 'crumbs' }, h('a', { href: '/seller/products' }, '← Tất cả sản phẩm')),
    h('h1', null, product ? product.name : 'Thêm sản phẩm'),
    product ? h('p', null, h('span', { class: `pill pill-${productState(product).tone}` }, productState(product).label), ' ', h('a', { href: `/p/${encodeURIComponent(product.id)}` }, 'Xem trên cửa hàng')) : null,
    notice,
    product ? photosSection(s, product) : null,
    form,
    product && product.status !== 'archived' ? archiveSection(s, product) : null,
  );
}

function productForm(s: Seller, p: Product | null): HTMLFormElement {
  const input = (name: string, attrs: Record<string, string | number | boolean> = {}) => h('input', { name, id: `pf-${name.replace('.', '-')}`, ...attrs });
  const groupSel = h('select', { name: 'ocop.group', id: 'pf-ocop-group', required: true }, h('option', { value: '' }, '— Chọn nhóm —'), ...OCOP_GROUPS.map((g) => h('option', { value: g }, GROUP_LABELS[g] ?? g)));
  const starsSel = h('select', { name: 'ocop.stars', id: 'pf-ocop-stars', required: true }, ...OCOP_STARS.map((n) => h('option', { value: n }, `${n} sao`)));
  const description = h('textarea', { name: 'description', id: 'pf-description', rows: 5, maxlength: TEXT_LIMITS.description[1] });
  const fields: Record<FieldName, Field> = {
    name: field('Tên sản phẩm', input('name', { required: true, maxlength: TEXT_LIMITS.name[1], autocomplete: 'off' })),
    sku: field('Mã SKU', input('sku', { required: true, maxlength: 64, autocomplete: 'off', spellcheck: 'false' }), 'Mã riêng của đơn vị cho sản phẩm này: chữ không dấu, số, dấu . _ / -'),
    priceVnd: field('Giá bán (đồng)', input('priceVnd', { required: true, inputmode: 'numeric', autocomplete: 'off' }), 'Ví dụ 185.000'),
    unit: field('Đơn vị tính', input('unit', { required: true, maxlength: TEXT_LIMITS.unit[1] }), 'Ví dụ: gói 500g, chai 500ml, hộp 10 túi lọc'),
    stockQty: field('Số lượng tồn kho', input('stockQty', { required: true, inputmode: 'numeric', autocomplete: 'off' })),
    description: field('Mô tả', description, 'Xuống dòng hai lần để tách đoạn.'),
    'ocop.group': field('Nhóm sản phẩm OCOP', groupSel),
    'ocop.stars': field('Hạng sao OCOP', starsSel),
    'ocop.certificateNo': field('Số giấy chứng nhận', input('ocop.certificateNo', { required: true, maxlength: TEXT_LIMITS.certificateNo[1] })),
    'ocop.decisionNo': field('Số quyết định công nhận', input('ocop.decisionNo', { maxlength: TEXT_LIMITS.decisionNo[1] }), 'Không bắt buộc. Ví dụ 512/QĐ-UBND'),
    'ocop.certifiedAt': field('Ngày cấp', input('ocop.certifiedAt', { type: 'date', required: true, max: vnDay() })),
    'ocop.expiresAt': field('Hiệu lực đến', input('ocop.expiresAt', { type: 'date' }), `Không bắt buộc: mặc định ${CERTIFICATE_VALIDITY_MONTHS} tháng kể từ ngày cấp.`),
  };
  const level = h('output', { id: 'pf-level', for: 'pf-ocop-stars' });
  const showLevel = () => (level.textContent = OCOP_LEVELS[levelForStars(Number(starsSel.value) as OcopStars)]);
  starsSel.addEventListener('change', showLevel);
  const c = (k: FieldName) => fields[k].control as Control;
  if (p) {
    c('name').value = p.name;
    c('sku').value = p.sku;
    c('priceVnd').value = String(p.priceVnd);
    c('unit').value = p.unit;
    c('stockQty').value = String(p.stockQty);
    c('description').value = p.description;
    c('ocop.group').value = p.ocop.group;
    c('ocop.stars').value = String(p.ocop.stars);
    c('ocop.certificateNo').value = p.ocop.certificateNo;
    c('ocop.decisionNo').value = p.ocop.decisionNo ?? '';
    c('ocop.certifiedAt').value = p.ocop.certifiedAt;
    c('ocop.expiresAt').value = p.ocop.expiresAt;
  } else {
    c('ocop.stars').value = '4';
    c('stockQty').value = '0';
  }
  showLevel();
  const errors = new FormErrors(fields, (f) => INVALID[f as FieldName] ?? 'Giá trị không hợp lệ.');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-big' }, p ? 'Lưu thay đổi' : 'Lưu sản phẩm');
  const form = h('form', { class: 'panel product-form', id: 'product-form', novalidate: true, 'aria-labelledby': 'pf-h' },
    h('h2', { id: 'pf-h' }, 'Thông tin sản phẩm'),
    errors.summary,
    h('div', { class: 'form-grid' }, fields.name.wrap, fields.sku.wrap, fields.priceVnd.wrap, fields.unit.wrap, fields.stockQty.wrap),
    fields.description.wrap,
    h('fieldset', { class: 'group-box' },
      h('legend', null, 'Chứng nhận OCOP'),
      h('div', { class: 'form-grid' },
        fields['ocop.group'].wrap, fields['ocop.stars'].wrap,
        h('div', { class: 'field' }, h('span', { class: 'label-like' }, 'Cấp chứng nhận'), h('p', { class: 'output' }, level)),
        fields['ocop.certificateNo'].wrap, fields['ocop.decisionNo'].wrap, fields['ocop.certifiedAt'].wrap, fields['ocop.expiresAt'].wrap,
      ),
    ),
    submit,
  );

  const values = () => ({
    name: c('name').value.normalize('NFC').trim(),
    sku: c('sku').value.trim(),
    price: parseVnd(c('priceVnd').value),
    unit: c('unit').value.normalize('NFC').trim(),
    stock: c('stockQty').value.trim(),
    description: c('description').value.normalize('NFC').trim(),
    group: c('ocop.group').value,
    stars: Number(c('ocop.stars').value) as OcopStars,
    certificateNo: c('ocop.certificateNo').value.normalize('NFC').trim(),
    decisionNo: c('ocop.decisionNo').value.normalize('NFC').trim(),
    certifiedAt: c('ocop.certifiedAt').value,
    expiresAt: c('ocop.expiresAt').value,
  });

  /** The API's rules (src/catalog/dto, src/catalog/ocop.ts), in Vietnamese. */
  const check = (v: ReturnType<typeof values>): Problem[] => {
    const out: Problem[] = [];
    const len = (k: FieldName, text: string, [min, max]: readonly [number, number], what: string) => {
      if (!text && min > 0) out.push({ field: k, msg: `Vui lòng nhập ${what}.` });
      else if (text.length < min) out.push({ field: k, msg: `${what[0].toUpperCase()}${what.slice(1)} cần ít nhất ${min} ký tự.` });
      else if (text.length > max) out.push({ field: k, msg: `${what[0].toUpperCase()}${what.slice(1)} dài tối đa ${max} ký tự.` });
    };
    len('name', v.name, TEXT_LIMITS.name, 'tên sản phẩm');
    if (!v.sku) out.push({ field: 'sku', msg: 'Vui lòng nhập mã SKU.' });
    else if (!SKU_PATTERN.test(v.sku)) out.push({ field: 'sku', msg: 'Mã SKU chỉ gồm chữ không dấu, số và . _ / -, bắt đầu bằng chữ hoặc số, tối đa 64 ký tự.' });
    if (!c('priceVnd').value.trim()) out.push({ field: 'priceVnd', msg: 'Vui lòng nhập giá bán.' });
    else if (!Number.isSafeInteger(v.price) || v.price < 1 || v.price > MAX_PRICE_VND) out.push({ field: 'priceVnd', msg: 'Giá bán là số đồng nguyên, từ 1 đến 1.000.000.000.000.' });
    len('unit', v.unit, TEXT_LIMITS.unit, 'đơn vị tính');
    if (!/^\d{1,10}$/.test(v.stock) || Number(v.stock) > MAX_STOCK) out.push({ field: 'stockQty', msg: `Tồn kho là số nguyên từ 0 đến ${count(MAX_STOCK)}.` });
    len('description', v.description, TEXT_LIMITS.description, 'mô tả');
    if (!v.group) out.push({ field: 'ocop.group', msg: 'Vui lòng chọn nhóm sản phẩm OCOP.' });
    len('ocop.certificateNo', v.certificateNo, TEXT_LIMITS.certificateNo, 'số giấy chứng nhận');
    if (v.decisionNo) len('ocop.decisionNo', v.decisionNo, TEXT_LIMITS.decisionNo, 'số quyết định');
    if (!isCalendarDate(v.certifiedAt)) out.push({ field: 'ocop.certifiedAt', msg: 'Vui lòng chọn ngày cấp chứng nhận.' });
    else if (v.expiresAt && !isCalendarDate(v.expiresAt)) out.push({ field: 'ocop.expiresAt', msg: 'Ngày hết hiệu lực không hợp lệ.' });
    else {
      const r = resolveCertificate({ stars: v.stars, certifiedAt: v.certifiedAt, expiresAt: v.expiresAt || null }, vnDay());
      if (!r.ok) {
        for (const pr of r.problems) {
          if (pr.field === 'ocop.certifiedAt') out.push({ field: pr.field, msg: 'Ngày cấp không được ở tương lai.' });
          else if (pr.field === 'ocop.expiresAt') {
            out.push({ field: pr.field, msg: v.expiresAt <= v.certifiedAt ? 'Ngày hết hiệu lực phải sau ngày cấp.' : `Chứng nhận có hiệu lực tối đa ${CERTIFICATE_VALIDITY_MONTHS} tháng: muộn nhất ${calendarDate(addMonths(v.certifiedAt, CERTIFICATE_VALIDITY_MONTHS))}.` });
          }
        }
      }
    }
    return out;
  };

  if (p?.status === 'archived') {
    // The API refuses changes to an archived product (409 product_archived): read-only here.
    for (const el of form.querySelectorAll<Control>('input, select, textarea')) el.disabled = true;
    submit.replaceWith(h('p', { class: 'alert' }, 'Sản phẩm đã ngừng bán: không sửa được nữa.'));
  }
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = values();
    if (errors.show(check(v))) return;
    const ocop = { group: v.group, stars: v.stars, certificateNo: v.certificateNo, certifiedAt: v.certifiedAt };
    const body = p
      ? {
          name: v.name, sku: v.sku, priceVnd: v.price, unit: v.unit, stockQty: Number(v.stock), description: v.description || null,
          ocop: { ...ocop, expiresAt: v.expiresAt || null, decisionNo: v.decisionNo || null },
        }
      : {
          cooperativeId: s.coop.id, name: v.name, sku: v.sku, priceVnd: v.price, unit: v.unit, stockQty: Number(v.stock), description: v.description,
          ocop: { ...ocop, ...(v.expiresAt ? { expiresAt: v.expiresAt } : {}), ...(v.decisionNo ? { decisionNo: v.decisionNo } : {}) },
        };
    submit.disabled = true;
    try {
      const saved = await s.call<Product>(p ? `/products/${encodeURIComponent(p.id)}` : '/products', { method: p ? 'PATCH' : 'POST', json: body });
      if (p) {
        toast('Đã lưu thay đổi.');
        errors.clear();
        submit.disabled = false;
      } else {
        location.assign(`/seller/products/${encodeURIComponent(saved.id)}?created=1`);
      }
    } catch (err) {
      submit.disabled = false;
      errors.fromApi(err, { duplicate_sku: { field: 'sku', msg: 'Mã SKU này đã dùng cho một sản phẩm khác của đơn vị (kể cả sản phẩm đã ngừng bán).' } });
    }
  });
  return form;
}

function archiveSection(s: Seller, p: Product): HTMLElement {
  const btn = h('button', { type: 'button', class: 'btn btn-danger', id: 'archive-product' }, 'Ngừng bán sản phẩm này');
  btn.addEventListener('click', async () => {
    if (!confirm(`Ngừng bán "${p.name}"? Sản phẩm sẽ không còn trên cửa hàng; các đơn cũ vẫn xem được.`)) return;
    btn.disabled = true;
    try {
      await s.call<Product>(`/products/${encodeURIComponent(p.id)}`, { method: 'DELETE' });
      location.assign('/seller/products');
    } catch (e) {
      btn.disabled = false;
      toast(`Không ngừng bán được: ${errorText(e)}`);
    }
  });
  return h('section', { class: 'panel', 'aria-labelledby': 'archive-h' },
    h('h2', { id: 'archive-h' }, 'Ngừng bán'),
    h('p', { class: 'hint' }, 'Sản phẩm ngừng bán được lưu trữ: không hiện trên cửa hàng, không mua được, nhưng các đơn hàng cũ vẫn giữ thông tin.'),
    btn,
  );
}
