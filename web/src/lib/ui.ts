import { ApiError } from './api.js';
import { fill, h } from './dom.js';

let toastTimer: number | undefined;

/** A short message in the page's polite live region. */
export function toast(message: string): void {
  const el = document.getElementById('toast');
  if (!el) return;
  fill(el, message);
  el.classList.add('show');
  window.clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => el.classList.remove('show'), 4000);
}

/** A Vietnamese sentence for an API failure. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 0) return e.message;
    if (e.status === 404) return 'Không tìm thấy.';
    if (e.status === 429) return 'Quá nhiều yêu cầu, vui lòng thử lại sau ít phút.';
    if (e.status >= 500) return 'Máy chủ đang gặp sự cố, vui lòng thử lại sau.';
    return e.message;
  }
  return 'Đã có lỗi xảy ra.';
}

export function errorBox(message: string): HTMLElement {
  return h('div', { class: 'alert alert-error', role: 'alert' }, message);
}

/** The document title: "<page> – Chợ OCOP". */
export function titled(title: string): void {
  document.title = `${title} – Chợ OCOP`;
}
