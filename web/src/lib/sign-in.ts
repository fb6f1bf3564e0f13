import { ApiError } from './api.js';
import { h } from './dom.js';
import { API_KEY_SHAPE } from './session.js';
import { errorText } from './ui.js';

export interface SignInOptions {
  title: string;
  label: string;
  hint: string;
  notice?: string;
  /** Asks the server whether the key opens this page; throws an ApiError (401/403) when not. */
  verify(key: string): Promise<void>;
  /** What a 403 means here ("this key does not manage this market"). */
  forbidden: string;
  /** Called with the verified key. */
  done(key: string): Promise<void> | void;
}

/**
 * The sign-in form of the pages that need an API key: one password field (`#api-key`), Vietnamese
 * messages for an empty, malformed, unknown or unauthorised key.
 */
export function signInForm(o: SignInOptions): HTMLFormElement {
  const input = h('input', { type: 'password', id: 'api-key', name: 'apiKey', autocomplete: 'off', spellcheck: 'false', required: true, 'aria-describedby': 'api-key-hint api-key-err' });
  const err = h('p', { class: 'field-error', id: 'api-key-err', hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Đăng nhập');
  const form = h(
    'form',
    { class: 'panel sign-in', 'aria-labelledby': 'sign-in-h', novalidate: true },
    h('h2', { id: 'sign-in-h' }, o.title),
    o.notice ? h('p', { class: 'alert alert-info', role: 'status' }, o.notice) : null,
    h('div', { class: 'field' }, h('label', { for: 'api-key' }, o.label), h('p', { class: 'hint', id: 'api-key-hint' }, o.hint), input, err),
    submit,
  );
  const fail = (msg: string) => {
    err.textContent = msg;
    err.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const key = input.value.trim();
    if (!key) return fail('Vui lòng nhập khóa API.');
    if (!API_KEY_SHAPE.test(key)) return fail('Khóa API phải bắt đầu bằng ocop_sk_.');
    submit.disabled = true;
    try {
      await o.verify(key);
      await o.done(key);
    } catch (ex) {
      submit.disabled = false;
      if (ex instanceof ApiError && ex.status === 401) fail('Khóa không hợp lệ hoặc đã bị thu hồi.');
      else if (ex instanceof ApiError && ex.status === 403) fail(o.forbidden);
      else fail(errorText(ex));
    }
  });
  queueMicrotask(() => input.focus());
  return form;
}
