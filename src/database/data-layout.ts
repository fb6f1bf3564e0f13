import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * What lives under DATA_DIR (zero-setup starts):
 *   DATA_DIR/postgres   the embedded PostgreSQL cluster
 *   DATA_DIR/media      product photos (MEDIA_STORAGE=disk)
 *   DATA_DIR/secrets    the bank-feed key file, when BANK_FEED_ENCRYPTION_KEYS is unset
 * A DATA_DIR made by the first wave holds the cluster itself (its PG_VERSION is at the top): that
 * layout is kept as it is, and the photos and the key file sit beside the cluster's own files.
 */
export function embeddedClusterDir(dataDir: string): string {
  const root = resolve(dataDir);
  return existsSync(join(root, 'PG_VERSION')) ? root : join(root, 'postgres');
}

export function mediaDir(dataDir: string): string {
  return join(resolve(dataDir), 'media');
}

export function secretsDir(dataDir: string): string {
  return join(resolve(dataDir), 'secrets');
}
