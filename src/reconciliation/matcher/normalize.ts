/**
 * Text folding for bank memos and Vietnamese search/names. Pure.
 *
 * Unicode NFD splits "ố" into "o" + combining marks, which are then dropped; "đ/Đ" has no
 * decomposition and is mapped explicitly (as is "Ð", U+00D0, which some keyboards type for "Đ").
 */

const COMBINING_MARKS = /\p{M}/gu;
const D_WITH_STROKE = /[\u0110\u0111\u00D0]/g; // Đ đ Ð
const ASCII_ALNUM = /^[A-Z0-9]$/;

export interface NormalizedMemo {
  /** Uppercase A-Z0-9 only. */
  text: string;
  /** positions[i] = UTF-16 offset in the original memo of the character that produced text[i]. */
  positions: number[];
}

/**
 * normalizeMemo with a map back to the original string: NFD, combining marks stripped, đ/Đ → D,
 * uppercase, every character other than A-Z and 0-9 dropped.
 */
export function normalizeMemoWithPositions(memo: string): NormalizedMemo {
  let text = '';
  const positions: number[] = [];
  let offset = 0;
  // Per code point: NFD's reordering only moves combining marks, which are dropped anyway, so
  // folding each code point on its own gives the same text as folding the whole string.
  for (const codePoint of memo) {
    const code = codePoint.charCodeAt(0);
    if (code < 0x80) {
      // ASCII (most of every memo) folds to itself: keep digits and letters, upper-cased.
      if ((code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a)) {
        text += codePoint;
        positions.push(offset);
      } else if (code >= 0x61 && code <= 0x7a) {
        text += String.fromCharCode(code - 0x20);
        positions.push(offset);
      }
      offset += 1;
      continue;
    }
    for (const ch of foldCodePoint(codePoint)) {
      text += ch;
      positions.push(offset);
    }
    offset += codePoint.length;
  }
  return { text, positions };
}

/** What one non-ASCII code point folds to (A-Z0-9 only), memoised: memos repeat the same few letters. */
const FOLDED = new Map<string, string>();
const FOLDED_MAX = 4096;

function foldCodePoint(codePoint: string): string {
  let out = FOLDED.get(codePoint);
  if (out === undefined) {
    out = '';
    const folded = codePoint.normalize('NFD').replace(COMBINING_MARKS, '').replace(D_WITH_STROKE, 'D').toUpperCase();
    for (const ch of folded) if (ASCII_ALNUM.test(ch)) out += ch;
    if (FOLDED.size < FOLDED_MAX) FOLDED.set(codePoint, out);
  }
  return out;
}

/** "Thanh toán đơn hàng oc-7k4m 9p2x g" → "THANHTOANDONHANGOC7K4M9P2XG". */
export function normalizeMemo(memo: string): string {
  return normalizeMemoWithPositions(memo).text;
}

/**
 * Vietnamese folding for search and name comparison: lower case, diacritics removed, đ → d,
 * whitespace runs collapsed to one space and trimmed; punctuation is kept.
 * "  Cà phê   Buôn Ma Thuột ĐẶC BIỆT " → "ca phe buon ma thuot dac biet".
 */
export function foldVietnamese(text: string): string {
  return text
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .replace(D_WITH_STROKE, 'd')
    .toLowerCase()
    .normalize('NFC')
    .replace(/\s+/g, ' ')
    .trim();
}
