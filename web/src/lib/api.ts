/** The JSON API, called from the same origin. Errors carry the SPEC error shape. */
export interface FieldProblem {
  field: string;
  problem: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    readonly details: FieldProblem[] = [],
  ) {
    super(message);
  }
}

export interface ApiOptions {
  method?: string;
  headers?: Record<string, string>;
  json?: unknown;
  signal?: AbortSignal;
}

/** fetch + JSON; a non-2xx answer becomes an ApiError, a network failure an ApiError with status 0. */
export async function apiResponse(path: string, opts: ApiOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  let body: string | undefined;
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.json);
  }
  let res: Response;
  try {
    res = await fetch(path, { method: opts.method ?? 'GET', headers, body, signal: opts.signal, cache: 'no-store' });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.');
  }
  if (!res.ok) {
    let b: { message?: string; code?: string; details?: FieldProblem[] } = {};
    try {
      b = await res.json();
    } catch {
      /* not JSON */
    }
    throw new ApiError(res.status, b.message ?? `HTTP ${res.status}`, b.code, Array.isArray(b.details) ? b.details : []);
  }
  return res;
}

/** The JSON answer; `undefined` for an answer without a body (204 No Content). */
export async function api<T>(path: string, opts: ApiOptions = {}): Promise<T> {
  const res = await apiResponse(path, opts);
  if (res.status === 204) return undefined as T;
  return res.json() as Promise<T>;
}

/** A query string from the defined, non-empty values. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

/**
 * A random key (Idempotency-Key). crypto.randomUUID exists only in secure contexts (https or
 * localhost); getRandomValues works on a plain-http LAN address too.
 */
export function randomKey(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
