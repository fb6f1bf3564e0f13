import type { ApiOptions } from '../lib/api.js';
import type { Market } from './types.js';

/** What the market office's sections share: the market, the manager's key, an API caller. */
export interface Office {
  market: Market;
  /** `Authorization: Bearer …` (uploads and downloads). */
  auth(): Record<string, string>;
  /** `api()` with the key; a 401 signs out. */
  call<T>(path: string, opts?: ApiOptions): Promise<T>;
  /** The figures changed (a stall added, sales imported): read the statistics again. */
  statsChanged(): void;
}
