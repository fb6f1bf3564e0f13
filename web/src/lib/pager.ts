import { qs } from './api.js';
import { h } from './dom.js';
import { count } from './format.js';
import { errorBox, errorText } from './ui.js';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PagedList {
  /** "12+ đơn" or the empty sentence; a failure replaces it with an error box. */
  info: HTMLElement;
  /** "Xem thêm": loads the next page (hidden when there is none). */
  more: HTMLButtonElement;
  /** Loads the first page. */
  load(): Promise<void>;
}

/**
 * A list read a page at a time (`?limit=&cursor=`, keyset): each item rendered into `list`, a
 * count line, and a button for the next page.
 */
export function pagedList<T>(o: {
  list: HTMLElement;
  path: string;
  params?: Record<string, string | number | undefined | null>;
  limit: number;
  fetch: <R>(path: string) => Promise<R>;
  render: (item: T) => Node;
  noun: string;
  empty: string;
  moreLabel?: string;
}): PagedList {
  const info = h('p', { class: 'muted', role: 'status' }, 'Đang tải…');
  const more = h('button', { type: 'button', class: 'btn', hidden: true }, o.moreLabel ?? 'Xem thêm');
  let cursor: string | null = null;
  let shown = 0;
  const load = async () => {
    try {
      const r = await o.fetch<Page<T>>(`${o.path}${qs({ ...o.params, limit: o.limit, cursor })}`);
      for (const item of r.items) o.list.append(o.render(item));
      shown += r.items.length;
      cursor = r.nextCursor;
      more.hidden = !cursor;
      info.textContent = shown ? `${count(shown)}${cursor ? '+' : ''} ${o.noun}` : o.empty;
    } catch (e) {
      info.replaceWith(errorBox(errorText(e)));
    } finally {
      o.list.removeAttribute('aria-busy');
    }
  };
  more.addEventListener('click', () => void load());
  return { info, more, load };
}
