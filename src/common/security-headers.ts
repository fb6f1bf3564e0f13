import helmet, { type HelmetOptions } from 'helmet';

/**
 * The security headers of every answer, computed once at start by helmet (the maintained standard
 * for them) and then applied as a fixed set: helmet's own middleware, and the Fastify plugin
 * around it, rebuild the same headers on every request (the plugin even re-creates the middleware
 * per request), which cost a measurable share of a short request (bench/RESULTS.md, bench:http).
 * Valid because our policy has no per-request parts (no CSP nonces).
 */
export function securityHeaders(options: Readonly<HelmetOptions>): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
    getHeader(name: string) {
      return headers[name.toLowerCase()];
    },
  };
  let failed: unknown;
  helmet(options)({ method: 'GET', url: '/', headers: {} } as never, res as never, (err?: unknown) => {
    failed = err;
  });
  if (failed) throw failed;
  return Object.freeze(headers);
}

/** The app's policy: pages and assets only from this origin, no inline script. */
export const HELMET_OPTIONS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: {
    useDefaults: true,
    directives: {
      'img-src': ["'self'", 'data:', 'blob:', 'https:'],
      'script-src': ["'self'"],
      'connect-src': ["'self'"],
      // helmet's default upgrade-insecure-requests makes browsers fetch every asset of a page
      // served over plain http (a LAN address, a host name) as https, which fails: the pages
      // would not load. Behind TLS, HSTS and the proxy keep traffic on https.
      'upgrade-insecure-requests': null,
    },
  },
  crossOriginEmbedderPolicy: false,
};

/**
 * The headers of API answers (JSON, images, PDFs, CSV), as OWASP's REST Security Cheat Sheet lists
 * them: no content sniffing, HTTPS only, never framed, nothing loaded by the answer itself, not
 * readable cross-origin, no referrer. The page policy above (helmet's full set, ~700 bytes) is for
 * HTML documents only (WebController, /docs): a browser applies CSP and the other document
 * headers to documents, and sending them with every API answer cost a measurable share of short
 * requests (bench/RESULTS.md, bench:http).
 */
export function apiHeaders(pageHeaders: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  return Object.freeze({
    'x-content-type-options': 'nosniff',
    'strict-transport-security': pageHeaders['strict-transport-security'],
    'x-frame-options': 'DENY',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'cross-origin-resource-policy': 'same-origin',
    'referrer-policy': 'no-referrer',
  });
}

/** The page headers (helmet's full set with our policy), computed once. */
export const PAGE_HEADERS = securityHeaders(HELMET_OPTIONS);
export const API_HEADERS = apiHeaders(PAGE_HEADERS);
