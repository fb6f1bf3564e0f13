import { ApiError } from './api.js';
import { type Field, fill, h } from './dom.js';
import { errorText } from './ui.js';

export interface Problem {
  msg: string;
  /** The form field (key of `fields`) the message belongs to. */
  field?: string;
  /** The server's own words, shown after the message. */
  detail?: string;
}

/**
 * Errors of a form: each at its field (aria-invalid, aria-describedby) and all of them in a summary
 * at the top, each a link to its field; focus goes to the first field in error (or the summary).
 * Server 400 `details` are mapped to fields by name (`ocop.certificateNo` → the field registered
 * under that name).
 */
export class FormErrors {
  readonly summary: HTMLElement;

  constructor(private readonly fields: Record<string, Field>, private readonly invalidText: (field: string) => string = () => 'Giá trị không hợp lệ.') {
    this.summary = h('div', { class: 'alert alert-error', role: 'alert', tabindex: -1, hidden: true });
  }

  clear(): void {
    for (const f of Object.values(this.fields)) f.setError(null);
    this.summary.hidden = true;
    this.summary.replaceChildren();
  }

  show(problems: Problem[]): boolean {
    this.clear();
    if (!problems.length) return false;
    for (const p of problems) if (p.field && this.fields[p.field]) this.fields[p.field].setError(p.msg, p.detail);
    fill(
      this.summary,
      h('p', null, problems.length === 1 ? 'Vui lòng sửa lỗi sau:' : `Vui lòng sửa ${problems.length} lỗi sau:`),
      h('ul', null, ...problems.map((p) => {
        const f = p.field ? this.fields[p.field] : undefined;
        return h('li', null, f ? h('a', { href: `#${f.control.id}` }, p.msg) : p.msg, !f && p.detail ? h('span', { class: 'muted' }, ` (${p.detail})`) : null);
      })),
    );
    this.summary.hidden = false;
    const first = problems.find((p) => p.field && this.fields[p.field]);
    (first ? this.fields[first.field!].control : this.summary).focus();
    return true;
  }

  /**
   * A failed request: its field details at their fields, anything else in the summary. A conflict
   * about one field (a duplicate SKU) is named by its code: `{ duplicate_sku: { field, msg } }`.
   */
  fromApi(e: unknown, byCode: Record<string, { field: string; msg: string }> = {}): void {
    if (!(e instanceof ApiError)) return void this.show([{ msg: errorText(e) }]);
    const problems: Problem[] = e.details.map((d) => {
      const field = this.fields[d.field] ? d.field : undefined;
      return field ? { field, msg: this.invalidText(field), detail: d.problem } : { msg: `${d.field}: ${d.problem}` };
    });
    const known = e.code ? byCode[e.code] : undefined;
    if (known) {
      problems.splice(0, problems.length, { field: known.field, msg: known.msg, detail: e.details[0]?.problem ?? e.message });
    }
    if (!problems.length) problems.push({ msg: errorText(e) });
    this.show(problems);
  }
}
