import { readFileSync } from 'node:fs';
import { decodeHeic, HeicDecodeError } from './heic-decoder.js';

// Made by test/fixtures/media/make-heic-fixture.mjs (heif-enc 1.15, x265): 160×120 HEVC.
const fixture = readFileSync(new URL('../../test/fixtures/media/gps.heic', import.meta.url));

describe('decodeHeic (heic-decode in a worker thread)', () => {
  it('decodes an HEVC-coded HEIC to RGBA', async () => {
    const img = await decodeHeic(fixture, { maxPixels: 1_000_000 });
    expect([img.width, img.height, img.data.length]).toEqual([160, 120, 160 * 120 * 4]);
    const at = (x: number, y: number) => [...img.data.subarray((y * 160 + x) * 4, (y * 160 + x) * 4 + 4)];
    const [r, g, b, a] = at(80, 5); // green band on top
    expect(g).toBeGreaterThan(150);
    expect(r + b).toBeLessThan(80);
    expect(a).toBe(255);
  });

  it('refuses, before decoding, an image over the pixel limit', async () => {
    await expect(decodeHeic(fixture, { maxPixels: 160 * 120 - 1 })).rejects.toThrow(/over the limit/);
  });

  it('reports undecodable data as HeicDecodeError, and the next decode still works', async () => {
    const bad = Buffer.from(fixture);
    bad.fill(0, bad.indexOf('mdat') + 4); // the HEVC data zeroed (0xff bytes decode to grey instead)
    await expect(decodeHeic(bad, { maxPixels: 1_000_000 })).rejects.toBeInstanceOf(HeicDecodeError);
    await expect(decodeHeic(Buffer.from('not heic at all, no ftyp'), { maxPixels: 1_000_000 })).rejects.toBeInstanceOf(HeicDecodeError);
    expect((await decodeHeic(fixture, { maxPixels: 1_000_000 })).width).toBe(160);
  });
});
