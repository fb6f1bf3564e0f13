/**
 * What a newcomer needs to open every page of a demo start: one row per page with its URL and, on
 * the start that seeded the demo data, the key to sign in with. Pure.
 */
import type { SeedKey } from '../database/seed.js';
import type { LogRow } from './startup-log.js';

export type Page = 'shop' | 'seller' | 'market-office' | 'docs';

export interface PageRow {
  page: Page;
  label: string;
  url: string;
  /** The API key to sign in with, when it was just issued. */
  key?: string;
  /** Whose key it is. */
  who?: string;
}

export function welcomeRows(baseUrl: string, keys: SeedKey[], demoMarketId: string | null): PageRow[] {
  const keyFor = (path: string) => keys.find((k) => k.page === path);
  const row = (page: Page, label: string, path: string): PageRow => {
    const k = keyFor(path);
    return { page, label, url: `${baseUrl}${path}`, ...(k ? { key: k.key, who: k.who } : {}) };
  };
  return [
    row('shop', 'Shop', '/'),
    row('seller', 'Seller center', '/seller'),
    ...(demoMarketId ? [row('market-office', 'Market office', `/manage/markets/${demoMarketId}`)] : []),
    row('docs', 'API docs', '/docs'),
  ];
}

export const KEYS_SHOWN_ONCE =
  'keys are shown once, at the start that seeded the demo data; an admin issues new ones (POST /cooperatives/{id}/api-keys, POST /markets/{id}/api-keys)';

/** Aligned lines for the log block; the key rows name whose key it is. */
export function welcomeLines(rows: PageRow[]): LogRow[] {
  const label = Math.max(...rows.map((r) => r.label.length));
  const url = Math.max(...rows.map((r) => r.url.length));
  const lines: LogRow[] = rows.map((r) => ({
    msg: `${r.label.padEnd(label)}  ${r.key ? `${r.url.padEnd(url)}  key ${r.key}  (${r.who})` : r.url}`,
    fields: { page: r.page, url: r.url, ...(r.key ? { apiKey: r.key, keyOf: r.who } : {}) },
  }));
  const needsKey = rows.some((r) => r.page === 'seller' || r.page === 'market-office');
  if (needsKey && !rows.some((r) => r.key)) lines.push({ msg: KEYS_SHOWN_ONCE });
  return lines;
}
