/**
 * Vietnamese text helpers. Pure: no NestJS, no I/O.
 *
 * Unicode NFD decomposes every Vietnamese vowel with its tone and vowel marks (ắ → a + ̆ + ́), so
 * stripping combining marks after NFD removes them. The one exception is đ/Đ (U+0111/U+0110), a
 * letter of its own with no decomposition, which is mapped by hand. U+00D0 (Ð, Icelandic eth) looks
 * identical to Đ and sometimes stands in for it in typed or OCR'd text, so it is mapped too.
 * Where a tone mark sits ("Hoà" vs "Hòa", "Thuỷ" vs "Thủy") stops mattering once marks are gone.
 */

const COMBINING_MARKS = /\p{M}+/gu;
const D_STROKE = /[đĐÐ]/g;
const WHITESPACE = /\s+/gu;

/**
 * Folds text for search and comparison: NFD, strip combining marks, đ/Đ → d, lowercase, collapse
 * whitespace to single spaces, trim. "  Thành phố  Hồ Chí Minh " → "thanh pho ho chi minh".
 */
export function foldVietnamese(s: string): string {
  return s
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .replace(D_STROKE, 'd')
    .toLowerCase()
    .replace(WHITESPACE, ' ')
    .trim();
}

export type BankAccountNameResult = { ok: true; value: string } | { ok: false; problem: string };

/**
 * A bank account holder's name as Vietnamese banks print it: uppercase, no diacritics (Đ → D),
 * only A–Z, 0–9 and single spaces. Any other character (punctuation, symbols, letters outside
 * Vietnamese/ASCII) becomes a word break. For example,
 * "Hợp tác xã Nông nghiệp Tân Lập" → "HOP TAC XA NONG NGHIEP TAN LAP", and
 * "Công ty TNHH A&B (Việt Nam)" → "CONG TY TNHH A B VIET NAM".
 * Rejects a name with nothing left after folding. Applies no length limit: vietqr.io's generator
 * takes 5–50 characters, but the name a bank returns can be longer. Callers that build a QR image
 * request must apply that limit themselves.
 */
export function bankAccountName(s: string): BankAccountNameResult {
  const value = foldVietnamese(s)
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, ' ')
    .trim();
  if (value === '') {
    return { ok: false, problem: 'must contain at least one letter or digit (A–Z, 0–9 after removing diacritics)' };
  }
  return { ok: true, value };
}
