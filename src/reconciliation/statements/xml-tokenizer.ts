/**
 * A small incremental (SAX-style) XML tokenizer, enough for ISO 20022 bank statements: elements,
 * attributes, text, CDATA, comments, processing instructions, the five predefined entities and
 * character references. Pure: text in (any chunking), events out; it holds only the unfinished
 * tail of the input and the stack of open element names.
 *
 * Checked: well-formed nesting (every end tag matches), one root element, attribute syntax,
 * entity syntax, truncation (`end()` with elements still open). Not supported, and refused rather
 * than mis-read: DOCTYPE internal subsets (custom entities), encodings other than UTF-8/UTF-16.
 * Namespaces are not resolved: names keep their prefix (`ns2:Ntry`), see localName().
 *
 * Written here because no streaming XML parser is installed (fast-xml-parser needs the whole
 * document); `saxes` would be the drop-in library choice.
 */

export interface XmlOpen {
  kind: 'open';
  name: string;
  attrs: Record<string, string>;
  line: number;
}
export interface XmlClose {
  kind: 'close';
  name: string;
  line: number;
}
export interface XmlText {
  kind: 'text';
  /** Entities resolved; CDATA sections arrive as text too. Whitespace is kept. */
  text: string;
  line: number;
}
export type XmlEvent = XmlOpen | XmlClose | XmlText;

export class XmlSyntaxError extends Error {
  constructor(
    /** Physical line of the document (1-based). */
    readonly line: number,
    readonly problem: string,
  ) {
    super(`XML line ${line}: ${problem}`);
    this.name = 'XmlSyntaxError';
  }
}

/** `ns2:Ntry` → `Ntry`. */
export const localName = (name: string): string => name.slice(name.indexOf(':') + 1);

/** Longest markup or text run held while waiting for its end. */
const MAX_PENDING = 4 << 20;
const NAME = /^[\p{L}_:][\p{L}\p{N}_.:\-\u00B7]*$/u;
const ATTRIBUTE = /\s+([^\s=/>"']+)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;
const PREDEFINED = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['quot', '"'],
  ['apos', "'"],
]);

const countNewlines = (s: string, from = 0, to = s.length): number => {
  let n = 0;
  for (let i = from; i < to; i++) if (s.charCodeAt(i) === 10) n++;
  return n;
};

const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 9 || c === 13;

/** Element names seen so far (documents repeat a few dozen names millions of times). */
const VALID_NAMES = new Set<string>();
function validName(name: string): boolean {
  if (VALID_NAMES.has(name)) return true;
  if (!NAME.test(name)) return false;
  if (VALID_NAMES.size < 10_000) VALID_NAMES.add(name);
  return true;
}

export class XmlTokenizer {
  private buf = '';
  /** Line of buf[0]. */
  private line = 1;
  private readonly stack: { name: string; line: number }[] = [];
  private sawRoot = false;
  private finished = false;

  /** Open elements, outermost first. */
  get openElements(): readonly { name: string; line: number }[] {
    return this.stack;
  }

  /** Feeds a chunk; returns the events it completes. */
  write(text: string): XmlEvent[] {
    if (this.finished) throw new Error('XmlTokenizer: write after end');
    this.buf = this.buf === '' ? text : this.buf + text;
    const events = this.drain(false);
    if (this.buf.length > MAX_PENDING) {
      throw new XmlSyntaxError(this.line, `a tag or text longer than ${MAX_PENDING} characters`);
    }
    return events;
  }

  /** Ends the document: returns the last events, or throws if it is incomplete. */
  end(): XmlEvent[] {
    const events = this.drain(true);
    this.finished = true;
    const open = this.stack[this.stack.length - 1];
    if (open) {
      throw new XmlSyntaxError(
        this.line,
        `the document ends inside <${open.name}> opened at line ${open.line}: the file is truncated`,
      );
    }
    if (!this.sawRoot) throw new XmlSyntaxError(this.line, 'the document has no root element');
    return events;
  }

  private drain(final: boolean): XmlEvent[] {
    const events: XmlEvent[] = [];
    const buf = this.buf;
    let i = 0;
    let line = this.line;
    const error = (problem: string, at = line): never => {
      throw new XmlSyntaxError(at, problem);
    };
    const incomplete = (what: string): boolean => {
      if (final) error(`the document ends inside ${what}: the file is truncated`);
      return true;
    };

    while (i < buf.length) {
      if (buf.charCodeAt(i) !== 60 /* < */) {
        let end = buf.indexOf('<', i);
        if (end < 0) {
          if (!final) break;
          end = buf.length;
        }
        const raw = buf.slice(i, end);
        if (this.stack.length > 0) {
          events.push({ kind: 'text', text: decodeEntities(raw, line), line });
        } else if (raw.trim() !== '') {
          error(`text ${JSON.stringify(raw.trim().slice(0, 20))} outside the root element`);
        }
        line += countNewlines(raw);
        i = end;
        continue;
      }

      let end: number; // index just past the markup
      const next = buf.charCodeAt(i + 1);
      if (next === 47 /* / */) {
        const close = buf.indexOf('>', i);
        if (close < 0 && incomplete('an end tag')) break;
        const name = buf.slice(i + 2, close).trimEnd();
        const open = this.stack.pop();
        if (!open) error(`end tag </${name}> without a start tag`);
        else if (open.name !== name) error(`end tag </${name}> does not match <${open.name}> opened at line ${open.line}`);
        events.push({ kind: 'close', name, line });
        end = close + 1;
      } else if (next === 63 /* ? */) {
        const close = buf.indexOf('?>', i + 2);
        if (close < 0 && incomplete('a processing instruction')) break;
        end = close + 2;
        const pi = buf.slice(i + 2, close);
        const encoding = /^xml\s[^]*?encoding\s*=\s*["']([^"']+)["']/.exec(pi);
        if (encoding && !/^utf-?(8|16)$/i.test(encoding[1])) {
          error(`encoding "${encoding[1]}" is not supported (ISO 20022 files are UTF-8)`);
        }
      } else if (next === 33 /* ! */) {
        if (buf.startsWith('<!--', i)) {
          const close = buf.indexOf('-->', i + 4);
          if (close < 0 && incomplete('a comment')) break;
          end = close + 3;
        } else if (buf.startsWith('<![CDATA[', i)) {
          const close = buf.indexOf(']]>', i + 9);
          if (close < 0 && incomplete('a CDATA section')) break;
          if (this.stack.length === 0) error('CDATA outside the root element');
          events.push({ kind: 'text', text: buf.slice(i + 9, close), line });
          end = close + 3;
        } else if (buf.startsWith('<!DOCTYPE', i)) {
          const close = buf.indexOf('>', i);
          if (close < 0 && incomplete('a DOCTYPE')) break;
          if (buf.slice(i, close).includes('[')) error('DOCTYPE with an internal subset (custom entities) is not supported');
          end = close + 1;
        } else if (buf.length - i < 9 && ['<![CDATA[', '<!--', '<!DOCTYPE'].some((m) => m.startsWith(buf.slice(i)))) {
          if (incomplete('markup')) break;
          end = buf.length; // unreachable: incomplete() throws when final
        } else {
          return error(`unsupported markup ${JSON.stringify(buf.slice(i, i + 12))}`);
        }
      } else if (Number.isNaN(next)) {
        if (incomplete('markup')) break; // a lone '<' at the end of the chunk
        end = buf.length;
      } else {
        const close = findTagEnd(buf, i + 1);
        if (close < 0 && incomplete('a start tag')) break;
        const selfClosing = buf.charCodeAt(close - 1) === 47; /* / */
        const contentEnd = selfClosing ? close - 1 : close;
        let nameEnd = i + 1;
        while (nameEnd < contentEnd && !isSpace(buf.charCodeAt(nameEnd))) nameEnd++;
        const name = buf.slice(i + 1, nameEnd);
        if (!validName(name)) error(`invalid element name ${JSON.stringify(name)}`);
        if (this.stack.length === 0 && this.sawRoot) error(`second root element <${name}>`);
        const attrs = nameEnd < contentEnd ? parseAttributes(buf.slice(nameEnd, contentEnd), line, name) : {};
        this.sawRoot = true;
        events.push({ kind: 'open', name, attrs, line });
        if (selfClosing) events.push({ kind: 'close', name, line });
        else this.stack.push({ name, line });
        end = close + 1;
      }
      line += countNewlines(buf, i, end);
      i = end;
    }
    this.buf = buf.slice(i);
    this.line = line;
    return events;
  }
}

/** Index of the '>' closing a start tag that begins at `from`, skipping quoted attribute values. */
function findTagEnd(buf: string, from: number): number {
  let quote = 0;
  for (let j = from; j < buf.length; j++) {
    const c = buf.charCodeAt(j);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) quote = c;
    else if (c === 62) return j;
  }
  return -1;
}

/** `content` is what follows the element name inside the tag (starting with white space). */
function parseAttributes(content: string, line: number, element: string): Record<string, string> {
  const attrs: Record<string, string> = Object.create(null) as Record<string, string>;
  ATTRIBUTE.lastIndex = 0;
  let at = 0;
  for (let m = ATTRIBUTE.exec(content); m; m = ATTRIBUTE.exec(content)) {
    if (Object.prototype.hasOwnProperty.call(attrs, m[1])) {
      throw new XmlSyntaxError(line, `attribute ${m[1]} repeated on <${element}>`);
    }
    attrs[m[1]] = decodeEntities(m[2] ?? m[3], line);
    at = ATTRIBUTE.lastIndex;
  }
  if (content.slice(at).trim() !== '') {
    throw new XmlSyntaxError(line, `malformed attributes on <${element}>: ${JSON.stringify(content.slice(at).trim().slice(0, 40))}`);
  }
  return attrs;
}

/** Resolves &lt; &gt; &amp; &quot; &apos; &#NN; &#xHH;; anything else is an error. */
export function decodeEntities(s: string, line: number): string {
  let amp = s.indexOf('&');
  if (amp < 0) return s;
  let out = '';
  let from = 0;
  while (amp >= 0) {
    const semi = s.indexOf(';', amp);
    const name = semi < 0 ? '' : s.slice(amp + 1, semi);
    let value: string | undefined;
    if (/^#[0-9]{1,7}$/.test(name)) value = codePoint(parseInt(name.slice(1), 10));
    else if (/^#x[0-9a-fA-F]{1,6}$/.test(name)) value = codePoint(parseInt(name.slice(2), 16));
    else value = PREDEFINED.get(name);
    if (value === undefined) {
      const shown = semi < 0 || semi - amp > 12 ? s.slice(amp, amp + 12) : s.slice(amp, semi + 1);
      throw new XmlSyntaxError(line + countNewlines(s, 0, amp), `invalid entity or unescaped "&" at ${JSON.stringify(shown)}`);
    }
    out += s.slice(from, amp) + value;
    from = semi + 1;
    amp = s.indexOf('&', from);
  }
  return out + s.slice(from);
}

function codePoint(n: number): string | undefined {
  const allowed = n === 0x9 || n === 0xa || n === 0xd || (n >= 0x20 && n <= 0xd7ff) || (n >= 0xe000 && n <= 0x10ffff);
  return allowed && !(n >= 0xfffe && n <= 0xffff) ? String.fromCodePoint(n) : undefined;
}
