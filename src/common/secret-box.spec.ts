import { randomBytes } from 'node:crypto';
import { generateSecretKey, keyId, parseSecretKey, SecretBox, SecretBoxError } from './secret-box.js';

describe('parseSecretKey', () => {
  const raw = randomBytes(32);
  it.each([
    ['base64', raw.toString('base64')],
    ['base64url', raw.toString('base64url')],
    ['hex', raw.toString('hex')],
    ['hex with surrounding blanks (a file with a newline)', `${raw.toString('hex')}\n`],
  ])('reads %s', (_case, text) => {
    expect(parseSecretKey(text).equals(raw)).toBe(true);
  });

  it.each(['', 'short', randomBytes(16).toString('base64'), randomBytes(31).toString('hex'), 'é'.repeat(44)])('refuses %p', (text) => {
    expect(() => parseSecretKey(text)).toThrow(SecretBoxError);
  });

  it('generates keys it can read', () => {
    expect(parseSecretKey(generateSecretKey())).toHaveLength(32);
  });
});

describe('SecretBox', () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);
  const secret = 'mgExMrjj4i7a1p8Cs6LmFbpCd8lbw4sSX4LZXPag7TKazeIogtR90tvWYTkwQbvs';

  it('seals with a key id prefix and opens again; the sealed text does not contain the secret', () => {
    const box = new SecretBox([k1]);
    const sealed = box.seal(secret, 'feed-1');
    expect(sealed).toMatch(new RegExp(`^v1\\.${keyId(k1)}\\.[\\w-]{16}\\.[\\w-]+\\.[\\w-]{22}$`));
    expect(sealed).not.toContain(secret.slice(0, 8));
    expect(box.open(sealed, 'feed-1')).toBe(secret);
  });

  it('seals the same secret differently each time (random IV)', () => {
    const box = new SecretBox([k1]);
    expect(box.seal(secret, 'f')).not.toBe(box.seal(secret, 'f'));
  });

  it('rotates: a new first key seals, the old key still opens what it sealed', () => {
    const old = new SecretBox([k1]).seal(secret, 'feed-1');
    const rotated = new SecretBox([k2, k1]);
    expect(rotated.open(old, 'feed-1')).toBe(secret);
    expect(rotated.seal(secret, 'feed-1').split('.')[1]).toBe(keyId(k2));
    expect(() => new SecretBox([k2]).open(old, 'feed-1')).toThrow(/sealed with key .* not configured/);
  });

  it.each<[string, (sealed: string) => string, string]>([
    ['bound to another record', (s) => s, 'feed-2'],
    ['a flipped ciphertext bit', (s) => { const p = s.split('.'); const ct = Buffer.from(p[3], 'base64url'); ct[0] ^= 1; p[3] = ct.toString('base64url'); return p.join('.'); }, 'feed-1'],
    ['a truncated tag', (s) => { const p = s.split('.'); p[4] = p[4].slice(0, 6); return p.join('.'); }, 'feed-1'],
    ['another IV length', (s) => { const p = s.split('.'); p[2] = Buffer.alloc(8).toString('base64url'); return p.join('.'); }, 'feed-1'],
    ['another version', (s) => s.replace(/^v1\./, 'v2.'), 'feed-1'],
    ['not a sealed value at all', () => 'plain-secret', 'feed-1'],
  ])('refuses %s, without the secret in the error', (_case, tamper, aad) => {
    const box = new SecretBox([k1]);
    const sealed = tamper(box.seal(secret, 'feed-1'));
    expect(() => box.open(sealed, aad)).toThrow(SecretBoxError);
    try {
      box.open(sealed, aad);
    } catch (e) {
      expect(String((e as Error).message)).not.toContain(secret.slice(0, 8));
    }
  });
});
