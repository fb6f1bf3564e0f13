import { Readable } from 'node:stream';
import { ImageTooLarge, InvalidImage } from './media.errors.js';
import { readUpload } from './read-upload.js';

describe('readUpload', () => {
  it('takes a Buffer or a stream up to the limit', async () => {
    expect(await readUpload(Buffer.from('abc'), 3)).toEqual(Buffer.from('abc'));
    expect(await readUpload(Readable.from([Buffer.from('ab'), Buffer.from('c')]), 3)).toEqual(Buffer.from('abc'));
  });

  it('refuses one byte more (413), and stops reading a stream there', async () => {
    await expect(readUpload(Buffer.alloc(4), 3)).rejects.toBeInstanceOf(ImageTooLarge);
    let chunks = 0;
    const endless = new Readable({
      read() {
        chunks += 1;
        this.push(Buffer.alloc(1024));
      },
    });
    await expect(readUpload(endless, 10 * 1024)).rejects.toMatchObject({ kind: 'too_large', details: [{ field: 'file', problem: 'is larger than 10 KB (MEDIA_MAX_UPLOAD_SIZE)' }] });
    expect(chunks).toBeLessThan(30);
    expect(endless.destroyed).toBe(true);
  });

  it('refuses a stream the multipart parser cut at its own limit (truncated)', async () => {
    const cut = Object.assign(Readable.from([Buffer.from('abc')]), { truncated: true });
    await expect(readUpload(cut, 100)).rejects.toBeInstanceOf(ImageTooLarge);
  });

  it('refuses an empty file (400 on "file")', async () => {
    await expect(readUpload(Buffer.alloc(0), 3)).rejects.toBeInstanceOf(InvalidImage);
    await expect(readUpload(Readable.from([]), 3)).rejects.toMatchObject({ details: [{ field: 'file', problem: 'is empty' }] });
  });
});
