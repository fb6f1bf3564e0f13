import { jest } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import exifReader from 'exif-reader';
import sharp from 'sharp';
import type { Principal } from '../src/auth/principal.js';
import { CatalogService } from '../src/catalog/catalog.service.js';
import { DomainError } from '../src/common/errors.js';
import { MAX_PHOTOS_PER_PRODUCT, MAX_PROCESSING_ATTEMPTS, MediaService, type PhotoView } from '../src/media/media.service.js';
import { bearer, binaryBody, createTestApp, type TestApp } from './harness/app.js';
import { createCooperative, createProduct, VALID_TAX_CODES } from './harness/fixtures.js';
import { dominantAt, gpsLatitude, GPS_EXIF, jpegWithGps, pattern, processed } from './harness/images.js';

const HEIC_FIXTURE = readFileSync(new URL('./fixtures/media/gps.heic', import.meta.url));

const coopPrincipal = (cooperativeId: string): Principal => ({ keyId: 'test', role: 'cooperative', cooperativeId, marketIds: [] });
const admin: Principal = { keyId: 'env', role: 'admin', cooperativeId: null, marketIds: [] };

/** The error a promise rejects with (a DomainError is expected). */
async function refusal(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

/** GETs an absolute URL the API returned, through the test client (path only). */
function pathOf(url: string): string {
  return new URL(url).pathname;
}

describe('product photos (e2e, disk storage, processing on the job queue)', () => {
  let t: TestApp;
  let media: MediaService;
  let coop: { id: string; key: string };
  let other: { id: string; key: string };
  let productId: string;
  const mediaDir = () => join(t.app.get(MediaService)['config'].media.dir);

  beforeAll(async () => {
    t = await createTestApp();
    media = t.app.get(MediaService);
    coop = await createCooperative(t);
    other = await createCooperative(t, { taxCode: VALID_TAX_CODES[1], name: 'Hợp tác xã Chè Tân Cương' });
    productId = await createProduct(t, coop.key, { images: ['https://cdn.example.vn/ocop/old.jpg'] });
  });
  afterAll(() => t.close());

  it('a phone JPEG (EXIF orientation 6, GPS) becomes upright WebP sizes without any metadata, public once ready', async () => {
    const upload = await jpegWithGps(800, 600, 6);
    expect(await gpsLatitude(upload)).toEqual([12, 40, 12.34]); // the input really carries GPS
    const added = await media.addPhoto(productId, coopPrincipal(coop.id), { data: upload, filename: 'IMG_0001.JPG', mimetype: 'image/jpeg' });
    expect(added).toMatchObject({ productId, position: 0, status: 'processing', sizes: null, failureReason: null });

    const ready = await processed(media, productId, added.id);
    expect(ready.status).toBe('ready');
    // Displayed 600×800 (rotated); never upscaled: "640" and "1280" are the 600 px file.
    expect([ready.width, ready.height]).toEqual([600, 800]);
    const base = `${t.app.get(MediaService)['config'].publicBaseUrl}/media/photos/${added.id}`;
    expect(ready.sizes).toEqual({ '320': `${base}/w320.webp`, '640': `${base}/w600.webp`, '1280': `${base}/w600.webp` });

    const row = await t.db.query(`SELECT original_key, files, width, height, original_width, original_height, original_format FROM product_photos WHERE id = $1`, [added.id]);
    expect(row.rows[0]).toMatchObject({ original_key: null, width: 600, height: 800, original_width: 800, original_height: 600, original_format: 'jpeg' });
    expect(row.rows[0].files.map((f: { width: number; height: number }) => [f.width, f.height])).toEqual([[320, 427], [600, 800]]);
    // The original (with its GPS) is gone from storage; only the renditions remain.
    expect(await gone(join(mediaDir(), 'originals', added.id))).toBe(true);
    expect(readdirSync(join(mediaDir(), 'photos', added.id)).sort()).toEqual(['w320.webp', 'w600.webp']);

    for (const [url, width, height] of [[ready.sizes!['320'], 320, 427], [ready.sizes!['1280'], 600, 800]] as const) {
      const res = await t.http.get(pathOf(url)).buffer(true).parse(binaryBody).expect(200);
      expect(res.headers['content-type']).toBe('image/webp');
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      const meta = await sharp(res.body).metadata();
      expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({ format: 'webp', width, height });
      // No EXIF (so no GPS), no XMP, no ICC profile, no orientation tag left to misapply.
      expect([meta.exif, meta.xmp, meta.icc, meta.orientation]).toEqual([undefined, undefined, undefined, undefined]);
      expect(res.body.includes(Buffer.from('Exif'))).toBe(false);
      expect(res.body.includes(Buffer.from(GPS_EXIF.IFD0.Make))).toBe(false);
      // Upright: the stored top band (green) is now on the right, stored left (red) on top.
      expect(await dominantAt(res.body, width - 5, height / 2)).toBe('green');
      expect(await dominantAt(res.body, 5, 5)).toBe('red');
      expect(await dominantAt(res.body, 5, height - 5)).toBe('blue');
    }

    const product = await t.http.get(`/products/${productId}`).expect(200);
    expect(product.body.photos).toEqual([{ id: added.id, sizes: ready.sizes, width: 600, height: 800 }]);
    // images: the largest size of each photo first, then the external URLs given with the product.
    expect(product.body.images).toEqual([ready.sizes!['1280'], 'https://cdn.example.vn/ocop/old.jpg']);
  });

  it('takes PNG (with transparency) and WebP; the same bytes uploaded again are the same photo', async () => {
    const png = await pattern(1600, 1000, { alpha: true }).png().toBuffer();
    const webp = await pattern(400, 300).webp({ quality: 90 }).toBuffer();
    const a = await media.addPhoto(productId, coopPrincipal(coop.id), { data: png, filename: 'logo.png' });
    const b = await media.addPhoto(productId, admin, { data: webp, filename: 'photo.webp' });
    expect([a.position, b.position]).toEqual([1, 2]);
    const [ra, rb] = [await processed(media, productId, a.id), await processed(media, productId, b.id)];
    expect([ra.status, ra.width, ra.height]).toEqual(['ready', 1280, 800]);
    expect([rb.status, rb.width, rb.height]).toEqual(['ready', 400, 300]);
    const big = await t.http.get(pathOf(ra.sizes!['1280'])).buffer(true).parse(binaryBody).expect(200);
    const meta = await sharp(big.body).metadata();
    expect([meta.format, meta.width, meta.hasAlpha]).toEqual(['webp', 1280, true]);

    const again = await media.addPhoto(productId, coopPrincipal(coop.id), { data: webp });
    expect(again.id).toBe(b.id);
    const count = await t.db.query(`SELECT count(*)::int AS n FROM product_photos WHERE product_id = $1`, [productId]);
    expect(count.rows[0].n).toBe(3);
  });

  it('decodes an HEVC HEIC (made by libheif/x265) and strips its EXIF GPS', async () => {
    const productB = await createProduct(t, coop.key);
    expect(heicGpsLatitude(HEIC_FIXTURE)).toEqual([12, 40, 0]); // the input really carries GPS
    const added = await media.addPhoto(productB, coopPrincipal(coop.id), { data: HEIC_FIXTURE, filename: 'IMG_4242.HEIC', mimetype: 'image/heic' });
    const ready = await processed(media, productB, added.id);
    expect(ready).toMatchObject({ status: 'ready', width: 160, height: 120, failureReason: null });
    const res = await t.http.get(pathOf(ready.sizes!['320'])).buffer(true).parse(binaryBody).expect(200);
    const meta = await sharp(res.body).metadata();
    expect([meta.format, meta.width, meta.height, meta.exif, meta.icc]).toEqual(['webp', 160, 120, undefined, undefined]);
    expect(res.body.includes(Buffer.from('OcopTest'))).toBe(false);
    // HEIF orientation comes from the container (none here); its EXIF orientation tag (6) is not applied.
    expect(await dominantAt(res.body, 80, 5)).toBe('green');
    expect(await dominantAt(res.body, 5, 100)).toBe('red');
    expect(await dominantAt(res.body, 155, 100)).toBe('blue');
    const row = await t.db.query(`SELECT original_format FROM product_photos WHERE id = $1`, [added.id]);
    expect(row.rows[0].original_format).toBe('heif');
  });

  describe('refuses bad uploads with a 4xx on the field "file", storing nothing', () => {
    let productC: string;
    beforeAll(async () => {
      productC = await createProduct(t, coop.key);
    });

    const cases: Array<[string, () => Promise<Buffer>, string, number, string, RegExp]> = [
      ['a GIF named .jpg and declared image/jpeg', () => pattern(200, 200).gif().toBuffer(), 'photo.jpg', 415, 'unsupported_image_type', /is GIF; JPEG, PNG, WebP or HEIC\/HEIF are accepted \(judged by the file's content/],
      ['a PDF named .png', async () => Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n'), 'scan.png', 415, 'unsupported_image_type', /is PDF/],
      ['an SVG', async () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200"/>'), 'x.jpg', 415, 'unsupported_image_type', /is SVG/],
      ['random bytes', async () => Buffer.from('definitely not an image, just text in a file'), 'x.jpeg', 415, 'unsupported_image_type', /not an image this service recognises/],
      ['a truncated JPEG', async () => { const b = await jpegWithGps(1200, 900); return b.subarray(0, Math.floor(b.length * 0.6)); }, 'cut.jpg', 400, 'image_unreadable', /incomplete or damaged JPEG image \(VipsJpeg: premature end/],
      ['a truncated PNG', async () => { const b = await pattern(600, 600).png().toBuffer(); return b.subarray(0, Math.floor(b.length * 0.6)); }, 'cut.png', 400, 'image_unreadable', /incomplete or damaged PNG/],
      ['a truncated WebP', async () => { const b = await pattern(600, 600).webp().toBuffer(); return b.subarray(0, Math.floor(b.length * 0.6)); }, 'cut.webp', 400, 'image_unreadable', /not a readable WebP image/],
      ['a truncated HEIC', async () => HEIC_FIXTURE.subarray(0, HEIC_FIXTURE.length - 200), 'cut.heic', 400, 'image_unreadable', /incomplete HEIC\/HEIF file/],
      ['a JPEG whose header is garbage', async () => { const b = Buffer.from(await jpegWithGps(300, 300)); b.fill(0x55, 3, 600); return b; }, 'bad.jpg', 400, 'image_unreadable', /not a readable JPEG image/],
      ['a PNG bomb (a tiny file claiming 30000×30000)', async () => pngClaiming(30000, 30000), 'bomb.png', 400, 'image_dimensions', /30000×30000 = 900,000,000 pixels; at most 50,000,000/],
      ['a HEIC bomb (ispe claiming 60000×60000)', async () => heicClaiming(60000, 60000), 'bomb.heic', 400, 'image_dimensions', /60000×60000 = 3,600,000,000 pixels/],
      ['a tiny image', () => pattern(64, 64).png().toBuffer(), 'icon.png', 400, 'image_dimensions', /each side must be at least 100/],
      ['a sliver', () => pattern(1200, 100).jpeg().toBuffer(), 'banner.jpg', 400, 'image_dimensions', /at most 5 times the short one/],
      ['an empty file', async () => Buffer.alloc(0), 'empty.jpg', 400, 'image_unreadable', /is empty/],
    ];
    const originals = () => (existsSync(join(mediaDir(), 'originals')) ? readdirSync(join(mediaDir(), 'originals')) : []);
    it.each(cases)('%s', async (_name, make, filename, status, code, message) => {
      const before = originals();
      const err = await refusal(media.addPhoto(productC, coopPrincipal(coop.id), { data: await make(), filename, mimetype: 'image/jpeg' }));
      expect(err.code).toBe(code);
      expect({ 400: 'invalid', 415: 'unsupported_media_type' }[status]).toBe(err.kind);
      expect(err.details).toEqual([{ field: 'file', problem: expect.stringMatching(message) }]);
      const rows = await t.db.query(`SELECT count(*)::int AS n FROM product_photos WHERE product_id = $1`, [productC]);
      expect(rows.rows[0].n).toBe(0);
      expect(originals().filter((f) => !before.includes(f))).toEqual([]);
    });
  });

  it('a HEIC whose image data is damaged past its container fails in processing, with a reason, and is never public', async () => {
    const productD = await createProduct(t, coop.key);
    const damaged = Buffer.from(HEIC_FIXTURE);
    damaged.fill(0, damaged.indexOf('mdat') + 4); // the HEVC data zeroed, same length: the container still checks out
    const added = await media.addPhoto(productD, coopPrincipal(coop.id), { data: damaged });
    const done = await processed(media, productD, added.id);
    expect(done).toMatchObject({ status: 'failed', sizes: null, failureReason: expect.stringMatching(/HEIC image could not be decoded/) });
    expect(await gone(join(mediaDir(), 'originals', added.id))).toBe(true);
    const product = await t.http.get(`/products/${productD}`).expect(200);
    expect(product.body.photos).toEqual([]);
    const owner = await t.http.get(`/products/${productD}/images`).set(bearer(coop.key)).expect(200);
    expect(owner.body).toEqual([expect.objectContaining({ id: added.id, status: 'failed', failureReason: expect.any(String) })]);
    // processing again changes nothing
    expect(await media.processPhoto(added.id)).toBe('failed');
  });

  describe('POST /products/:id/images (multipart, field "file")', () => {
    it('answers 202 with the photo processing; it is listed publicly once ready', async () => {
      const productF = await createProduct(t, coop.key);
      const res = await t.http
        .post(`/products/${productF}/images`)
        .set(bearer(coop.key))
        .attach('file', await jpegWithGps(1024, 768, 1), { filename: 'IMG_2001.JPG', contentType: 'image/jpeg' })
        .expect(202);
      expect(res.body).toMatchObject({ productId: productF, position: 0, status: 'processing', sizes: null });
      const ready = await processed(media, productF, res.body.id);
      expect([ready.status, ready.width, ready.height]).toEqual(['ready', 1024, 768]);
      const product = await t.http.get(`/products/${productF}`).expect(200);
      expect(product.body.photos.map((p: { id: string }) => p.id)).toEqual([res.body.id]);
    });

    it('refuses by content whatever the name and declared type say, and names the field', async () => {
      const productG = await createProduct(t, coop.key);
      const gif = await pattern(200, 200).gif().toBuffer();
      const res = await t.http.post(`/products/${productG}/images`).set(bearer(coop.key)).attach('file', gif, { filename: 'photo.jpg', contentType: 'image/jpeg' }).expect(415);
      expect(res.body).toMatchObject({ statusCode: 415, code: 'unsupported_image_type', details: [{ field: 'file', problem: expect.stringMatching(/^is GIF;/) }] });
      const cut = await jpegWithGps(800, 600);
      const res2 = await t.http.post(`/products/${productG}/images`).set(bearer(coop.key)).attach('file', cut.subarray(0, cut.length >> 1), 'cut.jpg').expect(400);
      expect(res2.body).toMatchObject({ code: 'image_unreadable', details: [{ field: 'file' }] });
      const none = await t.http.post(`/products/${productG}/images`).set(bearer(coop.key)).field('note', 'no file').expect(400);
      expect(none.body.details).toEqual([expect.objectContaining({ field: 'file' })]);
      await t.http.post(`/products/${productG}/images`).set(bearer(other.key)).attach('file', await jpegWithGps(300, 300), 'x.jpg').expect(403);
      await t.http.post(`/products/${productG}/images`).attach('file', await jpegWithGps(300, 300), 'x.jpg').expect(401);
      expect((await t.db.query(`SELECT count(*)::int AS n FROM product_photos WHERE product_id = $1`, [productG])).rows[0].n).toBe(0);
    });
  });

  describe('who may do what', () => {
    let photoId: string;
    beforeAll(async () => {
      photoId = (await media.listPhotos(productId, admin))[0].id;
    });

    it('another cooperative may not add, list, reorder or delete; without a key it is 401', async () => {
      const err = await refusal(media.addPhoto(productId, coopPrincipal(other.id), { data: await jpegWithGps(300, 300) }));
      expect(err.kind).toBe('forbidden');
      await t.http.get(`/products/${productId}/images`).set(bearer(other.key)).expect(403);
      await t.http.patch(`/products/${productId}/images`).set(bearer(other.key)).send({ order: [photoId] }).expect(403);
      await t.http.delete(`/products/${productId}/images/${photoId}`).set(bearer(other.key)).expect(403);
      await t.http.get(`/products/${productId}/images`).expect(401);
      await t.http.delete(`/products/${productId}/images/${photoId}`).expect(401);
      await t.http.patch(`/products/${productId}/images`).send({ order: [photoId] }).expect(401);
      const still = await t.db.query(`SELECT count(*)::int AS n FROM product_photos WHERE product_id = $1`, [productId]);
      expect(still.rows[0].n).toBe(3);
    });

    it('the owner and an admin may list; a missing product is 404, a bad id 400', async () => {
      const mine = await t.http.get(`/products/${productId}/images`).set(bearer(coop.key)).expect(200);
      expect(mine.body.map((p: PhotoView) => p.position)).toEqual([0, 1, 2]);
      await t.http.get(`/products/${productId}/images`).set(bearer(t.adminKey)).expect(200);
      await t.http.get(`/products/00000000-0000-4000-8000-000000000000/images`).set(bearer(t.adminKey)).expect(404);
      const bad = await t.http.get(`/products/nope/images`).set(bearer(t.adminKey)).expect(400);
      expect(bad.body.details).toEqual([{ field: 'id', problem: 'must be a UUID' }]);
    });
  });

  describe('reorder (PATCH /products/:id/images { order })', () => {
    it('puts the photos in the given order, in the owner list and in the public product', async () => {
      const ids = (await media.listPhotos(productId, admin)).map((p) => p.id);
      const order = [ids[2], ids[0], ids[1]];
      const res = await t.http.patch(`/products/${productId}/images`).set(bearer(coop.key)).send({ order }).expect(200);
      expect(res.body.map((p: PhotoView) => [p.id, p.position])).toEqual([[order[0], 0], [order[1], 1], [order[2], 2]]);
      const product = await t.http.get(`/products/${productId}`).expect(200);
      expect(product.body.photos.map((p: { id: string }) => p.id)).toEqual(order);
      expect(product.body.images.slice(0, 3)).toEqual(product.body.photos.map((p: { sizes: Record<string, string> }) => p.sizes['1280']));
    });

    it.each([
      ['one missing', (ids: string[]) => ids.slice(0, 2), /missing: /],
      ['one twice', (ids: string[]) => [ids[0], ids[1], ids[2], ids[0]], /more than once/],
      ['an id of another product', (ids: string[]) => [ids[0], ids[1], '00000000-0000-4000-8000-000000000000'], /does not have: 00000000-0000-4000-8000-000000000000/],
    ])('refuses an order with %s (400 on "order"), changing nothing', async (_n, make, message) => {
      const before = (await media.listPhotos(productId, admin)).map((p) => p.id);
      const res = await t.http.patch(`/products/${productId}/images`).set(bearer(coop.key)).send({ order: make(before) }).expect(400);
      expect(res.body.details).toEqual(expect.arrayContaining([{ field: 'order', problem: expect.stringMatching(message) }]));
      expect((await media.listPhotos(productId, admin)).map((p) => p.id)).toEqual(before);
    });

    it('refuses a body that is not a list of ids', async () => {
      const res = await t.http.patch(`/products/${productId}/images`).set(bearer(coop.key)).send({ order: ['x'] }).expect(400);
      expect(res.body.details).toEqual([{ field: 'order', problem: 'order must hold photo ids (UUIDs)' }]);
      await t.http.patch(`/products/${productId}/images`).set(bearer(coop.key)).send({}).expect(400);
    });
  });

  describe('delete (DELETE /products/:id/images/:imageId)', () => {
    it('removes the photo and its files; it leaves the product JSON; a second delete is 404', async () => {
      const [first] = await media.listPhotos(productId, admin);
      const folder = join(mediaDir(), 'photos', first.id);
      expect(existsSync(folder)).toBe(true);
      await t.http.get(pathOf(first.sizes!['320'])).expect(200);
      await t.http.delete(`/products/${productId}/images/${first.id}`).set(bearer(coop.key)).expect(204);
      expect(existsSync(folder)).toBe(false);
      await t.http.get(pathOf(first.sizes!['320'])).expect(404);
      const product = await t.http.get(`/products/${productId}`).expect(200);
      expect(product.body.photos.map((p: { id: string }) => p.id)).not.toContain(first.id);
      expect(product.body.photos).toHaveLength(2);
      await t.http.delete(`/products/${productId}/images/${first.id}`).set(bearer(coop.key)).expect(404);
    });

    it("a photo id of another product is 404, not a way to delete it", async () => {
      const productE = await createProduct(t, coop.key);
      const [photo] = await media.listPhotos(productId, admin);
      await t.http.delete(`/products/${productE}/images/${photo.id}`).set(bearer(t.adminKey)).expect(404);
      expect((await media.listPhotos(productId, admin)).map((p) => p.id)).toContain(photo.id);
    });
  });

  it('serves only published files: an unknown file name or photo is 404 without the long cache', async () => {
    const [photo] = await media.listPhotos(productId, admin);
    const miss = await t.http.get(`/media/photos/${photo.id}/w999.webp`).expect(404);
    expect(miss.headers['cache-control']).toBeUndefined();
    await t.http.get(`/media/photos/${photo.id}/original`).expect(404);
    await t.http.get(`/media/photos/00000000-0000-4000-8000-000000000000/w320.webp`).expect(404);
    await t.http.get(`/media/photos/not-a-uuid/w320.webp`).expect(400);
  });

  it('lists a page of products with their photos in one query, whatever the page size', async () => {
    const catalog = t.app.get(CatalogService);
    const ds = t.app.get(CatalogService)['ds'];
    const spy = jest.spyOn(ds, 'query');
    try {
      const page = await catalog.list({ cooperativeId: coop.id, limit: 100 });
      expect(page.items.length).toBeGreaterThanOrEqual(5);
      const withPhotos = page.items.find((p) => p.id === productId)!;
      expect(withPhotos.photos).toHaveLength(2);
      expect(spy).toHaveBeenCalledTimes(2); // the page, then the photos of all its products
    } finally {
      spy.mockRestore();
    }
  });
});

describe('product photos (e2e): limits and the queue', () => {
  let t: TestApp;
  let media: MediaService;
  let coop: { id: string; key: string };

  beforeAll(async () => {
    // No worker in this instance: photos stay `processing` until processPhoto() is called.
    t = await createTestApp({ env: { BACKGROUND_WORK: 'false', MEDIA_MAX_PIXELS: '1000000', MEDIA_MAX_UPLOAD_SIZE: '300kb' } });
    media = t.app.get(MediaService);
    coop = await createCooperative(t);
  });
  afterAll(() => t.close());

  it('lists a photo publicly only once processed; the upload answered while it was processing', async () => {
    const productId = await createProduct(t, coop.key);
    const added = await media.addPhoto(productId, coopPrincipal(coop.id), { data: await jpegWithGps(640, 480) });
    expect(added.status).toBe('processing');
    const job = await t.db.query(`SELECT data->>'photoId' AS photo, singleton_key FROM pgboss.job WHERE name = 'media.process-photo'`);
    expect(job.rows).toEqual([{ photo: added.id, singleton_key: added.id }]);
    expect((await t.http.get(`/products/${productId}`).expect(200)).body.photos).toEqual([]);
    expect(await media.processPhoto(added.id)).toBe('ready');
    expect(await media.processPhoto(added.id)).toBe('ready'); // idempotent: a second delivery does nothing
    const product = await t.http.get(`/products/${productId}`).expect(200);
    expect(product.body.photos).toEqual([expect.objectContaining({ id: added.id, width: 640, height: 480 })]);
    expect(await media.processPhoto('00000000-0000-4000-8000-000000000000')).toBeNull();
  });

  it(`gives a photo up as failed after ${MAX_PROCESSING_ATTEMPTS} processing attempts (one that kills its process is not retried forever)`, async () => {
    const productId = await createProduct(t, coop.key);
    const added = await media.addPhoto(productId, admin, { data: await jpegWithGps(400, 300) });
    await t.db.query(`UPDATE product_photos SET attempts = $2 WHERE id = $1`, [added.id, MAX_PROCESSING_ATTEMPTS]);
    expect(await media.processPhoto(added.id)).toBe('failed');
    const [photo] = await media.listPhotos(productId, admin);
    expect(photo.failureReason).toMatch(/did not finish after 5 attempts/);
    expect(await gone(join(t.app.get(MediaService)['config'].media.dir, 'originals', added.id))).toBe(true);
  });

  it('refuses more pixels than MEDIA_MAX_PIXELS before decoding, and more bytes than MEDIA_MAX_UPLOAD_SIZE (413)', async () => {
    const productId = await createProduct(t, coop.key);
    const tooMany = await refusal(media.addPhoto(productId, admin, { data: await pattern(1200, 900).jpeg({ quality: 20 }).toBuffer() }));
    expect(tooMany.details).toEqual([{ field: 'file', problem: 'has 1200×900 = 1,080,000 pixels; at most 1,000,000 are accepted' }]);
    const big = await pattern(900, 900).png({ compressionLevel: 0 }).toBuffer();
    expect(big.length).toBeGreaterThan(300 * 1024);
    const tooBig = await refusal(media.addPhoto(productId, admin, { data: big }));
    expect([tooBig.kind, tooBig.code, tooBig.details]).toEqual(['too_large', 'image_too_large', [{ field: 'file', problem: 'is larger than 300 KB (MEDIA_MAX_UPLOAD_SIZE)' }]]);
    // A stream stops being read at the limit.
    const { Readable } = await import('node:stream');
    let pulled = 0;
    const endless = new Readable({
      read() {
        pulled += 64 * 1024;
        this.push(Buffer.alloc(64 * 1024, 1));
      },
    });
    const streamed = await refusal(media.addPhoto(productId, admin, { data: endless }));
    expect(streamed.code).toBe('image_too_large');
    expect(pulled).toBeLessThan(1024 * 1024);
    const http = await t.http.post(`/products/${productId}/images`).set(bearer(coop.key)).attach('file', big, 'big.png').expect(413);
    expect(http.body).toMatchObject({ statusCode: 413, details: [expect.objectContaining({ field: 'file' })] });
    expect((await t.db.query(`SELECT count(*)::int AS n FROM product_photos WHERE product_id = $1`, [productId])).rows[0].n).toBe(0);
  });

  it(`allows ${MAX_PHOTOS_PER_PRODUCT} photos per product (processing ones count), then 409`, async () => {
    const productId = await createProduct(t, coop.key);
    for (let i = 0; i < MAX_PHOTOS_PER_PRODUCT; i++) {
      await media.addPhoto(productId, coopPrincipal(coop.id), { data: await pattern(120, 120, { tint: i * 3 + 1 }).jpeg().toBuffer() });
    }
    const err = await refusal(media.addPhoto(productId, coopPrincipal(coop.id), { data: await pattern(120, 120, { tint: 200 }).jpeg().toBuffer() }));
    expect([err.kind, err.code]).toEqual(['conflict', 'too_many_photos']);
    const rows = await t.db.query(`SELECT array_agg(position ORDER BY position) AS p FROM product_photos WHERE product_id = $1`, [productId]);
    expect(rows.rows[0].p).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('an archived product takes no new photo (409), but its photos can still be deleted', async () => {
    const productId = await createProduct(t, coop.key);
    const added = await media.addPhoto(productId, admin, { data: await jpegWithGps(300, 300) });
    await t.http.delete(`/products/${productId}`).set(bearer(coop.key)).expect(200);
    const err = await refusal(media.addPhoto(productId, admin, { data: await jpegWithGps(310, 300) }));
    expect(err.code).toBe('product_archived');
    await t.http.patch(`/products/${productId}/images`).set(bearer(coop.key)).send({ order: [added.id] }).expect(409);
    await t.http.delete(`/products/${productId}/images/${added.id}`).set(bearer(coop.key)).expect(204);
    // processing a deleted photo does nothing
    expect(await media.processPhoto(added.id)).toBeNull();
  });
});

/** A PNG signature and a valid IHDR claiming width × height, then a tiny IDAT and IEND. */
function pngClaiming(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])), chunk('IEND', Buffer.alloc(0))]);
}

/** The HEIC fixture with its primary image's `ispe` claiming width × height. */
function heicClaiming(width: number, height: number): Buffer {
  const b = Buffer.from(HEIC_FIXTURE);
  const at = b.indexOf('ispe');
  b.writeUInt32BE(width, at + 8);
  b.writeUInt32BE(height, at + 12);
  return b;
}

/** GPS latitude from the EXIF item of a HEIC (read from its TIFF header on). */
function heicGpsLatitude(heic: Buffer): number[] | undefined {
  const tiff = [heic.indexOf('II*\0', 0, 'latin1'), heic.indexOf('MM\0*', 0, 'latin1')].filter((i) => i >= 0);
  if (!tiff.length) return undefined;
  return exifReader(heic.subarray(Math.min(...tiff))).GPSInfo?.GPSLatitude as number[] | undefined;
}

/** Storage cleanup runs right after the status change: wait for it. */
async function gone(path: string, ms = 5000): Promise<boolean> {
  const until = Date.now() + ms;
  while (existsSync(path)) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
