import { DeleteObjectsCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import type { MediaConfig } from '../../config/config.js';
import { assertKey, MediaStorage, type StoredObject } from './media-storage.js';

/** Bucket, endpoint (unset = AWS), region, credentials (unset = the SDK's default chain), path-style, public base URL. */
export type S3StorageOptions = NonNullable<MediaConfig['s3']>;

/** Published objects never change: a year in every cache. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/**
 * S3-compatible object storage (AWS S3, MinIO, Cloudflare R2, …) through the official AWS SDK v3.
 * Objects are written with their Content-Type and, for published files, the immutable
 * Cache-Control, so a CDN or the bucket's public endpoint serves them with the right headers.
 */
export class S3MediaStorage extends MediaStorage {
  readonly client: S3Client;

  constructor(private readonly opts: S3StorageOptions) {
    super();
    this.client = new S3Client({
      region: opts.region,
      endpoint: opts.endpoint,
      forcePathStyle: opts.forcePathStyle,
      credentials: opts.credentials,
      maxAttempts: 3,
    });
  }

  async put(key: string, data: Buffer, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.opts.bucket,
        Key: this.key(key),
        Body: data,
        ContentLength: data.length,
        ContentType: contentType,
        CacheControl: key.startsWith('photos/') ? IMMUTABLE_CACHE_CONTROL : 'private, no-store',
      }),
    );
  }

  async read(key: string): Promise<Buffer | null> {
    const obj = await this.get(key);
    if (!obj) return null;
    return Buffer.from(await obj.Body!.transformToByteArray());
  }

  async open(key: string): Promise<StoredObject | null> {
    const obj = await this.get(key);
    if (!obj) return null;
    return { stream: obj.Body as Readable, length: obj.ContentLength, contentType: obj.ContentType };
  }

  async delete(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      const res = await this.client.send(
        new DeleteObjectsCommand({ Bucket: this.opts.bucket, Delete: { Objects: batch.map((k) => ({ Key: this.key(k) })), Quiet: true } }),
      );
      const failed = (res.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
      if (failed.length) throw new Error(`S3 could not delete ${failed.length} object(s): ${failed.map((e) => `${e.Key} ${e.Code}`).join(', ')}`);
    }
  }

  directUrl(key: string): string | null {
    if (!this.opts.publicBaseUrl) return null;
    return `${this.opts.publicBaseUrl.replace(/\/$/, '')}/${this.key(key)}`;
  }

  describe(): string {
    return `s3 bucket ${this.opts.bucket}${this.opts.endpoint ? ` at ${this.opts.endpoint}` : ''}`;
  }

  private async get(key: string) {
    try {
      return await this.client.send(new GetObjectCommand({ Bucket: this.opts.bucket, Key: this.key(key) }));
    } catch (e) {
      if (e instanceof NoSuchKey || (e instanceof S3ServiceException && e.$metadata.httpStatusCode === 404)) return null;
      throw e;
    }
  }

  private key(key: string): string {
    assertKey(key);
    return key;
  }
}
