import { ftypBrands, sniffImageType } from './image-type.js';

const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
/** An ftyp box with a major brand and compatible brands, followed by padding. */
const ftyp = (major: string, ...compatible: string[]) =>
  bytes(u32(16 + 4 * compatible.length), 'ftyp', major, [0, 0, 0, 0], ...compatible, [0, 0, 0, 0, 0, 0, 0, 0]);

describe('sniffImageType (by content, never by name)', () => {
  it.each([
    ['JPEG (JFIF)', bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], 'JFIF'), 'jpeg'],
    ['JPEG (Exif)', bytes([0xff, 0xd8, 0xff, 0xe1, 0x12, 0x34], 'Exif'), 'jpeg'],
    ['PNG', bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], 'IHDR'), 'png'],
    ['WebP (lossy)', bytes('RIFF', u32(1234), 'WEBPVP8 '), 'webp'],
    ['WebP (lossless)', bytes('RIFF', u32(99), 'WEBPVP8L'), 'webp'],
    ['iPhone HEIC (heic; mif1 heic miaf)', ftyp('heic', 'mif1', 'heic', 'miaf'), 'heif'],
    ['HEIC sequence brand', ftyp('hevc', 'msf1', 'hevc'), 'heif'],
    ['generic HEIF (mif1 major, heic compatible)', ftyp('mif1', 'mif1', 'heic'), 'heif'],
    ['Samsung-style HEIF (mif1; mif1 heic)', ftyp('mif1', 'heic'), 'heif'],
    ['HEIC with 10-bit brand heix', ftyp('heix', 'mif1', 'heix'), 'heif'],
  ])('accepts %s', (_name, input, type) => {
    expect(sniffImageType(input)).toEqual({ ok: true, type });
  });

  it.each([
    ['GIF', bytes('GIF89a', [1, 0, 1, 0]), 'GIF'],
    ['TIFF little-endian', bytes([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]), 'TIFF (or a camera raw file)'],
    ['TIFF big-endian', bytes([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8]), 'TIFF (or a camera raw file)'],
    ['BMP', bytes('BM', u32(70)), 'BMP'],
    ['PDF', bytes('%PDF-1.7\n'), 'PDF'],
    ['SVG', bytes('  <svg xmlns="http://www.w3.org/2000/svg"/>'), 'SVG'],
    ['SVG with XML prolog', bytes('<?xml version="1.0"?>\n<svg/>'), 'SVG'],
    ['HTML', bytes('<!DOCTYPE html><html>'), 'HTML'],
    ['ZIP', bytes([0x50, 0x4b, 0x03, 0x04, 20, 0]), 'a ZIP archive (or an Office document)'],
    ['AVIF', ftyp('avif', 'mif1', 'avif', 'miaf'), 'AVIF'],
    ['AVIF under a generic major brand', ftyp('mif1', 'avif', 'miaf'), 'AVIF'],
    ['MP4 video', ftyp('isom', 'isom', 'mp41'), 'a video (MP4/MOV)'],
    ['QuickTime video (Live Photo part)', ftyp('qt  ', 'qt  '), 'a video (MP4/MOV)'],
    ['RIFF that is not WebP (WAV)', bytes('RIFF', u32(36), 'WAVEfmt '), null],
    ['plain text', bytes('hello, this is not an image'), null],
    ['empty', bytes(), null],
    ['two bytes of a JPEG', bytes([0xff, 0xd8]), null],
  ])('refuses %s, saying what it is', (_name, input, detected) => {
    expect(sniffImageType(input)).toEqual({ ok: false, detected });
  });
});

describe('ftypBrands', () => {
  it('lists the major brand first, then the compatible ones', () => {
    expect(ftypBrands(ftyp('heic', 'mif1', 'heic', 'miaf'))).toEqual(['heic', 'mif1', 'heic', 'miaf']);
  });
  it('stops at the end of the data when the box claims more', () => {
    const b = bytes(u32(400), 'ftyp', 'heic', [0, 0, 0, 0], 'mif1');
    expect(ftypBrands(b)).toEqual(['heic', 'mif1']);
  });
  it('is empty for anything else', () => {
    expect(ftypBrands(bytes('RIFF', u32(4), 'WEBP', 'VP8 '))).toEqual([]);
  });
});
