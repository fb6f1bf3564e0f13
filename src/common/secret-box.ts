import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Secrets we must be able to read back (a bank feed's token or signing key: its checks need the
 * secret itself, so it cannot be hashed), encrypted at rest with AES-256-GCM.
 *
 * Sealed form: `v1.<key id>.<iv>.<ciphertext>.<tag>` (base64url parts). The key id is the first 8
 * hex digits of the key's SHA-256, so keys can rotate: the first key of the ring seals, every key
 * opens what it sealed. The caller binds each secret to its row (`aad`, e.g. the feed id): a sealed
 * value copied onto another row does not open.
 */
export class SecretBoxError extends Error {}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';

/** A 256-bit key written as base64 (standard or url-safe, 43–44 characters) or 64 hex digits. */
export function parseSecretKey(text: string): Buffer {
  const s = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(s) ? Buffer.from(s, 'hex') : /^[A-Za-z0-9+/_-]{43}=?$/.test(s) ? Buffer.from(s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=$/, ''), 'base64url') : null;
  if (!key || key.length !== KEY_BYTES) throw new SecretBoxError('must be 32 random bytes as base64 (openssl rand -base64 32) or 64 hex digits');
  return key;
}

export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export function generateSecretKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

export class SecretBox {
  private readonly keys: Map<string, Buffer>;
  private readonly current: { id: string; key: Buffer };

  /** `keys[0]` seals; all open. */
  constructor(keys: Buffer[]) {
    if (!keys.length) throw new SecretBoxError('at least one key is needed');
    this.keys = new Map(keys.map((k) => [keyId(k), k]));
    this.current = { id: keyId(keys[0]), key: keys[0] };
  }

  static fromText(keys: string[]): SecretBox {
    return new SecretBox(keys.map(parseSecretKey));
  }

  get currentKeyId(): string {
    return this.current.id;
  }

  seal(plaintext: string, aad: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.current.id, iv.toString('base64url'), ct.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  /** Throws SecretBoxError (never with the secret in it) when the value is not ours or was tampered with. */
  open(sealed: string, aad: string): string {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== VERSION) throw new SecretBoxError('not a sealed secret of version v1');
    const [, id, iv, ct, tag] = parts;
    const key = this.keys.get(id);
    if (!key) throw new SecretBoxError(`sealed with key ${id}, which is not configured`);
    try {
      const ivBytes = Buffer.from(iv, 'base64url');
      if (ivBytes.length !== IV_BYTES) throw new SecretBoxError('bad iv');
      // A fixed tag length: GCM would otherwise accept a truncated tag, which is easier to forge.
      const decipher = createDecipheriv('aes-256-gcm', key, ivBytes, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError(`sealed value does not open with key ${id} (tampered with, or bound to another record)`);
    }
  }
}
