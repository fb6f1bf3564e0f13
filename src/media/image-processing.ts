import { createHash } from 'node:crypto';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { decodeHeic, HeicDecodeError } from './heic-decoder.js';
import { HeifContainerError, readHeifContainer } from './heif-container.js';
import { type AcceptedImageType, sniffImageType } from './image-type.js';
import { ImageProcessingFailed, InvalidImage, UnsupportedImageType } from './media.errors.js';
import { dimensionProblem, orientedSize, planSizes, type PhotoWidth } from './size-plan.js';

/**
 * Image checks and renditions with sharp (libvips), and heic-decode for HEVC-coded HEIF.
 *
 * Two steps, so that the upload answers quickly and the heavy part can run on the job queue:
 * - inspectUpload (during the upload request): the type by content, the size from the headers
 *   before any pixel is decoded (decompression bombs), and that the file is complete (JPEG, PNG,
 *   WebP: a reduced decode — libjpeg's shrink-on-load makes that ~20 ms for 12 MP; HEIC: the
 *   container's boxes and item extents). Anything wrong is a 4xx on the field `file`.
 * - renderPhoto (processing): decode once, orient by EXIF (JPEG/PNG/WebP; HEIF's own rotation is
 *   applied by libheif), convert to sRGB, then encode every width of the size plan as WebP. The
 *   output carries no metadata at all: sharp writes none unless asked (no EXIF, no GPS, no XMP,
 *   no ICC profile; pixels are converted to sRGB first).
 */

export interface ImageLimits {
  /** Largest width × height accepted, checked from the headers before decoding. */
  maxPixels: number;
}

export interface InspectedImage {
  type: AcceptedImageType;
  /** Size as stored (before orientation). */
  width: number;
  height: number;
  bytes: number;
  /** Hex SHA-256 of the uploaded bytes. */
  sha256: string;
}

export interface RenderedFile {
  width: number;
  height: number;
  data: Buffer;
}

export interface RenderedPhoto {
  /** Displayed size of the largest rendition's source (oriented). */
  width: number;
  height: number;
  /** Distinct files, smallest first. */
  files: RenderedFile[];
  /** For each published size name, the width of the file that serves it. */
  sizes: Record<`${PhotoWidth}`, number>;
}

const TYPE_NAMES: Record<AcceptedImageType, string> = { jpeg: 'JPEG', png: 'PNG', webp: 'WebP', heif: 'HEIC/HEIF' };
export const WEBP_QUALITY = 80;

/** The upload checks; throws UnsupportedImageType (415) or InvalidImage (400). Decodes no full image. */
export async function inspectUpload(data: Buffer, limits: ImageLimits): Promise<InspectedImage> {
  const sniff = sniffImageType(data);
  if (!sniff.ok) {
    const what = sniff.detected ? `is ${sniff.detected}` : 'is not an image this service recognises';
    throw new UnsupportedImageType(`${what}; JPEG, PNG, WebP or HEIC/HEIF are accepted (judged by the file's content, not its name or declared type)`);
  }
  const type = sniff.type;
  const sha256 = createHash('sha256').update(data).digest('hex');
  if (type === 'heif') {
    const info = heifInfo(data);
    const shown = info.rotation % 2 ? { width: info.height, height: info.width } : { width: info.width, height: info.height };
    checkDimensions(shown.width, shown.height, info.width, info.height, limits);
    return { type, width: info.width, height: info.height, bytes: data.length, sha256 };
  }
  let meta: Metadata;
  try {
    // Headers only: no pixel is decoded here, whatever size the file claims.
    meta = await sharp(data, { failOn: 'truncated', limitInputPixels: false }).metadata();
  } catch (e) {
    throw new InvalidImage(`is not a readable ${TYPE_NAMES[type]} image (${libvipsMessage(e)})`, 'image_unreadable');
  }
  if (!meta.width || !meta.height) throw new InvalidImage(`is a ${TYPE_NAMES[type]} file without a readable size`, 'image_unreadable');
  const shown = orientedSize(meta.width, meta.height, meta.orientation);
  checkDimensions(shown.width, shown.height, meta.width, meta.height, limits);
  try {
    // A reduced decode reads every byte of compressed data: a cut-off file fails here.
    await sharp(data, { failOn: 'truncated', limitInputPixels: limits.maxPixels }).resize(64, 64, { fit: 'inside' }).raw().toBuffer();
  } catch (e) {
    throw new InvalidImage(`is an incomplete or damaged ${TYPE_NAMES[type]} image (${libvipsMessage(e)})`, 'image_unreadable');
  }
  return { type, width: meta.width, height: meta.height, bytes: data.length, sha256 };
}

/** The renditions of an inspected upload; throws ImageProcessingFailed when the pixels cannot be decoded. */
export async function renderPhoto(data: Buffer, type: AcceptedImageType, limits: ImageLimits): Promise<RenderedPhoto> {
  let source: Sharp;
  if (type === 'heif') {
    let rgba;
    try {
      rgba = await decodeHeic(data, { maxPixels: limits.maxPixels });
    } catch (e) {
      if (e instanceof HeicDecodeError) throw new ImageProcessingFailed(`the HEIC image could not be decoded: ${e.message}`);
      throw e;
    }
    source = sharp(rgba.data, { raw: { width: rgba.width, height: rgba.height, channels: 4 }, limitInputPixels: limits.maxPixels }).removeAlpha();
  } else {
    source = sharp(data, { failOn: 'truncated', limitInputPixels: limits.maxPixels }).autoOrient();
  }
  try {
    // Decode once, oriented and in sRGB, at the largest width needed; the smaller ones come from it.
    const meta = await source.clone().metadata();
    const stored = { width: meta.width ?? 0, height: meta.height ?? 0 };
    const shown = type === 'heif' ? stored : orientedSize(stored.width, stored.height, meta.orientation);
    const plan = planSizes(shown.width, shown.height);
    const largest = plan.renditions[plan.renditions.length - 1];
    const base = await source
      .resize({ width: largest.width, withoutEnlargement: true })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const raw = { width: base.info.width, height: base.info.height, channels: base.info.channels };
    const files: RenderedFile[] = [];
    for (const r of plan.renditions) {
      const out = await sharp(base.data, { raw })
        .resize({ width: r.width, withoutEnlargement: true })
        .webp({ quality: WEBP_QUALITY })
        .toBuffer({ resolveWithObject: true });
      files.push({ width: out.info.width, height: out.info.height, data: out.data });
    }
    return { width: shown.width, height: shown.height, files, sizes: plan.sizes };
  } catch (e) {
    if (e instanceof ImageProcessingFailed) throw e;
    throw new ImageProcessingFailed(`the image data could not be decoded: ${libvipsMessage(e)}`);
  }
}

function heifInfo(data: Buffer) {
  let info;
  try {
    info = readHeifContainer(data);
  } catch (e) {
    if (e instanceof HeifContainerError) {
      throw new InvalidImage(e.truncated ? `is an incomplete HEIC/HEIF file (${e.message})` : `is not a readable HEIC/HEIF image (${e.message})`, 'image_unreadable');
    }
    throw e;
  }
  if (info.itemType === 'av01') throw new UnsupportedImageType('is AVIF; JPEG, PNG, WebP or HEIC/HEIF are accepted');
  if (info.itemType !== 'hvc1' && info.itemType !== 'grid') {
    throw new UnsupportedImageType(`is a HEIF file whose image is coded as "${info.itemType}"; only HEVC-coded HEIC is accepted`);
  }
  return info;
}

function checkDimensions(shownWidth: number, shownHeight: number, storedWidth: number, storedHeight: number, limits: ImageLimits): void {
  const problem = dimensionProblem(storedWidth, storedHeight, limits) ?? dimensionProblem(shownWidth, shownHeight, limits);
  if (problem) throw new InvalidImage(problem, 'image_dimensions');
}

/** libvips messages are multi-line and name internal functions; keep the first useful line. */
function libvipsMessage(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n').map((l) => l.trim()).find(Boolean)?.slice(0, 200) ?? 'unknown error';
}
