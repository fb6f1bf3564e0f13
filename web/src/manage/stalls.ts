import { STALL_CATEGORIES, STALL_CATEGORY_LABELS_VI, STALL_CODE } from '../../../src/markets/stall-rules.js';
import { api, ApiError, qs } from '../lib/api.js';
import { type Field, field, fill, h } from '../lib/dom.js';
import { download } from '../lib/download.js';
import { FormErrors, type Problem } from '../lib/form-errors.js';
import { count } from '../lib/format.js';
import { compactPhone, VN_PHONE } from '../lib/phone.js';
import { scrollRegion } from '../lib/table.js';
import { errorBox, errorText, toast } from '../lib/ui.js';
import type { Office } from './office.js';
import { scanPanel } from './scan.js';
import type { Stall } from './types.js';

const STALL_PAGE = 100;
/** The most stalls one PDF takes (the server's MAX_CARD_STALLS: the ids travel in the URL). */
export const MAX_CARD_STALLS = 200;

export interface Bank {
  bin: string;
  shortName: string;
  name: string;
}

let banksCache: Promise<Bank[]> | undefined;
/** The NAPAS bank list (GET /banks), read once. */
export function banks(): Promise<Bank[]> {
  banksCache ??= api<{ items: Bank[] }>('/banks').then((r) => r.items).catch((e) => {
    banksCache = undefined;
    throw e;
  });
  return banksCache;
}

export function categorySelect(id: string): HTMLSelectElement {
  return h('select', { id, name: 'category', required: true }, h('option', { value: '' }, '— Chọn ngành hàng —'), ...STALL_CATEGORIES.map((c) => h('option', { value: c }, STALL_CATEGORY_LABELS_VI[c])));
}

/** Stall code as the API stores it (trimmed, uppercase), and whether it is one. */
export function stallCode(text: string): { code: string; ok: boolean } {
  const code = text.trim().toUpperCase();
  return { code, ok: STALL_CODE.test(code) };
}

export const CODE_HINT = 'Như in trên quầy, ví dụ A-12: chữ không dấu và số, có thể có - . / _ ở giữa, tối đa 20 ký tự.';

/**
 * The stalls: a list (select QR-enabled stalls to print their cards), add and edit forms,
 * deactivate / reactivate, and registration by scanning the vendor's printed VietQR.
 */
export async function stallsSection(box: HTMLElement, o: Office): Promise<void> {
  const market = encodeURIComponent(o.market.id);
  const body = h('tbody');
  const status = h('p', { class: 'muted', role: 'status' }, 'Đang tải…');
  const more = h('button', { type: 'button', class: 'btn', hidden: true }, 'Xem thêm quầy');
  const panel = h('div', { id: 'stall-panel' });
  const selected = new Set<string>();
  const printBtn = h('button', { type: 'button', class: 'btn', id: 'print-selected', disabled: true }, 'In thẻ QR các quầy đã chọn');
  const selectAll = h('button', { type: 'button', class: 'btn btn-small', id: 'select-all-qr' }, 'Chọn mọi quầy có mã QR');
  const addBtn = h('button', { type: 'button', class: 'btn btn-primary', id: 'add-stall' }, '+ Thêm quầy');
  const scanBtn = h('button', { type: 'button', class: 'btn btn-primary', id: 'scan-stall' }, 'Quét mã VietQR của quầy');
  let stalls: Stall[] = [];
  let cursor: string | null = null;

  const updatePrint = () => {
    printBtn.disabled = selected.size === 0;
    printBtn.textContent = selected.size ? `In thẻ QR ${count(selected.size)} quầy đã chọn` : 'In thẻ QR các quầy đã chọn';
  };

  const row = (x: Stall): HTMLElement => {
    const check = x.qrEnabled
      ? h('input', { type: 'checkbox', class: 'select-stall', value: x.id, 'aria-label': `Chọn quầy ${x.code} để in thẻ QR`, checked: selected.has(x.id) })
      : null;
    check?.addEventListener('change', () => {
      if (check.checked) selected.add(x.id);
      else selected.delete(x.id);
      updatePrint();
    });
    const toggle = h('button', { type: 'button', class: 'btn btn-small toggle-status' }, x.status === 'active' ? 'Tạm nghỉ' : 'Mở lại', h('span', { class: 'sr-only' }, ` quầy ${x.code}`));
    toggle.addEventListener('click', async () => {
      const next = x.status === 'active' ? 'inactive' : 'active';
      if (next === 'inactive' && !confirm(`Cho quầy ${x.code} tạm nghỉ? Quầy không còn được tính là đang hoạt động và không được in thẻ mặc định.`)) return;
      toggle.disabled = true;
      try {
        await o.call<Stall>(`/stalls/${encodeURIComponent(x.id)}`, { method: 'PATCH', json: { status: next } });
        toast(next === 'inactive' ? `Quầy ${x.code} tạm nghỉ.` : `Quầy ${x.code} hoạt động lại.`);
        await reload(x.id);
      } catch (e) {
        toggle.disabled = false;
        toast(`Không đổi được trạng thái: ${errorText(e)}`);
      }
    });
    const edit = h('button', { type: 'button', class: 'btn btn-small edit-stall' }, 'Sửa', h('span', { class: 'sr-only' }, ` quầy ${x.code}`));
    edit.addEventListener('click', () => openForm(x));
    return h('tr', { 'data-stall-id': x.id },
      h('td', null, check ? h('label', { class: 'check' }, check, h('strong', null, x.code)) : h('strong', null, x.code)),
      h('td', null, x.vendorName),
      h('td', null, x.vendorPhone ?? '—'),
      h('td', null, x.categoryLabel),
      h('td', null, x.bankAccount ? `${x.bankAccount.bankName} · ${x.bankAccount.accountNumber}` : h('span', { class: 'muted' }, 'Chưa có (không có mã QR)')),
      h('td', null, x.status === 'active' ? 'Đang hoạt động' : 'Tạm nghỉ'),
      h('td', null, x.qrEnabled ? h('a', { href: `/stalls/${encodeURIComponent(x.id)}/qr.png`, target: '_blank', rel: 'noopener' }, 'Xem mã', h('span', { class: 'sr-only' }, ` quầy ${x.code}`)) : '—'),
      h('td', { class: 'row-actions' }, edit, toggle),
    );
  };

  const page = async () => {
    try {
      const r = await o.call<{ items: Stall[]; nextCursor: string | null }>(`/markets/${market}/stalls${qs({ limit: STALL_PAGE, cursor })}`);
      stalls.push(...r.items);
      for (const x of r.items) body.append(row(x));
      cursor = r.nextCursor;
      more.hidden = !cursor;
      status.textContent = stalls.length ? `${count(stalls.length)}${cursor ? '+' : ''} quầy` : 'Chợ chưa có quầy nào.';
    } catch (e) {
      status.replaceWith(errorBox(errorText(e)));
    }
  };

  /** Reads the list again from the start (after a change); focus goes back to the changed stall's row. */
  const reload = async (focusStallId?: string) => {
    stalls = [];
    cursor = null;
    body.replaceChildren();
    await page();
    o.statsChanged();
    if (focusStallId) body.querySelector<HTMLElement>(`[data-stall-id="${focusStallId}"] button`)?.focus();
  };

  const closePanel = (focus: HTMLElement) => {
    panel.replaceChildren();
    focus.focus();
  };

  const openForm = (x: Stall | null) => {
    fill(panel, stallForm(o, x, async (saved) => {
      panel.replaceChildren();
      await reload(saved.id);
    }, () => closePanel(addBtn)));
    panel.querySelector<HTMLElement>('input, select')?.focus();
  };

  addBtn.addEventListener('click', () => openForm(null));
  scanBtn.addEventListener('click', () => {
    fill(panel, scanPanel(o, async (saved) => {
      panel.replaceChildren();
      if (saved.qrEnabled) selected.add(saved.id);
      await reload(saved.id);
      updatePrint();
    }, () => closePanel(scanBtn)));
  });
  selectAll.addEventListener('click', () => {
    for (const x of stalls) if (x.qrEnabled && x.status === 'active') selected.add(x.id);
    for (const c of body.querySelectorAll<HTMLInputElement>('.select-stall')) c.checked = selected.has(c.value);
    updatePrint();
  });
  printBtn.addEventListener('click', async () => {
    if (selected.size > MAX_CARD_STALLS) return toast(`Mỗi lần in tối đa ${MAX_CARD_STALLS} quầy: bỏ chọn bớt.`);
    printBtn.disabled = true;
    try {
      const name = await download(`/markets/${market}/qr-cards.pdf${qs({ stallIds: [...selected].join(',') })}`, { ...o.auth(), Accept: 'application/pdf' }, 'the-qr.pdf');
      toast(`Đã tải ${name}: mở tệp và in.`);
    } catch (e) {
      toast(`Không tải được: ${errorText(e)}`);
    } finally {
      updatePrint();
    }
  });
  more.addEventListener('click', () => void page());

  fill(box,
    h('h2', { id: 'stalls-h' }, 'Quầy hàng'),
    h('div', { class: 'tools' }, h('div', { class: 'actions' }, scanBtn, addBtn), h('div', { class: 'actions' }, selectAll, printBtn)),
    panel,
    status,
    scrollRegion('Danh sách quầy',
      h('table', { class: 'table', id: 'stall-list' },
        h('caption', { class: 'sr-only' }, 'Danh sách quầy'),
        h('thead', null, h('tr', null, ...['Mã quầy', 'Người bán', 'Điện thoại', 'Ngành hàng', 'Tài khoản nhận tiền', 'Trạng thái', 'Mã QR', 'Thao tác'].map((c) => h('th', { scope: 'col' }, c)))),
        body,
      ),
    ),
    more,
  );
  await page();
}

type StallField = 'code' | 'vendorName' | 'vendorPhone' | 'category' | 'bankAccount.bankBin' | 'bankAccount.accountNumber' | 'bankAccount.accountName' | 'status';

/** Add (x = null) or edit a stall; the account is optional (a stall without one has no QR code). */
function stallForm(o: Office, x: Stall | null, saved: (s: Stall) => Promise<void>, cancel: () => void): HTMLElement {
  const bankSel = h('select', { id: 'sf-bank', name: 'bankBin' }, h('option', { value: '' }, 'Đang tải danh sách ngân hàng…'));
  const ctl = {
    code: h('input', { id: 'sf-code', name: 'code', required: true, maxlength: 20, autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters' }),
    vendorName: h('input', { id: 'sf-vendor', name: 'vendorName', required: true, maxlength: 200, autocomplete: 'off' }),
    vendorPhone: h('input', { id: 'sf-phone', name: 'vendorPhone', type: 'tel', inputmode: 'tel', autocomplete: 'off', required: !x }),
    category: categorySelect('sf-category'),
    bankBin: bankSel,
    accountNumber: h('input', { id: 'sf-account', name: 'accountNumber', inputmode: 'numeric', autocomplete: 'off', maxlength: 30 }),
    accountName: h('input', { id: 'sf-holder', name: 'accountName', autocomplete: 'off', maxlength: 100 }),
    status: h('select', { id: 'sf-status', name: 'status' }, h('option', { value: 'active' }, 'Đang hoạt động'), h('option', { value: 'inactive' }, 'Tạm nghỉ')),
  };
  const fields: Record<StallField, Field> = {
    code: field('Mã quầy', ctl.code, CODE_HINT),
    vendorName: field('Tên người bán', ctl.vendorName),
    vendorPhone: field(x ? 'Điện thoại (để trống để xóa)' : 'Điện thoại', ctl.vendorPhone),
    category: field('Ngành hàng', ctl.category),
    'bankAccount.bankBin': field('Ngân hàng', ctl.bankBin),
    'bankAccount.accountNumber': field('Số tài khoản', ctl.accountNumber),
    'bankAccount.accountName': field('Tên chủ tài khoản', ctl.accountName, 'Như in trên mã QR, ví dụ NGUYEN THI HOA'),
    status: field('Trạng thái', ctl.status),
  };
  void banks().then((list) => {
    fill(bankSel, h('option', { value: '' }, '— Không có tài khoản —'), ...list.map((b) => h('option', { value: b.bin }, `${b.shortName} – ${b.name}`)));
    if (x?.bankAccount) bankSel.value = x.bankAccount.bankBin;
  }).catch(() => fill(bankSel, h('option', { value: x?.bankAccount?.bankBin ?? '' }, x?.bankAccount?.bankName ?? 'Không tải được danh sách ngân hàng')));
  if (x) {
    ctl.code.value = x.code;
    ctl.vendorName.value = x.vendorName;
    ctl.vendorPhone.value = x.vendorPhone ?? '';
    ctl.category.value = x.category;
    ctl.accountNumber.value = x.bankAccount?.accountNumber ?? '';
    ctl.accountName.value = x.bankAccount?.accountName ?? '';
    ctl.status.value = x.status;
  }
  const errors = new FormErrors(fields, () => 'Giá trị không hợp lệ.');
  const form = h('form', { class: 'panel stall-form', id: 'stall-form', novalidate: true, 'aria-labelledby': 'sf-h' },
    h('h3', { id: 'sf-h' }, x ? `Sửa quầy ${x.code}` : 'Thêm quầy'),
    errors.summary,
    h('div', { class: 'form-grid' }, fields.code.wrap, fields.vendorName.wrap, fields.vendorPhone.wrap, fields.category.wrap, x ? fields.status.wrap : null),
    h('fieldset', { class: 'group-box' },
      h('legend', null, 'Tài khoản nhận tiền (mã QR của quầy)'),
      h('p', { class: 'hint' }, 'Để trống cả ba ô nếu quầy chưa có tài khoản.'),
      h('div', { class: 'form-grid' }, fields['bankAccount.bankBin'].wrap, fields['bankAccount.accountNumber'].wrap, fields['bankAccount.accountName'].wrap),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, x ? 'Lưu thay đổi' : 'Thêm quầy'), h('button', { type: 'button', class: 'btn', onclick: cancel }, 'Hủy')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const code = stallCode(ctl.code.value);
    const phone = compactPhone(ctl.vendorPhone.value);
    const account = { bankBin: ctl.bankBin.value, accountNumber: ctl.accountNumber.value.replace(/[\s.-]/g, ''), accountName: ctl.accountName.value.trim() };
    const anyAccount = Boolean(account.bankBin || account.accountNumber || account.accountName);
    const problems: Problem[] = [];
    if (!code.ok) problems.push({ field: 'code', msg: code.code ? 'Mã quầy không hợp lệ.' : 'Vui lòng nhập mã quầy.', detail: code.code ? CODE_HINT : undefined });
    if (ctl.vendorName.value.trim().length < 2) problems.push({ field: 'vendorName', msg: 'Vui lòng nhập tên người bán (ít nhất 2 ký tự).' });
    if (!phone && !x) problems.push({ field: 'vendorPhone', msg: 'Vui lòng nhập số điện thoại.' });
    else if (phone && !VN_PHONE.test(phone)) problems.push({ field: 'vendorPhone', msg: 'Số điện thoại không hợp lệ (ví dụ 0905 123 456).' });
    if (!ctl.category.value) problems.push({ field: 'category', msg: 'Vui lòng chọn ngành hàng.' });
    if (anyAccount) {
      if (!account.bankBin) problems.push({ field: 'bankAccount.bankBin', msg: 'Vui lòng chọn ngân hàng.' });
      if (!account.accountNumber) problems.push({ field: 'bankAccount.accountNumber', msg: 'Vui lòng nhập số tài khoản.' });
      if (account.accountName.length < 2) problems.push({ field: 'bankAccount.accountName', msg: 'Vui lòng nhập tên chủ tài khoản.' });
    }
    if (errors.show(problems)) return;
    const body: Record<string, unknown> = {
      code: code.code,
      vendorName: ctl.vendorName.value.trim(),
      category: ctl.category.value,
      ...(x ? { status: ctl.status.value, vendorPhone: phone || null, bankAccount: anyAccount ? account : null } : { vendorPhone: phone, ...(anyAccount ? { bankAccount: account } : {}) }),
    };
    try {
      const s = await o.call<Stall>(x ? `/stalls/${encodeURIComponent(x.id)}` : `/markets/${encodeURIComponent(o.market.id)}/stalls`, { method: x ? 'PATCH' : 'POST', json: body });
      toast(x ? `Đã lưu quầy ${s.code}.` : `Đã thêm quầy ${s.code}.`);
      await saved(s);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) errors.show([{ field: 'code', msg: 'Mã quầy đã có trong chợ, hoặc tài khoản này đã thuộc quầy khác.', detail: err.message }]);
      else errors.fromApi(err);
    }
  });
  return form;
}
