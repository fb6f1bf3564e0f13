/**
 * Finding payment references in bank memos. Pure.
 *
 * Banks lower-case memos, strip or add spaces, dashes and dots, drop diacritics, glue trace numbers
 * and their own prefixes to the text, truncate it, and repeat it. The memo is therefore normalised
 * to A-Z0-9 (normalizeMemo) and EVERY occurrence of the prefix is tried — a trace number ending
 * in "...O" or a word like "NGOC" glued before the code must not hide it. Only candidates whose
 * check character verifies are returned: a one-character typo or a code cut in half yields
 * nothing, never a wrong reference.
 */
import { REFERENCE_LENGTH, REFERENCE_PREFIX, referenceAt } from '../../payments/vietqr/reference.js';
import { normalizeMemoWithPositions } from './normalize.js';

export interface ReferenceMatch {
  reference: string;
  /** UTF-16 offsets in the original memo: memo.slice(start, end) is the code as the bank wrote it. */
  start: number;
  end: number;
}

/** Every occurrence of a valid reference, in memo order, repeats included, with its original span. */
export function locateReferences(memo: string): ReferenceMatch[] {
  const { text, positions } = normalizeMemoWithPositions(memo);
  const matches: ReferenceMatch[] = [];
  for (let i = text.indexOf(REFERENCE_PREFIX); i >= 0; i = text.indexOf(REFERENCE_PREFIX, i + 1)) {
    const reference = referenceAt(text, i);
    if (reference === null) continue;
    // Every code point that folds to A-Z0-9 is in the BMP (one UTF-16 unit), hence the + 1.
    matches.push({ reference, start: positions[i], end: positions[i + REFERENCE_LENGTH - 1] + 1 });
  }
  return matches;
}

/** The distinct valid references found in a memo, in order of first appearance. */
export function findReferences(memo: string): string[] {
  return [...new Set(locateReferences(memo).map((m) => m.reference))];
}
