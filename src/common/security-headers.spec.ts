import { API_HEADERS, HELMET_OPTIONS, PAGE_HEADERS, securityHeaders } from './security-headers.js';

describe('securityHeaders (helmet, computed once)', () => {
  const h = securityHeaders(HELMET_OPTIONS);

  it('holds helmet\'s headers with our content security policy', () => {
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['x-frame-options']).toBe('SAMEORIGIN');
    expect(h['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(h['referrer-policy']).toBe('no-referrer');
    const csp = h['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("img-src 'self' data: blob: https:");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(h['cross-origin-embedder-policy']).toBeUndefined();
  });

  it('is frozen: no request can change it for the next one', () => {
    expect(Object.isFrozen(h)).toBe(true);
  });
});

describe('API_HEADERS (OWASP REST set)', () => {
  it('keeps what an API answer needs, short', () => {
    expect(API_HEADERS).toEqual({
      'x-content-type-options': 'nosniff',
      'strict-transport-security': PAGE_HEADERS['strict-transport-security'],
      'x-frame-options': 'DENY',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      'cross-origin-resource-policy': 'same-origin',
      'referrer-policy': 'no-referrer',
    });
    expect(JSON.stringify(API_HEADERS).length).toBeLessThan(JSON.stringify(PAGE_HEADERS).length / 2);
  });
});
