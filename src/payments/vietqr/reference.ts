/**
 * Payment references: the short code a buyer's bank-transfer memo carries so that the credit can
 * be matched to its order (SPEC "VietQR payment"). Pure: no I/O, randomness is injected.
 *
 * Format: `OC` + 8 random body characters + 1 check character = 11 characters, e.g. `OC7K4M9P2XG`.
 * - Alphabet (27 symbols): `23456789ACDEFGHJKMNPQRTUWXY`. Excluded: 0/O, 1/I/L, and one side of
 *   each look-alike pair: S (5), Z (2), B (8), V (U). Uppercase alphanumeric only, so it survives
 *   any bank that strips punctuation, spaces or case.
 * - Prefix `OC` (OCOP) makes the code findable anywhere in a memo; `O` is outside the alphabet,
 *   so a prefix can never start inside a body.
 * - Body: 8 symbols = 27^8 ≈ 2.8·10^11 values (38 bits). With 10 million orders a new reference
 *   collides with probability ≈ 3.5·10^-5; the unique constraint catches it and the caller retries.
 * - Length 11 (≤ 12): fits in a memo truncated after ~50 characters next to bank prefixes.
 *
 * Check character: ISO 7064 pure-system construction (as MOD 11-2 / MOD 37-2) with modulus 27 and
 * radix 2 over symbol values 0..26 (index in the alphabet): with state s = 0, for each character
 * s = ((s + value) · 2) mod 27, and the check value c satisfies s + c ≡ 1 (mod 27). Equivalently
 * Σ value_i · 2^(n+1-i) + c ≡ 1 (mod 27): character weights are powers of 2. The prefix is folded
 * in first, its characters taken at their base-36 values (O = 24, C = 12), so a reference is only
 * valid under its own prefix. Because 2 and 2 − 1 = 1 are both units modulo 27 (any odd modulus
 * works with radix 2, unlike mod 10 — Luhn's weakness):
 * - every single-character substitution changes the sum by d · 2^k with 0 < |d| < 27: detected;
 * - every adjacent transposition (including body ↔ check) changes it by d · 2^k · (2 − 1): detected.
 * (Jump transpositions a_b_ → b_a_ are detected unless the two values differ by 9 or 18.)
 * Both properties are proven exhaustively over the alphabet in reference.spec.ts.
 */

export const REFERENCE_PREFIX = 'OC';
export const REFERENCE_ALPHABET = '23456789ACDEFGHJKMNPQRTUWXY';
export const REFERENCE_BODY_LENGTH = 8;
/** Prefix + body + check character. */
export const REFERENCE_LENGTH = REFERENCE_PREFIX.length + REFERENCE_BODY_LENGTH + 1;
/** A well-formed reference (the check character still has to be verified: use isValidReference). */
export const REFERENCE_REGEX = new RegExp(
  `^${REFERENCE_PREFIX}[${REFERENCE_ALPHABET}]{${REFERENCE_BODY_LENGTH + 1}}$`,
);

const MODULUS = REFERENCE_ALPHABET.length; // 27
const RADIX = 2;
const step = (state: number, value: number): number => ((state + value) * RADIX) % MODULUS;
const PREFIX_SEED = [...REFERENCE_PREFIX].reduce((s, ch) => step(s, parseInt(ch, 36)), 0);

/**
 * The check character of `REFERENCE_PREFIX + body`. `body` is the random part only (any length,
 * alphabet characters only; throws RangeError otherwise).
 */
export function checkCharacter(body: string): string {
  let state = PREFIX_SEED;
  for (const ch of body) {
    const value = REFERENCE_ALPHABET.indexOf(ch);
    if (value < 0) throw new RangeError(`checkCharacter: ${JSON.stringify(ch)} is not in the reference alphabet`);
    state = step(state, value);
  }
  return REFERENCE_ALPHABET[(1 - state + MODULUS) % MODULUS];
}

/** True for a canonical reference (exact case, no separators) whose check character verifies. */
export function isValidReference(s: string): boolean {
  return (
    typeof s === 'string' &&
    REFERENCE_REGEX.test(s) &&
    checkCharacter(s.slice(REFERENCE_PREFIX.length, -1)) === s[s.length - 1]
  );
}

/**
 * The valid reference that starts at `index` of an already normalised memo (see normalizeMemo),
 * or null. Callers scan every occurrence of REFERENCE_PREFIX.
 */
export function referenceAt(normalized: string, index: number): string | null {
  const candidate = normalized.slice(index, index + REFERENCE_LENGTH);
  return isValidReference(candidate) ? candidate : null;
}

/** Largest multiple of 27 ≤ 256: bytes at or above it are rejected, so every symbol is equally likely. */
const ACCEPT_BELOW = 256 - (256 % MODULUS); // 243
const MAX_DRAWS = 16;

/**
 * A fresh random reference. `randomBytes` is the entropy source (crypto.randomBytes in production,
 * a seeded source in tests). Bytes are drawn by rejection sampling, so the body is uniform over
 * the 27^8 values. Throws if the source keeps returning unusable bytes.
 */
export function generateReference(randomBytes: (n: number) => Uint8Array): string {
  let body = '';
  for (let draw = 0; draw < MAX_DRAWS && body.length < REFERENCE_BODY_LENGTH; draw++) {
    for (const byte of randomBytes(2 * REFERENCE_BODY_LENGTH)) {
      if (byte >= ACCEPT_BELOW) continue;
      body += REFERENCE_ALPHABET[byte % MODULUS];
      if (body.length === REFERENCE_BODY_LENGTH) break;
    }
  }
  if (body.length < REFERENCE_BODY_LENGTH) {
    throw new Error('generateReference: the random source returned too few usable bytes');
  }
  return REFERENCE_PREFIX + body + checkCharacter(body);
}
