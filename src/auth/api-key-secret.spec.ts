import { apiKeyMatches, generateApiKey, hashApiKey, isWellFormedApiKey, keyLookupPrefix } from './api-key-secret.js';

describe('API key secrets', () => {
  it('carries 32 random bytes after the ocop_sk_ prefix', () => {
    const key = generateApiKey();
    expect(key).toMatch(/^ocop_sk_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(8), 'base64url')).toHaveLength(32);
    expect(isWellFormedApiKey(key)).toBe(true);
  });

  it('never repeats', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => generateApiKey()));
    expect(keys.size).toBe(1000);
  });

  it('matches only the exact key', () => {
    const key = generateApiKey();
    const stored = hashApiKey(key);
    expect(apiKeyMatches(key, stored)).toBe(true);
    expect(apiKeyMatches(key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A'), stored)).toBe(false);
    expect(apiKeyMatches('', stored)).toBe(false);
  });

  it('derives the lookup prefix from the random part', () => {
    const key = generateApiKey(() => Buffer.alloc(32, 0xff));
    expect(keyLookupPrefix(key)).toBe('________');
  });

  it.each(['', 'ocop_sk_short', 'sk_live_' + 'a'.repeat(43), 'ocop_sk_' + 'a'.repeat(42) + '!'])('rejects malformed %p', (k) => {
    expect(isWellFormedApiKey(k)).toBe(false);
  });
});
