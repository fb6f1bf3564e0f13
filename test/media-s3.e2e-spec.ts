import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import sharp from 'sharp';
import type { Principal } from '../src/auth/principal.js';
import { MediaService } from '../src/media/media.service.js';
import { MediaStorage } from '../src/media/storage/media-storage.js';
import { IMMUTABLE_CACHE_CONTROL, S3MediaStorage } from '../src/media/storage/s3-media-storage.js';
import { bearer, binaryBody, createTestApp, type TestApp } from './harness/app.js';
import { createCooperative, createProduct } from './harness/fixtures.js';
import { jpegWithGps, processed } from './harness/images.js';

/**
 * The S3 adapter against a real S3-compatible server on this machine: s3rver (npm), spoken to by
 * the official AWS SDK v3 over HTTP, path-style. No mock of the SDK. (s3rver accepts any
 * signature, so these tests do not show that credentials are right; a real bucket does.)
 */
const BUCKET = 'ocop-photos';
const admin: Principal = { keyId: 'env', role: 'admin', cooperativeId: null, marketIds: [] };

let server: S3rver;
let endpoint: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 's3rver-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: BUCKET, configs: [] }] });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function s3Env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    MEDIA_STORAGE: 's3',
    S3_ENDPOINT: endpoint,
    S3_BUCKET: BUCKET,
    S3_REGION: 'us-east-1',
    S3_ACCESS_KEY_ID: 'S3RVER', // s3rver's built-in test credentials
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    S3_FORCE_PATH_STYLE: 'true',
    ...extra,
  };
}

async function keysIn(storage: S3MediaStorage, prefix: string): Promise<string[]> {
  const res = await storage.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (res.Contents ?? []).map((o) => o.Key!).sort();
}

describe('S3MediaStorage against s3rver', () => {
  let storage: S3MediaStorage;
  beforeAll(() => {
    storage = new S3MediaStorage({ bucket: BUCKET, endpoint, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, forcePathStyle: true });
  });

  it('writes, reads, streams and deletes objects; absent ones are null, deleting them is no error', async () => {
    const data = Buffer.from('RIFF\0\0\0\0WEBPVP8 not really a picture');
    await storage.put('photos/11111111-1111-4111-8111-111111111111/w320.webp', data, 'image/webp');
    expect(await storage.read('photos/11111111-1111-4111-8111-111111111111/w320.webp')).toEqual(data);
    const head = await storage.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'photos/11111111-1111-4111-8111-111111111111/w320.webp' }));
    expect([head.ContentType, head.CacheControl, head.ContentLength]).toEqual(['image/webp', IMMUTABLE_CACHE_CONTROL, data.length]);
    const opened = await storage.open('photos/11111111-1111-4111-8111-111111111111/w320.webp');
    const chunks: Buffer[] = [];
    for await (const c of opened!.stream) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks)).toEqual(data);
    expect(opened!.length).toBe(data.length);

    await storage.put('originals/11111111-1111-4111-8111-111111111111', data, 'application/octet-stream');
    const original = await storage.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'originals/11111111-1111-4111-8111-111111111111' }));
    expect(original.CacheControl).toBe('private, no-store');

    await storage.delete(['photos/11111111-1111-4111-8111-111111111111/w320.webp', 'originals/11111111-1111-4111-8111-111111111111', 'photos/none/w1.webp']);
    expect(await storage.read('photos/11111111-1111-4111-8111-111111111111/w320.webp')).toBeNull();
    expect(await storage.open('originals/11111111-1111-4111-8111-111111111111')).toBeNull();
    expect(await keysIn(storage, '')).toEqual([]);
  });

  it('refuses keys outside its naming scheme', async () => {
    await expect(storage.put('../etc/passwd', Buffer.from('x'), 'text/plain')).rejects.toThrow(/invalid storage key/);
    await expect(storage.read('/abs')).rejects.toThrow(/invalid storage key/);
  });

  it('gives public URLs under S3_PUBLIC_BASE_URL, or none (the app serves them)', () => {
    const withBase = new S3MediaStorage({ bucket: BUCKET, endpoint, region: 'us-east-1', forcePathStyle: true, publicBaseUrl: 'https://cdn.example.vn/ocop/' });
    expect(withBase.directUrl('photos/a/w320.webp')).toBe('https://cdn.example.vn/ocop/photos/a/w320.webp');
    expect(storage.directUrl('photos/a/w320.webp')).toBeNull();
  });
});

describe('product photos on S3 with a public base URL (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: s3Env({ S3_PUBLIC_BASE_URL: `${endpoint}/${BUCKET}` }) });
  });
  afterAll(() => t.close());

  it('stores the renditions in the bucket with immutable cache headers and gives the bucket URLs in the product JSON', async () => {
    const coop = await createCooperative(t);
    const productId = await createProduct(t, coop.key);
    const media = t.app.get(MediaService);
    const storage = t.app.get(MediaStorage) as S3MediaStorage;
    expect(storage).toBeInstanceOf(S3MediaStorage);
    const added = await media.addPhoto(productId, admin, { data: await jpegWithGps(1600, 1200, 1) });
    await processed(media, productId, added.id);
    await new Promise((r) => setTimeout(r, 200)); // the original's deletion follows the status change

    expect(await keysIn(storage, '')).toEqual([`photos/${added.id}/w1280.webp`, `photos/${added.id}/w320.webp`, `photos/${added.id}/w640.webp`]);
    const product = await t.http.get(`/products/${productId}`).expect(200);
    const sizes = product.body.photos[0].sizes;
    expect(sizes['640']).toBe(`${endpoint}/${BUCKET}/photos/${added.id}/w640.webp`);
    expect(product.body.images).toEqual([sizes['1280']]);

    // Fetched from the object server itself, as a browser or CDN would.
    const res = await fetch(sizes['1280']);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
    expect(res.headers.get('cache-control')).toBe(IMMUTABLE_CACHE_CONTROL);
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height, meta.exif]).toEqual(['webp', 1280, 960, undefined]);

    await t.http.delete(`/products/${productId}/images/${added.id}`).set(bearer(coop.key)).expect(204);
    expect(await keysIn(storage, '')).toEqual([]);
  });
});

describe('product photos on S3 without a public base URL (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: s3Env() });
  });
  afterAll(() => t.close());

  it('serves the bucket objects through GET /media/photos/…', async () => {
    const coop = await createCooperative(t);
    const productId = await createProduct(t, coop.key);
    const media = t.app.get(MediaService);
    const added = await media.addPhoto(productId, admin, { data: await jpegWithGps(500, 400, 1) });
    await processed(media, productId, added.id);
    const product = await t.http.get(`/products/${productId}`).expect(200);
    const url = new URL(product.body.photos[0].sizes['1280']);
    expect(url.pathname).toBe(`/media/photos/${added.id}/w500.webp`);
    const res = await t.http.get(url.pathname).buffer(true).parse(binaryBody).expect(200);
    expect(res.headers['cache-control']).toBe(IMMUTABLE_CACHE_CONTROL);
    expect(res.headers['content-type']).toBe('image/webp');
    expect((await sharp(res.body).metadata()).width).toBe(500);
    await t.http.get(`/media/photos/${added.id}/w640.webp`).expect(404);
    await t.http.delete(`/products/${productId}/images/${added.id}`).set(bearer(coop.key)).expect(204);
  });
});
