/**
 * Incremental text decoding for statement files: bytes in, strings out, one chunk at a time.
 * Pure apart from reading the given stream; never holds more than a chunk (plus a partial line).
 */
import iconv from 'iconv-lite';
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

/** Encodings a statement may be read in (`?encoding=`); others are refused by the import's DTO. */
export const TEXT_ENCODINGS = [
  'utf-8',
  'utf-16le',
  'utf-16be',
  'windows-1250',
  'windows-1252',
  'iso-8859-1',
  'windows-1258',
] as const;
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];

export interface DecodeOptions {
  /** Read the bytes in this encoding instead of detecting it. */
  encoding?: TextEncoding;
}

const SINGLE_BYTE = new Set<TextEncoding>(['windows-1250', 'windows-1252', 'iso-8859-1', 'windows-1258']);
const label = (e: TextEncoding): string => (e.startsWith('utf') ? e.toUpperCase() : e === 'iso-8859-1' ? 'ISO-8859-1' : e.replace('windows', 'Windows'));

/**
 * Which single-byte code page non-UTF-8 bytes most likely are, by the letters they would spell:
 * Windows-1258 (Vietnamese: đ Đ ơ Ơ ư Ư ă Ă and the combining tone marks 0xCC 0xEC 0xD2 0xDE 0xF2
 * after a letter), Windows-1250 (Central European: ą ę ł ń ś ź ż ő ű č ř š ž …), else Windows-1252
 * (Western European; also what ISO-8859-1 text decodes to). Pure; a guess, which `?encoding=`
 * overrides.
 */
export function guessSingleByteEncoding(bytes: Uint8Array): TextEncoding {
  // Windows-1258: đ Đ ư Ư, and a tone mark right after an ASCII letter (Vietnamese writes one in
  // most words). Windows-1250: bytes that are letters there (ą Ą ł Ł ż Ż ś ź ş …) but symbols in
  // Windows-1252 (¹ ¥ ³ £ ¿ ¯ œ Ÿ ª º …). Letters both code pages share prove nothing.
  const VIETNAMESE = new Set([0xd0, 0xf0, 0xdd, 0xfd]);
  const TONE_MARKS = new Set([0xcc, 0xec, 0xd2, 0xde, 0xf2]);
  const CENTRAL = new Set([0xa5, 0xb9, 0xa3, 0xb3, 0xaf, 0xbf, 0x8c, 0x9c, 0x8f, 0x9f, 0x8d, 0x9d, 0xaa, 0xba, 0xbc, 0xbe]);
  const asciiLetter = (b: number | undefined) => b !== undefined && ((b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a));
  let vi = 0;
  let ce = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b < 0x80) continue;
    if (VIETNAMESE.has(b) || (TONE_MARKS.has(b) && asciiLetter(bytes[i - 1]))) vi++;
    if (CENTRAL.has(b)) ce++;
  }
  if (vi > ce) return 'windows-1258';
  if (ce > 0) return 'windows-1250';
  return 'windows-1252';
}

/** Decodes one encoding incrementally; `null` from decode() = the bytes are not valid in it. */
interface ChunkDecoder {
  readonly encoding: TextEncoding;
  decode(bytes: Buffer | null): string | null;
}

function chunkDecoder(encoding: TextEncoding): ChunkDecoder {
  if (!SINGLE_BYTE.has(encoding)) {
    const decoder = new TextDecoder(encoding, { fatal: true });
    return {
      encoding,
      decode(bytes) {
        try {
          return bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
        } catch {
          return null;
        }
      },
    };
  }
  // Windows-1258 writes tone marks as combining characters after the letter: hold the last
  // character back so that NFC sees a letter with all its marks, whatever the chunking.
  let held = '';
  return {
    encoding,
    decode(bytes) {
      let text = held + (bytes ? iconv.decode(bytes, encoding) : '');
      held = '';
      if (text.includes('\uFFFD')) return null; // a byte the code page does not define
      if (bytes && text !== '') {
        held = text.slice(-1);
        text = text.slice(0, -1);
      }
      return encoding === 'windows-1258' ? text.normalize('NFC') : text;
    },
  };
}

/**
 * Decodes statement bytes to text, chunk by chunk. With `encoding` the bytes are read in that
 * encoding. Otherwise: a byte-order mark says UTF-8 or UTF-16 (and is dropped); bytes that are
 * valid UTF-8 are UTF-8; a file whose first non-ASCII bytes are not UTF-8 is read in the
 * single-byte code page their letters point to (see guessSingleByteEncoding). Bytes that do not
 * decode — invalid UTF-8 after UTF-8 text, a byte the forced code page does not define — fail with
 * the line where they are, instead of turning letters into U+FFFD silently.
 */
export async function* decodeText(source: ByteSource, opts: DecodeOptions = {}): AsyncGenerator<string, void, undefined> {
  let decoder: ChunkDecoder | null = null;
  let pending: Buffer | null = null;
  let line = 1;
  let firstString = true;
  /** Detecting: every byte so far was ASCII (read as UTF-8, the same in every candidate). */
  let asciiSoFar = opts.encoding === undefined;
  /** Detecting: bytes from the first non-ASCII one on, kept until there are enough to judge. */
  let probe: Buffer | null = null;
  const problem = (bytes: Buffer | null, encoding: TextEncoding): TextDecodeProblem => {
    const lossy = bytes ? new TextDecoder(encoding.startsWith('utf') ? encoding : 'latin1').decode(bytes) : '';
    const at = encoding.startsWith('utf') ? lossy.indexOf('\uFFFD') : firstUndefined(bytes, encoding);
    const where = line + countNewlines(at >= 0 ? lossy.slice(0, at) : lossy);
    const hint = opts.encoding ? '' : ' (save the export as UTF-8, or name its encoding with ?encoding=)';
    return new TextDecodeProblem(where, `the bytes are not valid ${label(encoding)} text${hint}`);
  };
  const decode = function* (bytes: Buffer | null): Generator<string> {
    if (decoder === null) {
      const head = bytes ?? Buffer.alloc(0);
      let encoding: TextEncoding = opts.encoding ?? 'utf-8';
      if (opts.encoding === undefined || opts.encoding.startsWith('utf')) {
        if (head[0] === 0xff && head[1] === 0xfe) encoding = 'utf-16le';
        else if (head[0] === 0xfe && head[1] === 0xff) encoding = 'utf-16be';
      }
      if (encoding !== 'utf-8') asciiSoFar = false;
      decoder = chunkDecoder(encoding);
    }
    if (asciiSoFar && bytes) {
      // Detection: ASCII passes as it is; from the first other byte, 4 KiB are looked at first.
      probe = probe ? Buffer.concat([probe, bytes]) : bytes;
      const first = probe.findIndex((b) => b >= 0x80);
      if (first < 0) {
        bytes = probe;
        probe = null;
      } else if (probe.length - first < PROBE_BYTES) {
        // Keep the letter before it too: a Windows-1258 tone mark combines with it.
        if (first > 1) {
          yield* emit(decoder.decode(probe.subarray(0, first - 1)), probe.subarray(0, first - 1));
          probe = probe.subarray(first - 1);
        }
        return;
      } else {
        bytes = settle();
      }
    } else if (asciiSoFar && probe) {
      const rest = settle(); // the end of the file came first
      yield* emit(decoder.decode(rest), rest);
    }
    yield* emit(decoder.decode(bytes), bytes);
  };
  /** The detected encoding for the probed bytes: UTF-8 when they are valid UTF-8, else a code page. */
  const settle = (): Buffer => {
    const bytes = probe!;
    probe = null;
    asciiSoFar = false;
    // UTF-8 when it decodes, or when it holds more valid multi-byte UTF-8 than bad bytes: a UTF-8
    // file with a stray byte is refused at that byte, not turned into mojibake by a code page (a
    // code page's text forms a valid UTF-8 pair now and then, but mostly bad bytes).
    const lossy = new TextDecoder('utf-8').decode(bytes, { stream: true });
    const bad = lossy.match(/\uFFFD/g)?.length ?? 0;
    const good = lossy.match(/[^\x00-\x7F\uFFFD]/g)?.length ?? 0;
    const utf8 = bad === 0 || good > bad;
    if (!utf8) decoder = chunkDecoder(guessSingleByteEncoding(bytes));
    return bytes;
  };
  const emit = function* (decoded: string | null, bytes: Buffer | null): Generator<string> {
    if (decoded === null) throw problem(bytes, decoder!.encoding);
    let text = decoded;
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
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
    yield* decode(bytes);
  }
  if (pending) yield* decode(pending);
  if (decoder !== null) yield* decode(null);
}

/** How much text after its first non-ASCII byte detection looks at. */
const PROBE_BYTES = 4096;

/** Index (in the latin1 reading) of the first byte `encoding` does not define, or -1. */
function firstUndefined(bytes: Buffer | null, encoding: TextEncoding): number {
  if (!bytes) return -1;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] >= 0x80 && iconv.decode(bytes.subarray(i, i + 1), encoding) === '\uFFFD') return i;
  }
  return -1;
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
