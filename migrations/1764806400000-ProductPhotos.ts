import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Product photos (src/media). One row per uploaded photo; its files live in the media storage
 * (disk or S3), named by the photo's id: `photos/<id>/w<width>.webp`, and `originals/<id>` while
 * it waits for processing.
 *
 * - status: `processing` (stored, renditions not made yet) → `ready` (listed publicly) or `failed`
 *   (with failure_reason; shown to the owner only).
 * - position orders a product's photos; unique per product, checked at commit so that a reorder
 *   can permute positions in one statement.
 * - (product_id, content_sha256) is unique: the same bytes uploaded again to the same product (a
 *   retried upload) are the same photo, not a duplicate.
 * - files: the distinct renditions `[{ width, height, key, bytes }]`; sizes: each published size
 *   name ("320", "640", "1280") → the key of the file that serves it (never upscaled: two names
 *   may share a file).
 * - attempts counts processing runs: a photo whose processing never finishes (it kills the
 *   process) is given up as failed after a few, instead of being retried forever.
 */
export class ProductPhotos1764806400000 implements MigrationInterface {
  name = 'ProductPhotos1764806400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE product_photos (
        id uuid PRIMARY KEY,
        product_id uuid NOT NULL REFERENCES products (id),
        position integer NOT NULL CHECK (position >= 0),
        status text NOT NULL CHECK (status IN ('processing', 'ready', 'failed')),
        original_format text NOT NULL CHECK (original_format IN ('jpeg', 'png', 'webp', 'heif')),
        original_bytes integer NOT NULL CHECK (original_bytes > 0),
        original_width integer NOT NULL CHECK (original_width > 0),
        original_height integer NOT NULL CHECK (original_height > 0),
        original_key text,
        content_sha256 text NOT NULL CHECK (content_sha256 ~ '^[0-9a-f]{64}$'),
        width integer CHECK (width > 0),
        height integer CHECK (height > 0),
        files jsonb,
        sizes jsonb,
        failure_reason text,
        attempts integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        processed_at timestamptz,
        CONSTRAINT product_photos_ready_check CHECK (
          status <> 'ready' OR (files IS NOT NULL AND sizes IS NOT NULL AND width IS NOT NULL AND height IS NOT NULL AND processed_at IS NOT NULL)),
        CONSTRAINT product_photos_failed_check CHECK (status <> 'failed' OR failure_reason IS NOT NULL),
        CONSTRAINT product_photos_position_key UNIQUE (product_id, position) DEFERRABLE INITIALLY DEFERRED,
        CONSTRAINT product_photos_content_key UNIQUE (product_id, content_sha256)
      )`);
    // product_photos_position_key's index serves "the photos of these products in order".
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE product_photos`);
  }
}
