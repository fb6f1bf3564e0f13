import type { Readable } from 'node:stream';

/**
 * Where photo files live: a key → bytes store with immutable objects. Keys are ASCII paths such as
 * `photos/<photoId>/w640.webp` (published, cacheable for a year) and `originals/<photoId>`
 * (uploads waiting for processing; never served, deleted once processed).
 *
 * Adapters: DiskMediaStorage (under DATA_DIR/media, the default) and S3MediaStorage (AWS S3,
 * MinIO, Cloudflare R2… through the official AWS SDK v3).
 */
export abstract class MediaStorage {
  /** Writes an object (replacing one of the same key: processing may be retried). */
  abstract put(key: string, data: Buffer, contentType: string): Promise<void>;
  /** The bytes of an object, or null when there is none. */
  abstract read(key: string): Promise<Buffer | null>;
  /** A stream of an object for serving, or null when there is none. */
  abstract open(key: string): Promise<StoredObject | null>;
  /** Removes objects; absent ones are not an error. */
  abstract delete(keys: string[]): Promise<void>;
  /**
   * The public URL of a published object when the store serves it itself (S3 with
   * S3_PUBLIC_BASE_URL), or null when the app serves it (GET /media/…).
   */
  abstract directUrl(key: string): string | null;
  /** A short description for logs (never secrets). */
  abstract describe(): string;
}

export interface StoredObject {
  stream: Readable;
  length?: number;
  contentType?: string;
}

/** A key as this module writes them: no "..", no leading slash, a restricted alphabet. */
export const KEY_PATTERN = /^(?:[a-z0-9-]+\/)*[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function assertKey(key: string): void {
  if (!KEY_PATTERN.test(key) || key.includes('..')) throw new RangeError(`invalid storage key: ${JSON.stringify(key)}`);
}
