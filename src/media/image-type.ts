/**
 * What an upload is, judged by its first bytes (magic numbers), never by its file name or the
 * declared Content-Type. Pure: no I/O.
 *
 * Accepted: JPEG (FF D8 FF), PNG (89 50 4E 47 0D 0A 1A 0A), WebP (RIFF....WEBP) and HEIF/HEIC
 * (an ISO-BMFF `ftyp` box whose major or compatible brands name a HEIF image brand). Every other
 * type is refused, and for the common ones the refusal says what the file really is.
 *
 * Sources: the JPEG (ITU T.81 Annex B), PNG (RFC 2083 §3.1) and WebP (RIFF container, Google's
 * "WebP Container Specification") signatures; HEIF brands from ISO/IEC 23008-12 Annex B and the
 * list libheif checks (`heif_check_filetype`): heic, heix, heim, heis, hevc, hevx, hevm, hevs,
 * mif1, msf1. AVIF (`avif`, `avis`) shares the container but is AV1-coded: not accepted here.
 */

export type AcceptedImageType = 'jpeg' | 'png' | 'webp' | 'heif';

export type SniffResult = { ok: true; type: AcceptedImageType } | { ok: false; detected: string | null };

/** HEVC-coded HEIF brands (what iPhones write: major `heic`, compatible `mif1`, `heic`, `miaf`). */
const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);
/** Generic HEIF brands: accepted unless the file also says it is AVIF. */
const HEIF_GENERIC_BRANDS = new Set(['mif1', 'msf1']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

/** Bytes needed to decide; a shorter upload is never an acceptable image anyway. */
export const SNIFF_BYTES = 64;

export function sniffImageType(b: Uint8Array): SniffResult {
  if (startsWith(b, [0xff, 0xd8, 0xff])) return { ok: true, type: 'jpeg' };
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { ok: true, type: 'png' };
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return { ok: true, type: 'webp' };
  if (ascii(b, 4, 8) === 'ftyp') return sniffIsoBmff(b);
  return { ok: false, detected: describeOther(b) };
}

/** The brands of an `ftyp` box: the major brand first, then the compatible ones. */
export function ftypBrands(b: Uint8Array): string[] {
  if (b.length < 16 || ascii(b, 4, 8) !== 'ftyp') return [];
  const size = readU32(b, 0);
  const end = Math.min(size >= 16 ? size : 16, b.length);
  const brands = [ascii(b, 8, 12)];
  for (let i = 16; i + 4 <= end; i += 4) brands.push(ascii(b, i, i + 4));
  return brands;
}

function sniffIsoBmff(b: Uint8Array): SniffResult {
  const brands = ftypBrands(b);
  if (!brands.length) return { ok: false, detected: null };
  const [major] = brands;
  if (AVIF_BRANDS.has(major) || (HEIF_GENERIC_BRANDS.has(major) && brands.some((x) => AVIF_BRANDS.has(x)) && !brands.some((x) => HEIF_BRANDS.has(x)))) {
    return { ok: false, detected: 'AVIF' };
  }
  if (HEIF_BRANDS.has(major) || HEIF_GENERIC_BRANDS.has(major) || brands.some((x) => HEIF_BRANDS.has(x))) return { ok: true, type: 'heif' };
  if (['qt  ', 'isom', 'mp41', 'mp42', 'M4V ', 'avc1', 'iso2', 'iso4', 'iso5', 'iso6', 'dash', '3gp4', '3gp5', '3g2a'].includes(major)) return { ok: false, detected: 'a video (MP4/MOV)' };
  return { ok: false, detected: `an ISO media file (brand "${major.trim()}")` };
}

function describeOther(b: Uint8Array): string | null {
  if (ascii(b, 0, 4) === 'GIF8') return 'GIF';
  if (startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a])) return 'TIFF (or a camera raw file)';
  if (ascii(b, 0, 2) === 'BM') return 'BMP';
  if (ascii(b, 0, 5) === '%PDF-') return 'PDF';
  if (startsWith(b, [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20])) return 'JPEG 2000';
  if (startsWith(b, [0xff, 0x0a]) || ascii(b, 4, 12) === 'JXL \r\n\x87\n') return 'JPEG XL';
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04])) return 'a ZIP archive (or an Office document)';
  const head = ascii(b, 0, Math.min(b.length, 256)).trimStart().toLowerCase();
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) return 'SVG';
  if (head.startsWith('<!doctype html') || head.startsWith('<html')) return 'HTML';
  return null;
}

function startsWith(b: Uint8Array, sig: number[]): boolean {
  if (b.length < sig.length) return false;
  return sig.every((v, i) => b[i] === v);
}

function ascii(b: Uint8Array, from: number, to: number): string {
  if (b.length < to) return '';
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(b[i]);
  return s;
}

function readU32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) >>> 0) + (b[at + 1] << 16) + (b[at + 2] << 8) + b[at + 3];
}
