/**
 * Incremental text decoding for statement files: bytes in, strings out, one chunk at a time.
 * Pure apart from reading the given stream; never holds more than a chunk (plus a partial line).
 */
import { TextDecoder } from 'node:util';

/** A Node Readable, or any async iterable of chunks. */
export type ByteSource = AsyncIterable<Buffer | Uint8Array | string>;

/** Releases a source the parser stops reading early (a Readable is destroyed; other iterables are left). */
export function destroySource(source: ByteSource): void {
  const readable = source as { destroy?: () => void; destroyed?: boolean };
  if (typeof readable.destroy === 'function' && readable.destroyed !== true) readable.destroy();
}

/** The bytes are not text in the expected encoding; `line` is the physical line (1-based). */
export class TextDecodeProblem extends Error {
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(`line ${line}: ${problem}`);
    this.name = 'TextDecodeProblem';
  }
}

const countNewlines = (s: string): number => {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
};

/**
 * Decodes UTF-8 (BOM optional, stripped) or UTF-16 with a BOM (Excel's "Unicode text"). Invalid
 * UTF-8 — a Windows-1258 or TCVN3 export, say — fails with the line where it starts, instead of
 * turning Vietnamese letters into U+FFFD silently.
 */
export async function* decodeText(source: ByteSource): AsyncGenerator<string, void, undefined> {
  let decoder: TextDecoder | null = null;
  let pending: Buffer | null = null;
  let line = 1;
  let firstString = true;
  const decode = function* (bytes: Buffer | null, final: boolean): Generator<string> {
    if (decoder === null) {
      const head = bytes ?? Buffer.alloc(0);
      const encoding =
        head[0] === 0xff && head[1] === 0xfe ? 'utf-16le' : head[0] === 0xfe && head[1] === 0xff ? 'utf-16be' : 'utf-8';
      decoder = new TextDecoder(encoding, { fatal: true });
    }
    let text: string;
    try {
      text = bytes ? decoder.decode(bytes, { stream: !final }) : decoder.decode();
    } catch {
      const lossy = bytes ? new TextDecoder(decoder.encoding).decode(bytes) : '';
      const at = lossy.indexOf('\uFFFD');
      const where = line + countNewlines(at >= 0 ? lossy.slice(0, at) : lossy);
      throw new TextDecodeProblem(
        where,
        `the file is not valid ${decoder.encoding === 'utf-8' ? 'UTF-8' : 'UTF-16'} text (save the export as UTF-8)`,
      );
    }
    line += countNewlines(text);
    if (text !== '') yield text;
  };

  for await (const chunk of source) {
    if (typeof chunk === 'string') {
      // Already decoded (a stream with setEncoding): only a BOM at the very start to drop.
      const text = firstString && chunk.charCodeAt(0) === 0xfeff ? chunk.slice(1) : chunk;
      if (chunk !== '') firstString = false;
      line += countNewlines(text);
      if (text !== '') yield text;
      continue;
    }
    let bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (decoder === null) {
      // Wait for two bytes to see a UTF-16 byte-order mark.
      bytes = pending ? Buffer.concat([pending, bytes]) : bytes;
      if (bytes.length < 2) {
        pending = bytes;
        continue;
      }
      pending = null;
    }
    yield* decode(bytes, false);
  }
  if (pending) yield* decode(pending, false);
  if (decoder !== null) yield* decode(null, true);
}

/** Turns "\r\n" and lone "\r" into "\n", across chunk boundaries. */
export async function* normalizeNewlines(texts: AsyncIterable<string>): AsyncGenerator<string, void, undefined> {
  let carryCr = false;
  for await (let text of texts) {
    if (carryCr) text = '\r' + text;
    carryCr = text.endsWith('\r');
    if (carryCr) text = text.slice(0, -1);
    const out = text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
    if (out !== '') yield out;
  }
  if (carryCr) yield '\n';
}

/** Lines without their terminators ("\n", "\r\n" or "\r"), with their 1-based physical number. */
export async function* readLines(
  texts: AsyncIterable<string>,
): AsyncGenerator<{ text: string; lineNo: number }, void, undefined> {
  let partial = '';
  let lineNo = 0;
  for await (const text of normalizeNewlines(texts)) {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const piece = text.slice(start, nl);
      yield { text: partial === '' ? piece : partial + piece, lineNo: ++lineNo };
      partial = '';
      start = nl + 1;
    }
    partial += text.slice(start);
    if (partial.length > 1_000_000) throw new TextDecodeProblem(lineNo + 1, 'line is longer than 1,000,000 characters');
  }
  if (partial !== '') yield { text: partial, lineNo: ++lineNo };
}
