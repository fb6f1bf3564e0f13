import { ApiError } from '../lib/api.js';
import { type Field, field, fill, h } from '../lib/dom.js';
import { FormErrors } from '../lib/form-errors.js';
import { dateTimeVn } from '../lib/format.js';
import { errorBox, errorText, titled, toast } from '../lib/ui.js';
import type { Seller } from './context.js';
import type { BankFeed, CreatedBankFeed, Page } from './types.js';

/** The notification services (SPEC "Bank feeds") and where their secret comes from. */
const PROVIDERS: Array<[id: string, label: string, secretHint: string]> = [
  ['sepay', 'SePay', 'Để trống: sàn tạo khóa, bạn dán vào mục "API Key" của webhook trên SePay.'],
  ['casso', 'Casso (Webhook V2)', 'Dán "Khóa bảo mật" (checksum key) mà Casso cấp cho webhook.'],
  ['casso_legacy', 'Casso (webhook cũ)', 'Dán "Secure token" đã đặt trong Casso, hoặc để trống để sàn tạo.'],
  ['pay2s', 'Pay2S', 'Dán token mà Pay2S cấp, hoặc để trống để sàn tạo.'],
];

/** `/seller/feeds`: the services that tell the platform about transfers to the cooperative's account. */
export async function feedsPage(view: HTMLElement, s: Seller): Promise<void> {
  titled('Kết nối ngân hàng');
  const list = h('div', { id: 'feed-list' }, h('p', { class: 'muted' }, 'Đang tải…'));
  const created = h('div', { id: 'feed-created', tabindex: -1 });
  fill(view,
    h('h1', null, 'Kết nối ngân hàng tự động'),
    h('p', { class: 'hint' }, `Dịch vụ báo biến động số dư (SePay, Casso, Pay2S) theo dõi tài khoản ${s.coop.bankAccount.bankName} · ${s.coop.bankAccount.accountNumber} và báo cho sàn mỗi khi có tiền vào: đơn được xác nhận thanh toán ngay, không cần tải sao kê.`),
    created,
    h('section', { class: 'panel', 'aria-labelledby': 'feeds-h' }, h('h2', { id: 'feeds-h' }, 'Kết nối hiện có'), list),
    createForm(s, created, () => void load()),
  );
  const load = async () => {
    try {
      const r = await s.call<Page<BankFeed>>(`${s.coopPath}/bank-feeds?limit=100`);
      fill(list, r.items.length
        ? h('ul', { class: 'item-list' }, ...r.items.map((f) => feedItem(s, f, () => void load())))
        : h('p', { class: 'muted' }, 'Chưa có kết nối nào.'));
    } catch (e) {
      fill(list, errorBox(e instanceof ApiError && e.status === 404 ? 'Máy chủ này chưa hỗ trợ kết nối ngân hàng tự động.' : errorText(e)));
    }
  };
  await load();
}

function providerLabel(id: string): string {
  return PROVIDERS.find(([p]) => p === id)?.[1] ?? id;
}

function feedItem(s: Seller, f: BankFeed, changed: () => void): HTMLElement {
  const del = h('button', { type: 'button', class: 'btn btn-small btn-danger' }, 'Xóa kết nối', h('span', { class: 'sr-only' }, ` ${f.name}`));
  del.addEventListener('click', async () => {
    if (!confirm(`Xóa kết nối "${f.name}"? Dịch vụ sẽ không báo được chuyển khoản cho sàn nữa.`)) return;
    del.disabled = true;
    try {
      await s.call(`/bank-feeds/${encodeURIComponent(f.id)}`, { method: 'DELETE' });
      toast(`Đã xóa kết nối ${f.name}.`);
      changed();
    } catch (e) {
      del.disabled = false;
      toast(`Không xóa được: ${errorText(e)}`);
    }
  });
  return h('li', { class: 'item feed', 'data-feed-id': f.id },
    h('p', null, h('strong', null, f.name), h('span', { class: 'muted' }, ` · ${providerLabel(f.provider)} · tạo lúc ${dateTimeVn(f.createdAt)}`)),
    h('p', { class: 'break' }, h('span', { class: 'muted' }, 'Địa chỉ webhook: '), h('span', { class: 'mono' }, f.webhookUrl)),
    del,
  );
}

/** A value to copy by hand: selected on focus (the clipboard API needs https, a LAN office may not have it). */
function copyable(id: string, label: string, value: string): HTMLElement {
  const input = h('input', { id, readonly: true, value, class: 'mono', spellcheck: 'false' });
  input.addEventListener('focus', () => input.select());
  const btn = h('button', { type: 'button', class: 'btn btn-small' }, 'Sao chép', h('span', { class: 'sr-only' }, ` ${label}`));
  btn.addEventListener('click', async () => {
    input.select();
    try {
      await navigator.clipboard.writeText(value);
      toast(`Đã sao chép ${label}.`);
    } catch {
      toast('Đã chọn sẵn: bấm giữ (hoặc Ctrl+C) để sao chép.');
    }
  });
  return h('div', { class: 'field' }, h('label', { for: id }, label), h('div', { class: 'copy-row' }, input, btn));
}

function createForm(s: Seller, created: HTMLElement, changed: () => void): HTMLElement {
  const provider = h('select', { id: 'feed-provider', name: 'provider', required: true }, ...PROVIDERS.map(([id, label]) => h('option', { value: id }, label)));
  const name = h('input', { id: 'feed-name', name: 'name', required: true, maxlength: 100, autocomplete: 'off' });
  const secret = h('input', { id: 'feed-secret', name: 'secret', maxlength: 1024, autocomplete: 'off', spellcheck: 'false' });
  const fields: Record<string, Field> = {
    provider: field('Dịch vụ', provider),
    name: field('Tên gợi nhớ', name, 'Ví dụ: SePay – Vietcombank'),
    secret: field('Khóa bí mật (nếu dịch vụ cấp)', secret, PROVIDERS[0][2]),
  };
  provider.addEventListener('change', () => {
    const hint = document.getElementById(`${secret.id}-hint`);
    if (hint) hint.textContent = PROVIDERS.find(([p]) => p === provider.value)?.[2] ?? '';
  });
  const errors = new FormErrors(fields);
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Tạo kết nối');
  const form = h('form', { class: 'panel', id: 'feed-form', 'aria-labelledby': 'feed-form-h', novalidate: true },
    h('h2', { id: 'feed-form-h' }, 'Thêm kết nối'),
    errors.summary, fields.provider.wrap, fields.name.wrap, fields.secret.wrap, submit,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const problems = [];
    if (!name.value.trim()) problems.push({ field: 'name', msg: 'Vui lòng đặt tên cho kết nối.' });
    if (secret.value && !/^[\x21-\x7e]{8,1024}$/.test(secret.value)) problems.push({ field: 'secret', msg: 'Khóa bí mật gồm 8–1024 ký tự không dấu, không khoảng trắng.' });
    if (errors.show(problems)) return;
    submit.disabled = true;
    try {
      const f = await s.call<CreatedBankFeed>(`${s.coopPath}/bank-feeds`, {
        method: 'POST',
        json: { provider: provider.value, name: name.value.trim(), ...(secret.value ? { secret: secret.value } : {}) },
      });
      form.reset();
      fill(created,
        h('section', { class: 'panel alert-info feed-secret', 'aria-labelledby': 'created-h' },
          h('h2', { id: 'created-h' }, `Đã tạo kết nối ${f.name}`),
          h('p', null, h('strong', null, 'Khóa bí mật chỉ hiện một lần này.'), ` Nhập hai giá trị dưới đây vào trang cấu hình webhook của ${providerLabel(f.provider)} ngay bây giờ.`),
          copyable('created-webhook-url', 'Địa chỉ webhook', f.webhookUrl),
          copyable('created-secret', 'Khóa bí mật', f.secret),
          h('button', { type: 'button', class: 'btn', onclick: () => created.replaceChildren() }, 'Tôi đã lưu, ẩn khóa đi'),
        ),
      );
      created.focus();
      changed();
    } catch (err) {
      errors.fromApi(err);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
