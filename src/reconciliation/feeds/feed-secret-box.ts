import { closeSync, existsSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { generateSecretKey, parseSecretKey, SecretBox, SecretBoxError } from '../../common/secret-box.js';
import type { AppConfig } from '../../config/config.js';

export const FEED_SECRET_BOX = Symbol('FEED_SECRET_BOX');

/**
 * Where a zero-setup start keeps the key it made itself: beside DATA_DIR, not in it — DATA_DIR is
 * the embedded PostgreSQL cluster's directory, which initdb needs empty on a fresh start.
 * `./.data` → `./.data-secrets/bank-feeds.key` (ignored by git).
 */
export function feedKeyFile(dataDir: string): string {
  return join(`${resolve(dataDir)}-secrets`, 'bank-feeds.key');
}

/**
 * The keys that seal bank-feed secrets: BANK_FEED_ENCRYPTION_KEYS when set (required in production,
 * where loadConfig refuses to start without it); otherwise the key file, created once with mode 600.
 */
export function loadFeedSecretBox(config: Pick<AppConfig, 'bankFeedEncryptionKeys' | 'dataDir'>, log: (msg: string) => void = () => undefined): SecretBox {
  if (config.bankFeedEncryptionKeys?.length) return SecretBox.fromText(config.bankFeedEncryptionKeys);
  const file = feedKeyFile(config.dataDir);
  const { created } = ensureKeyFile(file);
  if (created) log(`bank-feed secrets: created encryption key file ${file} (set BANK_FEED_ENCRYPTION_KEYS in production)`);
  const text = readFileSync(file, 'utf8');
  try {
    return new SecretBox([parseSecretKey(text)]);
  } catch (e) {
    throw new Error(`${file}: ${e instanceof SecretBoxError ? e.message : 'unreadable key'}`);
  }
}

/**
 * Creates the key file atomically if it does not exist: the key is written to a private temporary
 * file that is then hard-linked into place, so concurrent starts (several test workers, two
 * instances on one disk) all end up reading the one key that won, never a half-written file.
 */
function ensureKeyFile(file: string): { created: boolean } {
  if (existsSync(file)) return { created: false };
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, `${generateSecretKey()}\n`);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, file);
    return { created: true };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return { created: false };
    throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
}
