import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API key secrets: `ocop_sk_` + base64url of 32 random bytes (256 bits). Only the SHA-256 of the
 * whole key is stored (a 256-bit random secret needs no slow hash); `prefix` (the first 8 characters
 * after `ocop_sk_`) finds the candidate rows and is shown in listings so people can tell keys apart.
 */
export const KEY_PREFIX = 'ocop_sk_';
const KEY_RE = /^ocop_sk_[A-Za-z0-9_-]{40,}$/;

export function generateApiKey(random: (n: number) => Buffer = randomBytes): string {
  return KEY_PREFIX + random(32).toString('base64url');
}

export function isWellFormedApiKey(key: string): boolean {
  return KEY_RE.test(key);
}

export function keyLookupPrefix(key: string): string {
  return key.slice(KEY_PREFIX.length, KEY_PREFIX.length + 8);
}

export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** Constant-time comparison of a presented key against a stored hash. */
export function apiKeyMatches(presented: string, storedHash: Buffer): boolean {
  const h = hashApiKey(presented);
  return h.length === storedHash.length && timingSafeEqual(h, storedHash);
}
