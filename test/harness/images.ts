import exifReader from 'exif-reader';
import sharp, { type Sharp } from 'sharp';
import type { Principal } from '../../src/auth/principal.js';
import type { MediaService, PhotoView } from '../../src/media/media.service.js';

const ADMIN: Principal = { keyId: 'env', role: 'admin', cooperativeId: null, marketIds: [] };

/** Waits until processing (the job queue's worker) has finished with a photo; returns it. */
export async function processed(media: MediaService, productId: string, photoId: string, ms = 30_000): Promise<PhotoView> {
  const until = Date.now() + ms;
  for (;;) {
    const photo = (await media.listPhotos(productId, ADMIN)).find((p) => p.id === photoId);
    if (!photo) throw new Error(`photo ${photoId} is gone`);
    if (photo.status !== 'processing') return photo;
    if (Date.now() > until) throw new Error(`photo ${photoId} still processing after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Test pictures made at run time with sharp: a pattern whose regions show where the picture's top
 * and sides went (orientation), with EXIF (camera, GPS) when asked.
 *
 * Stored layout (width × height): a green band over the top quarter; below it red on the left
 * half and blue on the right half.
 */
export function pattern(width: number, height: number, opts: { alpha?: boolean; tint?: number } = {}): Sharp {
  const channels = opts.alpha ? 4 : 3;
  const raw = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      if (y < height / 4) raw[i + 1] = 200;
      else if (x < width / 2) raw[i] = 220;
      else raw[i + 2] = 220;
      if (opts.tint) raw[i] = Math.min(255, raw[i] + opts.tint);
      if (opts.alpha) raw[i + 3] = x < 10 ? 0 : 255;
    }
  }
  return sharp(raw, { raw: { width, height, channels } });
}

/** Somewhere in the Central Highlands, as a phone would record it. */
export const GPS_EXIF = {
  IFD0: { Make: 'OcopTestCam', Model: 'Field Phone' },
  IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '12/1 40/1 1234/100', GPSLongitudeRef: 'E', GPSLongitude: '108/1 3/1 0/1' },
};

/** A JPEG with EXIF camera and GPS data and the given EXIF orientation. */
export function jpegWithGps(width: number, height: number, orientation = 1): Promise<Buffer> {
  return pattern(width, height).jpeg({ quality: 90 }).withMetadata({ orientation }).withExif(GPS_EXIF).toBuffer();
}

/** The GPS latitude of an image's EXIF, or undefined when it has none. */
export async function gpsLatitude(image: Buffer): Promise<number[] | undefined> {
  const { exif } = await sharp(image).metadata();
  if (!exif) return undefined;
  return exifReader(exif).GPSInfo?.GPSLatitude as number[] | undefined;
}

/** [r, g, b] at (x, y). */
export async function colourAt(image: Buffer, x: number, y: number): Promise<[number, number, number]> {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const i = (Math.floor(y) * info.width + Math.floor(x)) * info.channels;
  return [data[i], data[i + 1], data[i + 2]];
}

/** Which of red, green, blue dominates a pixel. */
export async function dominantAt(image: Buffer, x: number, y: number): Promise<'red' | 'green' | 'blue'> {
  const [r, g, b] = await colourAt(image, x, y);
  return r > g && r > b ? 'red' : g > b ? 'green' : 'blue';
}
