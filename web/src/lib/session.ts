import { api, ApiError, type ApiOptions } from './api.js';

/**
 * An API key kept in sessionStorage: gone when the tab closes, never in a URL or a cookie, sent
 * only as a Bearer header. Each page has its own slot (the market office, the seller center).
 */
export interface KeySession {
  key(): string | null;
  save(key: string): void;
  clear(): void;
  /** `Authorization: Bearer …` for fetch. */
  auth(): Record<string, string>;
}

export function keySession(slot: string): KeySession {
  return {
    key: () => sessionStorage.getItem(slot),
    save: (key) => sessionStorage.setItem(slot, key),
    clear: () => sessionStorage.removeItem(slot),
    auth: () => ({ Authorization: `Bearer ${sessionStorage.getItem(slot) ?? ''}` }),
  };
}

/** The shape of an API key, checked before asking the server. */
export const API_KEY_SHAPE = /^ocop_sk_\S+$/;

/** `api()` with the session's key; a 401 (the key was revoked) calls `expired`, then throws. */
export function authedCaller(session: KeySession, expired: (message: string) => void): <T>(path: string, opts?: ApiOptions) => Promise<T> {
  return async <T>(path: string, opts: ApiOptions = {}) => {
    try {
      return await api<T>(path, { ...opts, headers: { ...session.auth(), ...opts.headers } });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) expired('Khóa không còn hiệu lực, vui lòng đăng nhập lại.');
      throw e;
    }
  };
}
