import type { ApiOptions } from '../lib/api.js';
import type { KeySession } from '../lib/session.js';
import type { Cooperative, Me } from './types.js';

/** What every seller-center page gets: the signed-in key, the cooperative it works for, an API caller. */
export interface Seller {
  me: Me;
  coop: Cooperative;
  session: KeySession;
  /** The cooperative's path prefix in the API: `/cooperatives/<id>`. */
  coopPath: string;
  /** `api()` with the key; a 401 (key revoked) signs out. */
  call<T>(path: string, opts?: ApiOptions): Promise<T>;
  signOut(message?: string): void;
}
