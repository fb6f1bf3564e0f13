import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Buyers' order access tokens: 32 random bytes (base64url), stored only as a SHA-256 hash. */
export function generateOrderToken(random: (n: number) => Buffer = randomBytes): string {
  return random(32).toString('base64url');
}

export function hashOrderToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function orderTokenMatches(token: string, stored: Buffer): boolean {
  const h = hashOrderToken(token);
  return h.length === stored.length && timingSafeEqual(h, stored);
}
