/**
 * A tiny element builder. Text always goes in as text nodes (never parsed as HTML), so data from
 * the API cannot inject markup; attributes go through setAttribute.
 */
export type Child = Node | string | number | null | undefined | false | Child[];
type AttrValue = string | number | boolean | null | undefined;
export type Attrs = Record<string, AttrValue | ((ev: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
      else if (v === true) el.setAttribute(k, '');
      else if (v !== false && v !== null && v !== undefined) el.setAttribute(k, String(v));
    }
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Replaces the children of `el`. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing`);
  return el as T;
}

let uid = 0;
/** A unique id for label/aria wiring. */
export function nextId(prefix: string): string {
  uid += 1;
  return `${prefix}-${uid}`;
}

export type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** A labelled form control with its error line (aria-describedby, aria-invalid). */
export interface Field<T extends Control = Control> {
  wrap: HTMLElement;
  control: T;
  error: HTMLElement;
  setError(msg: string | null, detail?: string): void;
}

export function field<T extends Control>(label: string, control: T, hint?: string): Field<T> {
  const id = control.id || nextId('f');
  control.id = id;
  const errId = `${id}-err`;
  const hintId = hint ? `${id}-hint` : undefined;
  const error = h('p', { class: 'field-error', id: errId, hidden: true });
  control.setAttribute('aria-describedby', [hintId, errId].filter(Boolean).join(' '));
  const wrap = h('div', { class: 'field' }, h('label', { for: id }, label), hint ? h('p', { class: 'hint', id: hintId }, hint) : null, control, error);
  return {
    wrap,
    control,
    error,
    setError(msg, detail) {
      if (!msg) {
        error.hidden = true;
        error.replaceChildren();
        control.removeAttribute('aria-invalid');
        return;
      }
      fill(error, msg, detail ? h('span', { class: 'muted' }, ` (${detail})`) : null);
      error.hidden = false;
      control.setAttribute('aria-invalid', 'true');
    },
  };
}
