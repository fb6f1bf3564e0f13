import type { Readable } from 'node:stream';
import { ImageTooLarge, InvalidImage } from './media.errors.js';

/** Reads an upload into memory, refusing (413) more than maxBytes without reading further. */
export async function readUpload(data: Buffer | Readable, maxBytes: number): Promise<Buffer> {
  let buf: Buffer;
  if (Buffer.isBuffer(data)) {
    buf = data;
  } else {
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of data) {
      const c = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      total += c.length;
      if (total > maxBytes) {
        data.destroy();
        throw new ImageTooLarge(maxBytes);
      }
      chunks.push(c);
    }
    // @fastify/multipart marks a file stream cut at its `limits.fileSize` as truncated.
    if ((data as Readable & { truncated?: boolean }).truncated) throw new ImageTooLarge(maxBytes);
    buf = Buffer.concat(chunks, total);
  }
  if (buf.length > maxBytes) throw new ImageTooLarge(maxBytes);
  if (buf.length === 0) throw new InvalidImage('is empty', 'image_unreadable');
  return buf;
}
