/**
 * Which renditions a photo gets, and which sizes an upload may have. Pure: no I/O.
 *
 * Every photo is published in the widths the pages use (PHOTO_WIDTHS: 320, 640, 1280 px, WebP).
 * Never upscaled: a size wider than the (oriented) original is served at the original's width, so
 * a 900 px wide upload yields files 320, 640 and 900 px wide ("1280" names the 900 px file), and a
 * 500 px one yields 320 and 500 ("640" and "1280" both name the 500 px file). Each distinct width
 * is stored once. Upscaling would only make bigger, blurrier files than the browser's own scaling.
 */

export const PHOTO_WIDTHS = [320, 640, 1280] as const;
export type PhotoWidth = (typeof PHOTO_WIDTHS)[number];

/** Smallest accepted side: smaller is not a product photo (an icon, a tracking pixel). */
export const MIN_SIDE = 100;
/** Longest side over shortest side: beyond this the narrow renditions become slivers. */
export const MAX_ASPECT = 5;

export interface Rendition {
  /** Output width and height in pixels (height follows the aspect ratio, rounded, ≥ 1). */
  width: number;
  height: number;
}

export interface SizePlan {
  /** The distinct files to write, smallest first. */
  renditions: Rendition[];
  /** For each published size name, the width of the file that serves it. */
  sizes: Record<`${PhotoWidth}`, number>;
}

/** Plans the renditions of an image of this displayed (already oriented) size. */
export function planSizes(width: number, height: number): SizePlan {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new RangeError(`planSizes: bad size ${width}×${height}`);
  }
  const sizes = {} as Record<`${PhotoWidth}`, number>;
  const widths = new Set<number>();
  for (const target of PHOTO_WIDTHS) {
    const w = Math.min(target, width);
    sizes[`${target}`] = w;
    widths.add(w);
  }
  const renditions = [...widths].sort((a, b) => a - b).map((w) => ({ width: w, height: Math.max(1, Math.round((height * w) / width)) }));
  return { renditions, sizes };
}

export interface DimensionLimits {
  maxPixels: number;
}

/** Why an image of this stored size is refused, or null when it is acceptable. */
export function dimensionProblem(width: number, height: number, limits: DimensionLimits): string | null {
  const pixels = width * height;
  if (pixels > limits.maxPixels) {
    return `has ${width}×${height} = ${pixels.toLocaleString('en-US')} pixels; at most ${limits.maxPixels.toLocaleString('en-US')} are accepted`;
  }
  if (Math.min(width, height) < MIN_SIDE) return `is ${width}×${height} pixels; each side must be at least ${MIN_SIDE}`;
  if (Math.max(width, height) / Math.min(width, height) > MAX_ASPECT) {
    return `is ${width}×${height} pixels; the long side may be at most ${MAX_ASPECT} times the short one`;
  }
  return null;
}

/** Size after an EXIF orientation (5–8 swap the sides). */
export function orientedSize(width: number, height: number, exifOrientation: number | undefined): { width: number; height: number } {
  return exifOrientation !== undefined && exifOrientation >= 5 && exifOrientation <= 8 ? { width: height, height: width } : { width, height };
}
