import pngjs from 'pngjs';
import { bearer, createTestApp, type TestApp } from '../harness/app.js';
import { createCooperative, type CreatedCooperative } from '../harness/fixtures.js';
import { fillProductForm, sellerSignIn } from './seller-pages.js';
import { type Browser, ensureWebBuild, expectAccessible, expectFitsScreen, freePort, launchBrowser, PHONE, screenshot, serve, waitForText, watchProblems } from './browser.js';

const { PNG } = pngjs;

/** A photo-sized PNG of one colour with a darker band (so two photos differ), `w`×`h` pixels. */
function picture(w: number, h: number, rgb: [number, number, number]): Buffer {
  const png = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      const band = y > h / 3 && y < (2 * h) / 3 ? 0.6 : 1;
      png.data[i] = Math.round(rgb[0] * band);
      png.data[i + 1] = Math.round(rgb[1] * band);
      png.data[i + 2] = Math.round(rgb[2] * band);
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

interface SrcImg {
  src: string;
  srcset: string;
  sizes: string;
  loading: string | null;
  alt: string;
  width: string | null;
  height: string | null;
  loaded: number;
}

const IMG = (sel: string) => `(() => {
  const i = document.querySelector(${JSON.stringify(sel)});
  return i && { src: i.currentSrc || i.src, srcset: i.getAttribute('srcset'), sizes: i.getAttribute('sizes'), loading: i.getAttribute('loading'), alt: i.alt, width: i.getAttribute('width'), height: i.getAttribute('height'), loaded: i.complete ? i.naturalWidth : 0 };
})()`;

/**
 * A cooperative adds a product with two photos from its phone in the seller center, puts the
 * second first, and sees them in the shop: on the product's card (srcset over the three sizes,
 * lazy) and on its page (both, switchable). The photos are processed by the real media module.
 */
describe('product photos: seller center to shop, in Chromium at phone width (e2e)', () => {
  let t: TestApp | undefined;
  let browser: Browser | undefined;
  let base: string;
  let coop: CreatedCooperative;

  beforeAll(async () => {
    ensureWebBuild();
    browser = await launchBrowser();
    // Photo URLs in the API are absolute on PUBLIC_BASE_URL; here it is localhost while the browser
    // opens the app at another address (as a phone on a market's network does): the pages load the
    // app's own photo files from the origin they came from.
    const port = await freePort();
    t = await createTestApp({ env: { PUBLIC_BASE_URL: `http://localhost:${port}` } });
    base = await serve(t, port);
    coop = await createCooperative(t, { taxCode: '0300588569' });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('adds a product with two photos, reorders them, and the shop shows them', async () => {
    const page = await browser!.context.newPage();
    await page.setViewportSize(PHONE);
    page.on('dialog', (d) => void d.accept());
    const problems = watchProblems(page);
    await sellerSignIn(page, `${base}/seller/products/new`, coop.key);
    await fillProductForm(page, {
      name: 'Trà xanh Tân Cương Thái Nguyên',
      sku: 'TRA-TC-200',
      price: '220000',
      unit: 'hộp 200g',
      stock: '25',
      group: 'food',
      stars: '4',
      certificateNo: 'OCOP-TN-2025-0101',
      certifiedAt: '2025-05-20',
    });
    await page.click('#product-form button[type=submit]');
    await page.waitForURL(/\/seller\/products\/[0-9a-f-]{36}\?created=1$/);
    const id = new URL(page.url()).pathname.split('/').pop()!;

    // A file that is not a picture (whatever its name) is refused by the server, and the page says why.
    await page.setInputFiles('#photo-files', { name: 'ghi-chu.png', mimeType: 'image/png', buffer: Buffer.from('không phải ảnh, chỉ là chữ') });
    await waitForText(page, '#upload-list', 'Tệp không phải ảnh JPEG, PNG, WebP hay HEIC.');
    expect(await page.locator('#photo-list li').count()).toBe(0);

    // Two photos picked at once (as from a phone's gallery): one upload each, then processed.
    await page.setInputFiles('#photo-files', [
      { name: 'doi-che.png', mimeType: 'image/png', buffer: picture(1600, 1200, [40, 140, 60]) },
      { name: 'hop-tra.png', mimeType: 'image/png', buffer: picture(800, 600, [180, 120, 40]) },
    ]);
    await page
      .waitForFunction(() => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('#photo-list [data-status="ready"] img').length === 2, undefined, { timeout: 45_000 })
      .catch(async (e) => {
        const shot = await screenshot(page, 'failed-photos');
        const seen = (await t!.http.get(`/products/${id}/images`).set(bearer(coop.key))).body;
        throw new Error(`photos not ready: ${JSON.stringify(seen)}; uploads: ${await page.locator('#upload-list').innerText()} (screenshot ${shot})`, { cause: e });
      });
    const photos = (await t!.http.get(`/products/${id}/images`).set(bearer(coop.key)).expect(200)).body as Array<{ id: string; status: string }>;
    expect(photos.map((p) => p.status)).toEqual(['ready', 'ready']);
    await expectAccessible(page, 'seller-product-photos');
    await expectFitsScreen(page, 'seller-product-photos');
    await screenshot(page, '27-seller-photos-phone');

    // The box of tea goes first: it becomes the card's picture.
    await page.click(`[data-photo-id="${photos[1].id}"] .move-up`);
    await waitForText(page, `#photo-list li:first-child figcaption`, 'Ảnh chính');
    await page.waitForSelector(`#photo-list li:first-child[data-photo-id="${photos[1].id}"]`);
    const product = (await t!.http.get(`/products/${id}`).expect(200)).body as { photos: Array<{ id: string; sizes: Record<string, string>; width: number; height: number }> };
    expect(product.photos.map((p) => p.id)).toEqual([photos[1].id, photos[0].id]);

    // The shop's card: the first photo, every size in srcset, lazy, with its size and the name as alt.
    await page.goto(`${base}/`);
    const card = `[data-product-id="${id}"] .thumb img`;
    await page.waitForSelector(card);
    await page.waitForFunction((sel) => {
      const i = (globalThis as unknown as { document: { querySelector(s: string): { complete: boolean; naturalWidth: number } | null } }).document.querySelector(sel);
      return !!i && i.complete && i.naturalWidth > 0;
    }, card);
    const img = await page.evaluate<SrcImg>(IMG(card));
    const first = product.photos[0];
    expect(img).toMatchObject({ alt: 'Trà xanh Tân Cương Thái Nguyên', loading: 'lazy', width: String(first.width), height: String(first.height) });
    expect(first.width).toBe(800); // never upscaled: "1280" is the 800 px original
    expect(first.sizes['320']).toBe(`http://localhost:${new URL(base).port}${new URL(first.sizes['320']).pathname}`); // the API: absolute
    const path = (u: string) => new URL(u).pathname;
    expect(img.srcset).toBe(`${path(first.sizes['320'])} 320w, ${path(first.sizes['640'])} 640w, ${path(first.sizes['1280'])} 800w`);
    expect(img.sizes).toBe('(max-width: 720px) 50vw, 280px');
    expect(img.src.startsWith(`${base}/media/`)).toBe(true);
    await expectAccessible(page, 'catalog-with-photos');
    await screenshot(page, '28-shop-card-photo-phone');

    // The product page: the first photo big, both as buttons that show each.
    await page.click(`[data-product-id="${id}"] .card-title a`);
    await page.waitForSelector('.gallery-strip');
    expect(await page.locator('.gallery-thumb').count()).toBe(2);
    const main = '.product .thumb-big img';
    expect((await page.evaluate<SrcImg>(IMG(main))).srcset).toContain(path(first.sizes['640']));
    await page.click('.gallery-thumb >> nth=1');
    await page.waitForFunction((sel) => (globalThis as unknown as { document: { querySelector(s: string): { alt: string } | null } }).document.querySelector(sel)?.alt.endsWith('ảnh 2') ?? false, main);
    expect((await page.evaluate<SrcImg>(IMG(main))).srcset).toContain(path(product.photos[1].sizes['1280']));
    expect(await page.getAttribute('.gallery-thumb >> nth=1', 'aria-pressed')).toBe('true');
    await expectAccessible(page, 'product-with-photos');
    await expectFitsScreen(page, 'product-with-photos');
    await screenshot(page, '29-shop-product-photos-phone');

    // Deleting a photo in the seller center takes it out of the shop.
    await page.goto(`${base}/seller/products/${id}`);
    await page.waitForSelector('#photo-list [data-status="ready"]');
    await page.click(`[data-photo-id="${photos[0].id}"] .delete-photo`);
    await page.waitForFunction(() => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('#photo-list li').length === 1);
    expect(((await t!.http.get(`/products/${id}`).expect(200)).body.photos as Array<{ id: string }>).map((p) => p.id)).toEqual([photos[1].id]);
    expect(problems).toEqual([]);
    await page.close();
  }, 150_000); // photos are made on the job queue: allow for a busy 2-core machine
});
