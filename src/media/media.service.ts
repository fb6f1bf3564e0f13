import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { DataSource, EntityManager } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { CatalogService } from '../catalog/catalog.service.js';
import type { ProductPhotoView } from '../catalog/product-photos.js';
import { Clock } from '../common/clock.js';
import { InvalidInput } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { JobsService } from '../jobs/jobs.service.js';
import { type ImageLimits, inspectUpload, renderPhoto } from './image-processing.js';
import type { AcceptedImageType } from './image-type.js';
import { ImageProcessingFailed, InvalidImage, PhotoNotFound, TooManyPhotos, UnsupportedImageType } from './media.errors.js';
import { orderProblems } from './photo-order.js';
import { readUpload } from './read-upload.js';
import { PHOTO_WIDTHS } from './size-plan.js';
import { MediaStorage, type StoredObject } from './storage/media-storage.js';

/** The job queue that makes a photo's renditions. */
export const PHOTO_QUEUE = 'media.process-photo';
/** Most photos a product can have (processing or ready; failed ones do not count). */
export const MAX_PHOTOS_PER_PRODUCT = 10;
/** Processing attempts before a photo is given up as failed (a file that kills the process…). */
export const MAX_PROCESSING_ATTEMPTS = 5;

export type PhotoStatus = 'processing' | 'ready' | 'failed';

/** What the upload route hands over: the bytes (a Buffer or the multipart file stream). */
export interface PhotoUpload {
  data: Buffer | Readable;
  /** As declared by the client: logged in refusals, never used to decide anything. */
  filename?: string;
  mimetype?: string;
}

/** A photo as its owner sees it (every status). */
export interface PhotoView {
  id: string;
  productId: string;
  position: number;
  status: PhotoStatus;
  /** URLs once ready, else null. */
  sizes: ProductPhotoView['sizes'] | null;
  width: number | null;
  height: number | null;
  /** Why processing failed (status failed), else null. */
  failureReason: string | null;
  createdAt: string;
}

interface PhotoRow {
  id: string;
  product_id: string;
  position: number;
  status: PhotoStatus;
  original_format: AcceptedImageType;
  original_key: string | null;
  sizes: Record<string, string> | null;
  files: Array<{ width: number; height: number; key: string; bytes: number }> | null;
  width: number | null;
  height: number | null;
  failure_reason: string | null;
  created_at: Date;
}

const PHOTO_COLUMNS = `id, product_id, position, status, original_format, original_key, sizes, files, width, height, failure_reason, created_at`;
const PUBLISHED_FILE = /^w(\d{1,5})\.webp$/;

/**
 * Product photos: upload checks, storage, processing on the job queue, order, deletion, serving.
 *
 * Life of a photo: addPhoto() checks the upload (type by content, size, pixels, completeness),
 * stores the original privately and commits a `processing` row together with a queue job; the
 * worker's processPhoto() makes the WebP renditions, publishes them and marks the photo `ready`
 * (only then is it in the product's public JSON), or `failed` with a reason; the original is
 * deleted either way (it may hold EXIF GPS). Published files never change: their keys carry the
 * photo id, which is never reused, so they are served with a one-year immutable cache.
 */
@Injectable()
export class MediaService implements OnModuleInit {
  private readonly log = new Logger(MediaService.name);
  private readonly limits: ImageLimits;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly storage: MediaStorage,
    private readonly catalog: CatalogService,
    private readonly jobs: JobsService,
    private readonly clock: Clock,
  ) {
    this.limits = { maxPixels: config.media.maxPixels };
  }

  onModuleInit(): void {
    this.catalog.usePhotoSource((ids) => this.readyPhotosOf(ids));
    void this.jobs.register<{ photoId: string }>({
      name: PHOTO_QUEUE,
      retryLimit: 5,
      retryDelaySeconds: 15,
      expireInSeconds: 15 * 60,
      // A live process holding the lease is already on it: a second delivery does nothing.
      handler: async ({ photoId }) => {
        await this.jobs.lease(PHOTO_QUEUE, photoId, () => this.processPhoto(photoId));
      },
      recover: async () => {
        const rows: Array<{ id: string }> = await this.ds.query(`SELECT id FROM product_photos WHERE status = 'processing' ORDER BY created_at LIMIT 500`);
        return rows.map((r) => ({ key: r.id, data: { photoId: r.id } }));
      },
    });
  }

  // ------------------------------------------------------------------------------------------
  // Use cases
  // ------------------------------------------------------------------------------------------

  /**
   * POST /products/:id/images. Checks ownership first (404/403/409 before reading the upload),
   * then the upload (413 too large, 415 not JPEG/PNG/WebP/HEIC by content, 400 incomplete,
   * damaged or a refused size, all on the field `file`), stores the original and commits the
   * photo with its processing job. Returns the photo in status `processing` (the route answers
   * 202). The same bytes uploaded again to the same product return the existing photo.
   */
  async addPhoto(productId: string, actor: Principal, upload: PhotoUpload): Promise<PhotoView> {
    await this.ds.transaction((m) => this.catalog.lockOwnedProduct(m, productId, actor));
    const data = await readUpload(upload.data, this.config.media.maxUploadBytes);
    const image = await this.inspect(data, upload);
    const id = randomUUID();
    const originalKey = `originals/${id}`;
    await this.storage.put(originalKey, data, 'application/octet-stream');
    let created = false;
    let row: PhotoRow;
    try {
      row = await this.ds.transaction(async (m) => {
        await this.catalog.lockOwnedProduct(m, productId, actor);
        const same: PhotoRow[] = await m.query(`SELECT ${PHOTO_COLUMNS} FROM product_photos WHERE product_id = $1 AND content_sha256 = $2`, [productId, image.sha256]);
        if (same.length) return same[0];
        const [{ n, next }] = await m.query(
          `SELECT count(*) FILTER (WHERE status <> 'failed')::int AS n, coalesce(max(position) + 1, 0)::int AS next FROM product_photos WHERE product_id = $1`,
          [productId],
        );
        if (n >= MAX_PHOTOS_PER_PRODUCT) throw new TooManyPhotos(MAX_PHOTOS_PER_PRODUCT);
        const now = this.clock.now();
        const inserted: PhotoRow[] = await m.query(
          `INSERT INTO product_photos (id, product_id, position, status, original_format, original_bytes, original_width, original_height,
             original_key, content_sha256, created_at, updated_at)
           VALUES ($1, $2, $3, 'processing', $4, $5, $6, $7, $8, $9, $10, $10)
           RETURNING ${PHOTO_COLUMNS}`,
          [id, productId, next, image.type, image.bytes, image.width, image.height, originalKey, image.sha256, now],
        );
        await this.enqueue(m, id);
        created = true;
        return inserted[0];
      });
    } catch (e) {
      await this.discard([originalKey]);
      throw e;
    }
    if (created) this.jobs.wake(PHOTO_QUEUE);
    else await this.discard([originalKey]);
    return this.ownerView(row);
  }

  /**
   * Makes the renditions of a `processing` photo and publishes them. Idempotent and safe to run
   * twice (a retried or re-sent job): a photo that is ready, failed or deleted is left as it is.
   * A damaged image marks the photo failed (no retry helps); a storage or database error is
   * thrown, so the queue retries it. Returns the status afterwards (null: no such photo).
   */
  async processPhoto(photoId: string): Promise<PhotoStatus | null> {
    const rows: Array<PhotoRow & { attempts: number }> = await this.ds.query(
      // (A bare UPDATE … RETURNING answers [rows, count] through TypeORM: read it through a CTE.)
      `WITH claimed AS (UPDATE product_photos SET attempts = attempts + 1 WHERE id = $1 AND status = 'processing' RETURNING ${PHOTO_COLUMNS}, attempts)
       SELECT * FROM claimed`,
      [photoId],
    );
    if (!rows.length) {
      const cur: Array<{ status: PhotoStatus }> = await this.ds.query(`SELECT status FROM product_photos WHERE id = $1`, [photoId]);
      return cur[0]?.status ?? null;
    }
    const photo = rows[0];
    if (photo.attempts > MAX_PROCESSING_ATTEMPTS) {
      return this.fail(photo, `processing did not finish after ${MAX_PROCESSING_ATTEMPTS} attempts; upload the photo again, or another one`);
    }
    const original = photo.original_key ? await this.storage.read(photo.original_key) : null;
    if (!original) return this.fail(photo, 'the uploaded file is no longer in storage; upload it again');
    let rendered;
    try {
      rendered = await renderPhoto(original, photo.original_format, this.limits);
    } catch (e) {
      if (e instanceof ImageProcessingFailed) return this.fail(photo, e.message);
      throw e;
    }
    const files = rendered.files.map((f) => ({ width: f.width, height: f.height, key: `photos/${photo.id}/w${f.width}.webp`, bytes: f.data.length }));
    for (const [i, f] of rendered.files.entries()) await this.storage.put(files[i].key, f.data, 'image/webp');
    const keyOfWidth = new Map(files.map((f) => [f.width, f.key]));
    const sizes = Object.fromEntries(PHOTO_WIDTHS.map((w) => [String(w), keyOfWidth.get(rendered.sizes[`${w}`])!]));
    const largest = files[files.length - 1];
    const now = this.clock.now();
    const done = await this.ds.query(
      `WITH published AS (
         UPDATE product_photos SET status = 'ready', files = $2, sizes = $3, width = $4, height = $5, original_key = NULL,
           processed_at = $6, updated_at = $6
         WHERE id = $1 AND status = 'processing' RETURNING id)
       SELECT id FROM published`,
      [photo.id, JSON.stringify(files), JSON.stringify(sizes), largest.width, largest.height, now],
    );
    if (!done.length) {
      // Deleted while we worked: nothing may stay behind.
      await this.discard(files.map((f) => f.key));
      return this.processPhotoStatus(photo.id);
    }
    await this.discard([photo.original_key!]);
    await this.catalog.productsChanged(); // the shop's lists show it now
    return 'ready';
  }

  /** DELETE /products/:id/images/:imageId: removes the photo (also of an archived product). */
  async deletePhoto(productId: string, photoId: string, actor: Principal): Promise<void> {
    const removed = await this.ds.transaction(async (m) => {
      await this.catalog.lockOwnedProduct(m, productId, actor, { allowArchived: true });
      const rows: PhotoRow[] = await m.query(
        `WITH removed AS (DELETE FROM product_photos WHERE id = $1 AND product_id = $2 RETURNING ${PHOTO_COLUMNS}) SELECT * FROM removed`,
        [photoId, productId],
      );
      if (!rows.length) throw new PhotoNotFound(photoId);
      return rows[0];
    });
    await this.catalog.productsChanged();
    await this.discard([...(removed.files ?? []).map((f) => f.key), ...(removed.original_key ? [removed.original_key] : [])]);
  }

  /**
   * PATCH /products/:id/images `{ order }`: the new order of all the product's photos (every
   * status), each id exactly once; else 400 naming what is missing, unknown or repeated.
   */
  async reorderPhotos(productId: string, order: string[], actor: Principal): Promise<PhotoView[]> {
    const photos = await this.ds.transaction(async (m) => {
      await this.catalog.lockOwnedProduct(m, productId, actor);
      const current: Array<{ id: string }> = await m.query(`SELECT id FROM product_photos WHERE product_id = $1`, [productId]);
      const problems = orderProblems(current.map((r) => r.id), order);
      if (problems.length) throw new InvalidInput(problems);
      await m.query(
        `UPDATE product_photos p SET position = v.ord - 1, updated_at = $2
         FROM unnest($1::uuid[]) WITH ORDINALITY AS v(id, ord) WHERE p.id = v.id AND p.position <> v.ord - 1`,
        [order.map((id) => id.toLowerCase()), this.clock.now()],
      );
      return this.photosOf(m, productId);
    });
    await this.catalog.productsChanged();
    return photos;
  }

  /** GET /products/:id/images: every photo of the product, in order, for its owner or an admin. */
  async listPhotos(productId: string, actor: Principal): Promise<PhotoView[]> {
    return this.ds.transaction(async (m) => {
      await this.catalog.lockOwnedProduct(m, productId, actor, { allowArchived: true });
      return this.photosOf(m, productId);
    });
  }

  /** A published file (`w640.webp` of a photo) for GET /media/photos/:photoId/:file; 404 otherwise. */
  async openPublished(photoId: string, file: string): Promise<StoredObject> {
    if (!PUBLISHED_FILE.test(file)) throw new PhotoNotFound(`${photoId}/${file}`);
    const obj = await this.storage.open(`photos/${photoId.toLowerCase()}/${file}`);
    if (!obj) throw new PhotoNotFound(`${photoId}/${file}`);
    return { ...obj, contentType: 'image/webp' };
  }

  /** The ready photos of these products, in order (the catalog's photo source; one query). */
  async readyPhotosOf(productIds: string[]): Promise<Map<string, ProductPhotoView[]>> {
    const out = new Map<string, ProductPhotoView[]>();
    if (!productIds.length) return out;
    const rows: Array<Pick<PhotoRow, 'id' | 'product_id' | 'sizes' | 'width' | 'height'>> = await this.ds.query(
      `SELECT id, product_id, sizes, width, height FROM product_photos
       WHERE product_id = ANY($1::uuid[]) AND status = 'ready' ORDER BY product_id, position`,
      [productIds],
    );
    for (const r of rows) {
      const list = out.get(r.product_id) ?? [];
      list.push({ id: r.id, sizes: this.urls(r.sizes!), width: r.width!, height: r.height! });
      out.set(r.product_id, list);
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------

  /**
   * Schedules processing in the caller's transaction (the job exists only if the photo does).
   * The seed and tests may call processPhoto() directly; the job's handler takes a lease so the
   * worker then finds the photo ready and does nothing.
   */
  private async enqueue(m: EntityManager, photoId: string): Promise<void> {
    await this.jobs.send(PHOTO_QUEUE, { photoId }, { singletonKey: photoId, manager: m });
  }

  private async inspect(data: Buffer, upload: PhotoUpload) {
    try {
      return await inspectUpload(data, this.limits);
    } catch (e) {
      if (e instanceof UnsupportedImageType || e instanceof InvalidImage) {
        this.log.log({ code: e.code, declaredType: upload.mimetype, declaredName: upload.filename?.slice(0, 100), bytes: data.length }, 'photo upload refused');
      }
      throw e;
    }
  }

  private async fail(photo: PhotoRow, reason: string): Promise<PhotoStatus | null> {
    this.log.warn({ photoId: photo.id, reason }, 'photo processing failed');
    const now = this.clock.now();
    await this.ds.query(
      `UPDATE product_photos SET status = 'failed', failure_reason = $2, original_key = NULL, updated_at = $3 WHERE id = $1 AND status = 'processing'`,
      [photo.id, reason.slice(0, 500), now],
    );
    if (photo.original_key) await this.discard([photo.original_key]);
    return this.processPhotoStatus(photo.id);
  }

  private async processPhotoStatus(id: string): Promise<PhotoStatus | null> {
    const rows: Array<{ status: PhotoStatus }> = await this.ds.query(`SELECT status FROM product_photos WHERE id = $1`, [id]);
    return rows[0]?.status ?? null;
  }

  /** Removes files nobody can reach any more; a failure leaves orphans (logged), never an error. */
  private async discard(keys: string[]): Promise<void> {
    if (!keys.length) return;
    try {
      await this.storage.delete(keys);
    } catch (err) {
      this.log.error({ err, keys }, 'could not delete photo files from storage (they stay as orphans)');
    }
  }

  private async photosOf(m: EntityManager, productId: string): Promise<PhotoView[]> {
    const rows: PhotoRow[] = await m.query(`SELECT ${PHOTO_COLUMNS} FROM product_photos WHERE product_id = $1 ORDER BY position`, [productId]);
    return rows.map((r) => this.ownerView(r));
  }

  private ownerView(r: PhotoRow): PhotoView {
    return {
      id: r.id,
      productId: r.product_id,
      position: r.position,
      status: r.status,
      sizes: r.status === 'ready' && r.sizes ? this.urls(r.sizes) : null,
      width: r.status === 'ready' ? r.width : null,
      height: r.status === 'ready' ? r.height : null,
      failureReason: r.failure_reason,
      createdAt: r.created_at.toISOString(),
    };
  }

  private urls(sizes: Record<string, string>): ProductPhotoView['sizes'] {
    const url = (key: string) => this.storage.directUrl(key) ?? `${this.config.publicBaseUrl}/media/${key}`;
    return { '320': url(sizes['320']), '640': url(sizes['640']), '1280': url(sizes['1280']) };
  }
}
