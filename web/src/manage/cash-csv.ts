import { ApiError, randomKey } from '../lib/api.js';
import { field, fill, h } from '../lib/dom.js';
import { FormErrors } from '../lib/form-errors.js';
import { calendarDate, count, money } from '../lib/format.js';
import { table } from '../lib/table.js';
import { uploadFile } from '../lib/upload.js';
import { errorBox, errorText } from '../lib/ui.js';
import type { Office } from './office.js';
import type { Figures } from './types.js';

interface BatchResult {
  imported: number;
  firstDay: string | null;
  lastDay: string | null;
  totals: Figures;
}

const COLUMNS: Record<string, string> = {
  stall_code: 'Mã quầy',
  amount_vnd: 'Số tiền',
  method: 'Hình thức',
  occurred_at: 'Thời điểm',
};

const SAMPLE = 'stall_code,amount_vnd,method,occurred_at\r\nA-01,25000,cash,2026-03-01 07:15\r\nA-02,120000,cash,2026-03-01 08:40\r\n';

/** "row 17.amount_vnd" → row 17, column "Số tiền"; anything else stays as the server wrote it. */
function rowProblem(field: string, problem: string): [string, string, string] {
  const m = /^row (\d+)(?:\.(\w+))?$/.exec(field);
  if (!m) return ['—', field, problem];
  return [m[1], m[2] ? (COLUMNS[m[2]] ?? m[2]) : '—', problem];
}

/**
 * Cash sales written down on paper, typed into a spreadsheet and uploaded as CSV: all rows or none.
 * A refused file lists every problem by row and column (the header is row 1), like the API says.
 */
export function cashCsvSection(box: HTMLElement, o: Office): void {
  const picker = h('input', { type: 'file', id: 'cash-file', name: 'file', accept: '.csv,text/csv' });
  const f = field('Tệp CSV', picker, 'Cột: stall_code, amount_vnd, method (cash, qr hoặc card), occurred_at (giờ Việt Nam nếu không ghi múi giờ). Dòng đầu là tên cột. Một dòng sai thì cả tệp không được ghi.');
  const errors = new FormErrors({ file: f });
  const bar = h('progress', { max: 1, value: 0, hidden: true, 'aria-label': 'Tiến độ tải tệp' });
  const result = h('div', { id: 'cash-result', tabindex: -1 });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Tải lên');
  const sample = h('a', { href: `data:text/csv;charset=utf-8,${encodeURIComponent(SAMPLE)}`, download: 'mau-giao-dich.csv' }, 'Tải tệp mẫu');
  const form = h('form', { id: 'cash-form', novalidate: true }, errors.summary, f.wrap, h('div', { class: 'actions' }, submit, sample), bar);
  let attempt: { file: File; key: string } | undefined;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const file = picker.files?.[0];
    if (errors.show(file ? [] : [{ field: 'file', msg: 'Vui lòng chọn tệp CSV.' }])) return;
    // The same file sent again (a dropped answer) reuses its key: its rows are recorded once.
    if (!attempt || attempt.file !== file) attempt = { file: file!, key: randomKey() };
    submit.disabled = true;
    bar.hidden = false;
    result.replaceChildren();
    try {
      const r = await uploadFile<BatchResult>(`/markets/${encodeURIComponent(o.market.id)}/transactions/batch`, file!, file!.name, { ...o.auth(), 'Idempotency-Key': attempt.key }, (x) => (bar.value = x));
      const t = r.body.totals;
      const days = r.body.firstDay ? (r.body.firstDay === r.body.lastDay ? ` ngày ${calendarDate(r.body.firstDay)}` : ` từ ${calendarDate(r.body.firstDay)} đến ${calendarDate(r.body.lastDay!)}`) : '';
      fill(result, h('p', { class: 'alert alert-info', role: 'status' },
        `Đã ghi ${count(r.body.imported)} giao dịch${days}: tiền mặt ${money(t.cashValueVnd)} (${count(t.cashCount)} giao dịch), không tiền mặt ${money(t.cashlessValueVnd)} (${count(t.cashlessCount)} giao dịch).`));
      picker.value = '';
      o.statsChanged();
    } catch (err) {
      if (err instanceof ApiError && err.status === 400 && err.details.some((d) => d.field.startsWith('row '))) {
        fill(result,
          h('div', { class: 'alert alert-error', role: 'alert' },
            h('p', null, `Tệp chưa được ghi (không dòng nào): ${count(err.details.length)} lỗi. Sửa các dòng dưới đây rồi tải lại cả tệp.`)),
          table('Lỗi trong tệp CSV', ['Dòng', 'Cột', 'Lỗi'], err.details.map((d) => rowProblem(d.field, d.problem)), [0], { id: 'cash-errors' }),
        );
        result.focus();
      } else if (err instanceof ApiError && err.details.length) {
        errors.show(err.details.map((d) => ({ field: 'file', msg: 'Tệp không đọc được.', detail: `${d.field}: ${d.problem}` })));
      } else {
        fill(result, errorBox(errorText(err)));
      }
    } finally {
      submit.disabled = false;
      bar.hidden = true;
    }
  });
  fill(box,
    h('h2', { id: 'cash-h' }, 'Giao dịch tiền mặt (tệp CSV)'),
    h('p', { class: 'hint' }, 'Ghi tiền mặt các quầy bán được để thống kê tỷ lệ không tiền mặt đúng. Chuyển khoản VietQR vào tài khoản quầy được ghi tự động: đừng nhập lại.'),
    form,
    result,
  );
}
