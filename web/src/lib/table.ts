import { type Child, h } from './dom.js';

/**
 * A box that scrolls a wide table sideways at phone width. A scrollable region must be reachable
 * from the keyboard (WCAG 2.1.1, axe `scrollable-region-focusable`): it takes focus (tabindex 0,
 * then the arrow keys scroll it) and is named for screen readers as a region.
 */
export function scrollRegion(label: string, content: Child): HTMLElement {
  return h('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': label }, content);
}

/** A data table with a caption (for screen readers), column headers and right-aligned numeric columns. */
export function table(caption: string, head: string[], rows: Child[][], numeric: number[] = [], attrs: Record<string, string> = {}): HTMLElement {
  return scrollRegion(
    caption,
    h('table', { class: 'table', ...attrs },
      h('caption', { class: 'sr-only' }, caption),
      h('thead', null, h('tr', null, ...head.map((c, i) => h('th', { scope: 'col', class: numeric.includes(i) ? 'num' : null }, c)))),
      h('tbody', null, ...rows.map((r) => h('tr', null, ...r.map((c, i) => h('td', { class: numeric.includes(i) ? 'num' : null }, c))))),
    ),
  );
}
