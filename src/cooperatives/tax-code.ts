/**
 * Vietnamese enterprise / tax code (mã số doanh nghiệp = mã số thuế, MST). Pure: no NestJS, no I/O.
 *
 * Format: `NNNNNNNNNN` (10 digits) for an enterprise, cooperative or other organisation, or
 * `NNNNNNNNNN-BBB` for a dependent unit (branch, representative office). There the first ten digits
 * are the parent's code and BBB runs 001–999.
 *
 * The 10 digits:
 * - digits 1–2: the province code of the issuing tax office,
 * - digits 3–9: a sequence number (0000001–9999999),
 * - digit 10: a check digit over digits 1–9:
 *     S = 31·d1 + 29·d2 + 23·d3 + 19·d4 + 17·d5 + 13·d6 + 7·d7 + 5·d8 + 3·d9
 *     d10 = 10 − (S mod 11)
 *   When S mod 11 = 0 the formula gives 10, which is not a digit. No code is issued with such a
 *   prefix, so a code whose first nine digits give remainder 0 is invalid whatever its tenth digit.
 *
 * Evidence that the check digit is real and enforced, so we enforce it too:
 * - it holds for 161 of 161 codes that python-stdnum (stdnum/vn/mst.py, tests/test_vn_mst.doctest)
 *   collected from public sources, and for Vinamilk 0300588569, Viettel 0100109106,
 *   FPT 0101248141, Vietcombank 0100112437, Petrolimex 0100107370, Hoà Phát 0900189284,
 *   Masan 0303576603, EVN 0100100079 and others. A random tenth digit would pass 1 time in 10.
 * - Among those 161, remainder 0 never occurs (about 15 would be expected if it were allowed), and
 *   remainder 10 (check digit 0) occurs 26 times.
 * - The variant "11 − (S mod 11)", found on some web validators, matches 0 of the 161 real codes.
 */

export type TaxCodeResult =
  | { ok: true; normalized: string; isBranch: boolean }
  | { ok: false; problem: string };

const WEIGHTS = [31, 29, 23, 19, 17, 13, 7, 5, 3] as const;
const FORMAT = /^(\d{10})(?:-(\d{3}))?$/;
const FORMAT_PROBLEM =
  'must be 10 digits, or 10 digits + "-" + 3 digits for a branch (e.g. 0100109106 or 0100109106-001)';

/**
 * The check digit for the first nine digits of a tax code. Returns null when no digit is valid,
 * that is when the weighted sum is divisible by 11. `first9` must be exactly nine ASCII digits.
 */
export function taxCodeCheckDigit(first9: string): number | null {
  if (!/^\d{9}$/.test(first9)) throw new RangeError('taxCodeCheckDigit expects exactly 9 digits');
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += WEIGHTS[i] * (first9.charCodeAt(i) - 48);
  const check = 10 - (sum % 11);
  return check === 10 ? null : check;
}

/** Validates and normalises a tax code. Surrounding whitespace is ignored; nothing else is. */
export function validateTaxCode(s: string): TaxCodeResult {
  const input = s.trim();
  if (input === '') return { ok: false, problem: `is empty; ${FORMAT_PROBLEM}` };

  const m = FORMAT.exec(input);
  if (!m) {
    if (/^\d{13}$/.test(input)) {
      return { ok: false, problem: `write a branch code with a dash: ${input.slice(0, 10)}-${input.slice(10)}` };
    }
    return { ok: false, problem: FORMAT_PROBLEM };
  }
  const [, base, branch] = m;

  if (branch === '000') return { ok: false, problem: 'branch suffix must be 001–999, not 000' };
  if (base.slice(2, 9) === '0000000') {
    return { ok: false, problem: 'sequence number (digits 3–9) cannot be 0000000' };
  }
  const expected = taxCodeCheckDigit(base.slice(0, 9));
  if (expected === null || expected !== base.charCodeAt(9) - 48) {
    return { ok: false, problem: 'check digit (10th digit) does not match the first nine digits; check for a mistyped digit' };
  }
  return { ok: true, normalized: branch ? `${base}-${branch}` : base, isBranch: branch !== undefined };
}
