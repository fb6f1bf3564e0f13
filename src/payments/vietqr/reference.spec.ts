import { createHash } from 'node:crypto';
import {
  REFERENCE_ALPHABET as A,
  REFERENCE_BODY_LENGTH as BODY,
  REFERENCE_LENGTH as LENGTH,
  REFERENCE_PREFIX as PREFIX,
  REFERENCE_REGEX,
  checkCharacter,
  generateReference,
  isValidReference,
  referenceAt,
} from './reference.js';

const P = PREFIX.length;
const CHECK_POS = LENGTH - 1;
/** Every character a bank memo can carry after normalisation, plus raw noise. */
const ANY = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ' + 'abcgkxyz-. ';

/** Deterministic byte source: SHA-256 in counter mode. */
function seeded(seed: string): (n: number) => Buffer {
  let counter = 0;
  return (n) => {
    const out = Buffer.alloc(n);
    for (let filled = 0; filled < n; ) {
      filled += createHash('sha256').update(`${seed}:${counter++}`).digest().copy(out, filled);
    }
    return out;
  };
}

/**
 * A valid reference with the given characters at the given absolute positions (body or check);
 * other body characters follow `context`. When the check character is imposed, one free body
 * character is solved for (its weight is a unit mod 27, so exactly one value fits).
 */
function validWith(fixed: Record<number, string>, context = 0): string {
  const body = Array.from({ length: BODY }, (_, i) => fixed[P + i] ?? A[(i * 7 + context * 5 + 3) % A.length]);
  const check = fixed[CHECK_POS];
  if (check === undefined) return PREFIX + body.join('') + checkCharacter(body.join(''));
  const free = body.findIndex((_, i) => fixed[P + i] === undefined);
  const fits = [...A].filter((x) => {
    body[free] = x;
    return checkCharacter(body.join('')) === check;
  });
  if (fits.length !== 1) throw new Error(`expected exactly one solution, got ${fits.length}`);
  body[free] = fits[0];
  return PREFIX + body.join('') + check;
}

const replaceAt = (s: string, i: number, ch: string) => s.slice(0, i) + ch + s.slice(i + 1);
const swapAt = (s: string, i: number) => s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);

describe('reference format', () => {
  it('uses a 27-symbol alphabet without look-alikes, prefix OC, total length 11 (≤ 12)', () => {
    expect(A).toBe('23456789ACDEFGHJKMNPQRTUWXY');
    expect(new Set(A).size).toBe(27);
    for (const excluded of '01OILSZBV') expect(A).not.toContain(excluded);
    expect(A).toMatch(/^[A-Z0-9]+$/);
    expect(PREFIX).toBe('OC');
    expect(A).not.toContain(PREFIX[0]); // a prefix can never start inside a body
    expect(LENGTH).toBe(11);
    expect(LENGTH).toBeLessThanOrEqual(12);
    // 27^8 ≈ 2.8e11 bodies: 10 million orders → a new reference collides with p ≈ 3.5e-5.
    expect(A.length ** BODY).toBeGreaterThan(2.8e11);
    expect(1e7 / A.length ** BODY).toBeLessThan(4e-5);
  });

  // By hand: seed after "OC" = ((0+24)·2 mod 27 + 12)·2 mod 27 = 12; then for "7K4M9P2X" (values
  // 5,16,2,17,7,19,0,25) the state runs 7,19,15,10,7,25,23,15 and c = (1 − 15) mod 27 = 13 → "G".
  it.each([
    ['7K4M9P2X', 'G'],
    ['3HQ7RW2N', '7'],
    ['A9F4KT6P', 'E'],
    ['M4X7C2QD', 'D'],
    ['22222222', '9'],
    ['', 'K'],
  ])('checkCharacter(%j) = %j', (body, check) => {
    expect(checkCharacter(body)).toBe(check);
    if (body.length === BODY) expect(isValidReference(PREFIX + body + check)).toBe(true);
  });

  it.each(['7K4M9P2S', 'oc', '7k4m9p2x', '7K4M 9P2X', '0'])('checkCharacter(%j) throws on a character outside the alphabet', (body) => {
    expect(() => checkCharacter(body)).toThrow(RangeError);
  });

  it.each([
    ['OC7K4M9P2XG', true],
    ['OC3HQ7RW2N7', true],
    ['OC7K4M9P2XH', false], // wrong check
    ['oc7k4m9p2xg', false], // not canonical: the matcher normalises first
    ['OC 7K4M9P2XG', false],
    ['OC7K4M9P2X', false], // too short
    ['OC7K4M9P2XGA', false], // too long
    ['0C7K4M9P2XG', false], // zero for O
    ['OD7K4M9P2XG', false], // other prefix
    ['OC7K4M9P2ZG', false], // Z is not in the alphabet
    ['', false],
  ])('isValidReference(%j) = %s', (s, valid) => {
    expect(isValidReference(s)).toBe(valid);
    expect(REFERENCE_REGEX.test(s)).toBe(valid || s === 'OC7K4M9P2XH');
  });

  it('referenceAt reads a valid reference at an index of a normalised memo', () => {
    const memo = 'MBVCB5123456789NGOCOC7K4M9P2XGCTTU0011004123456';
    expect(referenceAt(memo, memo.indexOf('OC7K'))).toBe('OC7K4M9P2XG');
    expect(referenceAt(memo, memo.indexOf('OC'))).toBeNull(); // the "OC" of NGOC
    expect(referenceAt('XXOC7K4M9P2X', 2)).toBeNull(); // cut short
  });
});

describe('check character properties (exhaustive over the alphabet)', () => {
  it('algebra: every weight 2^k times every non-zero difference d is non-zero mod 27, and so is 2^k·(2−1)·d', () => {
    // Weighted sum Σ v_i·2^(n+1−i) + c ≡ 1 (mod 27). A substitution at weight w changes it by d·w,
    // an adjacent transposition by d·(w_i − w_{i+1}) = d·2^k: non-zero for every context.
    const bad: string[] = [];
    for (let k = 0; k <= P + BODY; k++) {
      const w = 2 ** k % 27;
      for (let d = 1; d < 27; d++) {
        if ((d * w) % 27 === 0) bad.push(`substitution k=${k} d=${d}`);
        if ((d * ((2 * w - w) % 27)) % 27 === 0) bad.push(`transposition k=${k} d=${d}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it.each([0, 1, 2])('every single-character substitution at every position is detected (context %i)', (context) => {
    const undetected: string[] = [];
    let checked = 0;
    for (let pos = 0; pos < LENGTH; pos++) {
      for (const a of pos < P ? [PREFIX[pos]] : [...A]) {
        const ref = validWith(pos < P ? {} : { [pos]: a }, context);
        expect(isValidReference(ref)).toBe(true);
        for (const b of ANY) {
          if (b === a) continue;
          checked++;
          if (isValidReference(replaceAt(ref, pos, b))) undetected.push(`${ref} @${pos} → ${b}`);
        }
      }
    }
    expect(undetected).toEqual([]);
    expect(checked).toBe(2 * (ANY.length - 1) + (LENGTH - P) * A.length * (ANY.length - 1)); // 11 178
  });

  it.each([0, 1, 2])('every adjacent transposition at every position is detected (context %i)', (context) => {
    const undetected: string[] = [];
    let checked = 0;
    for (let pos = 0; pos < LENGTH - 1; pos++) {
      for (const a of pos < P ? [PREFIX[pos]] : [...A]) {
        for (const b of pos + 1 < P ? [PREFIX[pos + 1]] : [...A]) {
          if (a === b) continue;
          const fixed: Record<number, string> = {};
          if (pos >= P) fixed[pos] = a;
          if (pos + 1 >= P) fixed[pos + 1] = b;
          const ref = validWith(fixed, context);
          expect(ref.slice(pos, pos + 2)).toBe(a + b);
          checked++;
          if (isValidReference(swapAt(ref, pos))) undetected.push(`${ref} swap @${pos}`);
        }
      }
    }
    expect(undetected).toEqual([]);
    // O↔C, C↔body[0] (26 letters ≠ C), then 9 body/check pairs × 27·26 ordered pairs.
    expect(checked).toBe(1 + 26 + (LENGTH - P - 1) * 27 * 26); // 6 345
  });

  it('jump transpositions (a_b → b_a) are detected unless the two values differ by 9 or 18 (documented limit)', () => {
    let missed = 0;
    for (let i = 0; i < A.length; i++) {
      for (let j = 0; j < A.length; j++) {
        if (i === j) continue;
        const ref = validWith({ [P + 2]: A[i], [P + 4]: A[j] });
        const jumped = replaceAt(replaceAt(ref, P + 2, A[j]), P + 4, A[i]);
        const expectedMiss = Math.abs(i - j) % 9 === 0;
        expect(isValidReference(jumped)).toBe(expectedMiss);
        if (expectedMiss) missed++;
      }
    }
    expect(missed).toBe(27 * 2); // 54 of 702 ordered pairs
  });
});

describe('generateReference', () => {
  it('produces valid, distinct references from the injected source', () => {
    const random = seeded('distinct');
    const refs = Array.from({ length: 20_000 }, () => generateReference(random));
    expect(refs.every(isValidReference)).toBe(true);
    expect(new Set(refs).size).toBe(refs.length);
  });

  it('is uniform: rejection sampling keeps every symbol equally likely', () => {
    const random = seeded('uniform');
    const counts = new Map<string, number>();
    const n = 27_000 / BODY;
    for (let i = 0; i < n * 10; i++) {
      for (const ch of generateReference(random).slice(P, -1)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    expect(counts.size).toBe(27);
    // 270 000 symbols, expected 10 000 each; a biased `byte % 27` would skew the first 13 by ~+5%.
    for (const count of counts.values()) expect(Math.abs(count - 10_000)).toBeLessThan(400);
  });

  it('maps accepted bytes to alphabet[byte % 27] and skips bytes ≥ 243', () => {
    const requests: number[] = [];
    const bytes = [243, 255, 0, 27, 1, 250, 28, 26, 53, 242, 100, 200];
    const random = (n: number) => {
      requests.push(n);
      return Buffer.from(bytes.slice(0, n));
    };
    const body = [0, 27, 1, 28, 26, 53, 242, 100].map((b) => A[b % 27]).join('');
    expect(generateReference(random)).toBe(PREFIX + body + checkCharacter(body));
    expect(requests).toEqual([16]);
  });

  it('keeps drawing when a draw is short, and fails loudly on a broken source', () => {
    let calls = 0;
    const trickle = () => Buffer.from([calls++ % 2 ? 5 : 255]);
    expect(isValidReference(generateReference(trickle))).toBe(true);
    expect(() => generateReference((n) => Buffer.alloc(n, 255))).toThrow(/too few usable bytes/);
    expect(() => generateReference(() => Buffer.alloc(0))).toThrow(/too few usable bytes/);
  });
});
