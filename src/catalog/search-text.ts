/**
 * Search text: what the service stores (`search_extra`) and how a user's query becomes a tsquery.
 * Pure: no NestJS, no I/O.
 *
 * The database indexes the words of the name, `vn_words(name)` (weight A, and alone in
 * `name_vector`/`name_key` for ranking), and `search_extra` (weight B) with the `simple`
 * configuration (no stemming, no stop words). Both sides are folded the same way (diacritics
 * stripped, đ → d, lowercase, split on anything but [a-z0-9]), so "ca phe", "CÀ PHÊ" and "Cà phê"
 * are the same words, and where a tone mark sits ("Hoà"/"Hòa") no longer matters.
 */
import { foldVietnamese } from '../common/vn-text.js';

/** At most this many words of a query are used (the rest are ignored). */
export const MAX_QUERY_TOKENS = 8;
/** Longer words cannot be in the index anyway (no Vietnamese word comes close). */
const MAX_TOKEN_LENGTH = 40;
/** How much of the description goes into the search text. */
export const SEARCH_DESCRIPTION_CHARS = 300;

/** The usable words of a query: folded, split on anything but [a-z0-9]. Empty when none is left. */
export function searchTokens(q: string): string[] {
  return foldVietnamese(q)
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 0)
    .slice(0, MAX_QUERY_TOKENS)
    .map((t) => t.slice(0, MAX_TOKEN_LENGTH));
}

/**
 * A tsquery (for `to_tsquery('simple', …)`) that needs every word, the last one as a prefix (the user
 * may still be typing): ["ca", "phe"] → "ca & phe:*". With `weight` the words must occur with that
 * weight ("ca:A & phe:*A": both in the name). Tokens are [a-z0-9]+ so nothing needs escaping.
 */
export function toTsQuery(tokens: string[], weight?: 'A' | 'B'): string {
  if (!tokens.length) throw new RangeError('toTsQuery needs at least one token');
  for (const t of tokens) if (!/^[a-z0-9]+$/.test(t)) throw new RangeError(`unsanitized token ${JSON.stringify(t)}`);
  const w = weight ?? '';
  return tokens.map((t, i) => (i === tokens.length - 1 ? `${t}:*${w}` : w ? `${t}:${w}` : t)).join(' & ');
}

/** The first ~`max` characters of a text, cut at a word boundary when one is near. */
export function leadingText(s: string, max = SEARCH_DESCRIPTION_CHARS): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max);
  const space = cut.search(/\s\S*$/);
  return space > max * 0.8 ? cut.slice(0, space) : cut;
}

/** A province as it is searched: its Vietnamese name, and its English one when that folds differently ("Hà Nội Hanoi"). */
export function provinceSearchNames(p: { name: string; nameEn: string }): string {
  return foldVietnamese(p.name) === foldVietnamese(p.nameEn) ? p.name : `${p.name} ${p.nameEn}`;
}

/**
 * The words beyond the product's name that find it: its cooperative's name, its province's name and
 * the start of its description, folded. Stored in `products.search_extra` (weight B).
 */
export function buildSearchExtra(cooperativeName: string, provinceName: string, description: string): string {
  return foldVietnamese([cooperativeName, provinceName, leadingText(description.normalize('NFC'))].join(' '));
}
