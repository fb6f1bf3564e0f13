import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { dominantAt, jpegWithGps, pattern } from '../../test/harness/images.js';
import { inspectUpload, renderPhoto } from './image-processing.js';
import { ImageProcessingFailed, InvalidImage, UnsupportedImageType } from './media.errors.js';

// Real images made here with sharp (libvips) and one HEIC made with heif-enc/x265 (see its script).
const heic = readFileSync(new URL('../../test/fixtures/media/gps.heic', import.meta.url));
const limits = { maxPixels: 50_000_000 };

describe('inspectUpload (by content; no full decode)', () => {
  it.each([
    ['jpeg', () => jpegWithGps(640, 480, 6), 640, 480],
    ['png', () => pattern(300, 200).png().toBuffer(), 300, 200],
    ['webp', () => pattern(300, 200).webp().toBuffer(), 300, 200],
    ['heif', async () => heic, 160, 120],
  ] as const)('recognises %s and reads its stored size', async (type, make, width, height) => {
    const data = await make();
    const info = await inspectUpload(data, limits);
    expect(info).toMatchObject({ type, width, height, bytes: data.length });
    expect(info.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('checks pixels against the oriented and the stored size alike', async () => {
    await expect(inspectUpload(await jpegWithGps(640, 480, 6), { maxPixels: 640 * 480 - 1 })).rejects.toBeInstanceOf(InvalidImage);
  });

  it('refuses AVIF (a HEIF container, AV1-coded) and other types by content', async () => {
    const avif = await pattern(200, 200).avif().toBuffer();
    await expect(inspectUpload(avif, limits)).rejects.toThrow(UnsupportedImageType);
    await expect(inspectUpload(await pattern(200, 200).tiff().toBuffer(), limits)).rejects.toThrow(/is TIFF/);
  });
});

describe('renderPhoto', () => {
  // Stored pattern: green band on top, red lower left, blue lower right. Where each lands once
  // displayed, per EXIF orientation (1–8), as [top-left, top-right, bottom-left, bottom-right] of
  // the output, read just inside each corner.
  it.each([
    [1, [640, 480], ['green', 'green', 'red', 'blue']],
    [2, [640, 480], ['green', 'green', 'blue', 'red']], // mirrored
    [3, [640, 480], ['blue', 'red', 'green', 'green']], // 180°
    [4, [640, 480], ['red', 'blue', 'green', 'green']], // flipped vertically
    [5, [480, 640], ['green', 'red', 'green', 'blue']], // transposed
    [6, [480, 640], ['red', 'green', 'blue', 'green']], // 90° clockwise
    [7, [480, 640], ['blue', 'green', 'red', 'green']], // transverse
    [8, [480, 640], ['green', 'blue', 'green', 'red']], // 90° counter-clockwise
  ] as const)('EXIF orientation %i is applied', async (orientation, [w, h], corners) => {
    const out = await renderPhoto(await jpegWithGps(640, 480, orientation), 'jpeg', limits);
    expect([out.width, out.height]).toEqual([w, h]);
    const largest = out.files[out.files.length - 1];
    expect([largest.width, largest.height]).toEqual([w, h]);
    const d = (x: number, y: number) => dominantAt(largest.data, x, y);
    expect([await d(3, 3), await d(w - 4, 3), await d(3, h - 4), await d(w - 4, h - 4)]).toEqual(corners);
  });

  it('writes 320/640/1280 WebP files with no metadata, from a large photo', async () => {
    const out = await renderPhoto(await jpegWithGps(3000, 2000, 1), 'jpeg', limits);
    expect(out.files.map((f) => [f.width, f.height])).toEqual([[320, 213], [640, 427], [1280, 853]]);
    expect(out.sizes).toEqual({ '320': 320, '640': 640, '1280': 1280 });
    for (const f of out.files) {
      const m = await sharp(f.data).metadata();
      expect([m.format, m.width, m.exif, m.icc, m.xmp, m.iptc]).toEqual(['webp', f.width, undefined, undefined, undefined, undefined]);
    }
  });

  it('converts colour-managed and odd inputs to plain 8-bit sRGB (Display P3 ICC, CMYK, 16-bit, grey)', async () => {
    const inputs = [
      await pattern(400, 300).withIccProfile('p3').jpeg().toBuffer(),
      await pattern(400, 300).toColourspace('cmyk').jpeg().toBuffer(),
      await pattern(400, 300).toColourspace('rgb16').png().toBuffer(),
      await pattern(400, 300).greyscale().png().toBuffer(),
    ];
    expect((await sharp(inputs[0]).metadata()).icc).toBeDefined();
    expect((await sharp(inputs[1]).metadata()).space).toBe('cmyk');
    for (const input of inputs) {
      const type = (await inspectUpload(input, limits)).type;
      const out = await renderPhoto(input, type, limits);
      const m = await sharp(out.files[0].data).metadata();
      expect([m.format, m.width, m.icc, m.depth]).toEqual(['webp', 320, undefined, 'uchar']);
    }
  });

  it('decodes HEIC through heic-decode (EXIF orientation of HEIF is not applied; its irot would be, by libheif)', async () => {
    const out = await renderPhoto(heic, 'heif', limits);
    expect(out.files.map((f) => [f.width, f.height])).toEqual([[160, 120]]);
    expect(out.sizes).toEqual({ '320': 160, '640': 160, '1280': 160 });
    expect(await dominantAt(out.files[0].data, 80, 5)).toBe('green');
  });

  it('throws ImageProcessingFailed for pixel data it cannot decode', async () => {
    const bad = Buffer.from(heic);
    bad.fill(0, bad.indexOf('mdat') + 4);
    await expect(renderPhoto(bad, 'heif', limits)).rejects.toBeInstanceOf(ImageProcessingFailed);
    const cut = await jpegWithGps(600, 400);
    await expect(renderPhoto(cut.subarray(0, cut.length >> 1), 'jpeg', limits)).rejects.toBeInstanceOf(ImageProcessingFailed);
  });
});
