import { readFileSync } from 'node:fs';
import { HeifContainerError, readHeifContainer } from './heif-container.js';

// Made by test/fixtures/media/make-heic-fixture.mjs (heif-enc, x265): 160×120, EXIF with GPS.
const fixture = readFileSync(new URL('../../test/fixtures/media/gps.heic', import.meta.url));

function expectContainerError(data: Uint8Array, message: RegExp, truncated: boolean): void {
  let err: unknown;
  try {
    readHeifContainer(data);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(HeifContainerError);
  expect((err as HeifContainerError).message).toMatch(message);
  expect((err as HeifContainerError).truncated).toBe(truncated);
}

/** The fixture with the primary image's `ispe` saying width × height. */
function withIspe(width: number, height: number): Buffer {
  const b = Buffer.from(fixture);
  const at = b.indexOf('ispe');
  expect(at).toBeGreaterThan(0);
  b.writeUInt32BE(width, at + 8); // after type (4) and version/flags (4)
  b.writeUInt32BE(height, at + 12);
  return b;
}

describe('readHeifContainer', () => {
  it('reads the primary image size and type of a HEIC made by libheif/x265', () => {
    expect(readHeifContainer(fixture)).toEqual({ width: 160, height: 120, rotation: 0, itemType: 'hvc1' });
  });

  it('reports the size the container claims without decoding (a decompression bomb is seen here)', () => {
    expect(readHeifContainer(withIspe(60000, 60000))).toMatchObject({ width: 60000, height: 60000 });
  });

  it.each([0.97, 0.8, 0.5])('finds a file cut at %p of its length incomplete', (frac) => {
    expectContainerError(fixture.subarray(0, Math.floor(fixture.length * frac)), /more bytes than the file has|past the end of the file|cut off|ends inside/, true);
  });

  it('finds a file cut exactly after its meta box incomplete (the image data is missing)', () => {
    const mdat = fixture.indexOf('mdat') - 4;
    expectContainerError(fixture.subarray(0, mdat), /item \d+ runs \d+ bytes past the end/, true);
  });

  it('refuses what is not ISO-BMFF or has no image', () => {
    expectContainerError(Buffer.from([0, 0, 0, 8, 0x66, 0x72, 0x65, 0x65, ...fixture]), /does not start with an ftyp box/, false);
    const ftypOnly = fixture.subarray(0, fixture.readUInt32BE(0));
    expectContainerError(ftypOnly, /no meta box/, true);
  });

  it('refuses a box whose size is impossible', () => {
    const b = Buffer.from(fixture);
    b.writeUInt32BE(3, 0); // ftyp of 3 bytes
    expectContainerError(b, /impossible size 3/, false);
  });
});
