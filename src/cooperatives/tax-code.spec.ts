import { taxCodeCheckDigit, validateTaxCode } from './tax-code.js';

/** Real, published codes. All must pass the check digit. */
const REAL_CODES: Array<[string, string]> = [
  ['Vinamilk', '0300588569'],
  ['Viettel', '0100109106'],
  ['FPT', '0101248141'],
  ['Vietcombank', '0100112437'],
  ['Vingroup', '0101245486'],
  ['Petrolimex', '0100107370'], // weighted sum ≡ 10 (mod 11): check digit 0
  ['Hoà Phát', '0900189284'],
  ['Masan', '0303576603'],
  ['EVN', '0100100079'],
  ['Vietnam Airlines', '0100107518'],
  ['VNPT', '0100684378'],
  ['MobiFone', '0100686209'],
  ['Sabeco', '0300583659'],
  ['Thế Giới Di Động', '0303217354'],
  ['FPT Telecom', '0101778163'],
  // From python-stdnum's list of codes found online (tests/test_vn_mst.doctest).
  ['stdnum', '0100233488'],
  ['stdnum', '0102182292'],
  ['stdnum', '0201900138'],
  ['stdnum', '0302082048'],
  ['stdnum', '0310350004'],
  ['stdnum', '0400129230'],
  ['stdnum', '1201480559'],
  ['stdnum', '2000102580'],
  ['stdnum', '3500748818'],
  ['stdnum', '3702642596'],
  ['stdnum', '4201783848'],
  ['stdnum', '5900705097'],
  ['stdnum (personal code)', '8037630690'],
];

describe('validateTaxCode', () => {
  it.each(REAL_CODES)('accepts %s %s', (_who, code) => {
    expect(validateTaxCode(code)).toEqual({ ok: true, normalized: code, isBranch: false });
  });

  it.each([
    ['0100112437-011', '0100112437-011'],
    ['0314409058-002', '0314409058-002'],
    ['2000102580-005', '2000102580-005'],
    ['0100109106-001', '0100109106-001'],
    ['0100109106-999', '0100109106-999'],
  ])('accepts branch code %s', (input, normalized) => {
    expect(validateTaxCode(input)).toEqual({ ok: true, normalized, isBranch: true });
  });

  it('ignores whitespace around the code', () => {
    expect(validateTaxCode('  0300588569 \t')).toEqual({ ok: true, normalized: '0300588569', isBranch: false });
    expect(validateTaxCode('\n0100109106-001 ')).toEqual({
      ok: true,
      normalized: '0100109106-001',
      isBranch: true,
    });
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['030058856', /10 digits/], // 9 digits
    ['03005885690', /10 digits/], // 11 digits
    ['0300 588 569', /10 digits/], // inner spaces
    ['03.00.588.569', /10 digits/],
    ['0100109106-01', /10 digits/],
    ['0100109106-0001', /10 digits/],
    ['0100109106 - 001', /10 digits/],
    ['0100109106_001', /10 digits/],
    ['MST0300588569', /10 digits/],
    ['０３００５８８５６９', /10 digits/], // full-width digits
    ['0100109106001', /with a dash: 0100109106-001/], // 13 digits without the dash
  ])('rejects the format of %j', (input, problem) => {
    const r = validateTaxCode(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(problem);
  });

  it('rejects branch 000', () => {
    expect(validateTaxCode('0100109106-000')).toEqual({ ok: false, problem: 'branch suffix must be 001–999, not 000' });
  });

  it('rejects an all-zero sequence number', () => {
    const r = validateTaxCode('0100000008');
    expect(r).toEqual({ ok: false, problem: 'sequence number (digits 3–9) cannot be 0000000' });
  });

  it('rejects a wrong check digit, also on a branch code', () => {
    for (const code of ['0300588568', '0100109107', '0101248140', '0100109107-001']) {
      const r = validateTaxCode(code);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.problem).toMatch(/check digit/);
    }
  });

  it('detects every single-digit typo in a real code', () => {
    for (const [, code] of REAL_CODES) {
      for (let pos = 0; pos < 10; pos++) {
        for (let d = 0; d <= 9; d++) {
          if (String(d) === code[pos]) continue;
          const typo = code.slice(0, pos) + d + code.slice(pos + 1);
          if (typo.slice(2, 9) === '0000000') continue;
          expect(validateTaxCode(typo).ok).toBe(false);
        }
      }
    }
  });

  it('rejects every code whose first nine digits have a weighted sum divisible by 11', () => {
    // 010010904: Σ = 29·1 + 17·1 + 7·9 + 3·4 = 121 = 11·11, so no tenth digit can be right.
    for (let d = 0; d <= 9; d++) expect(validateTaxCode(`010010904${d}`).ok).toBe(false);
  });
});

describe('taxCodeCheckDigit', () => {
  it('computes 10 − (Σ wᵢ·dᵢ mod 11) with weights 31,29,23,19,17,13,7,5,3', () => {
    expect(taxCodeCheckDigit('030058856')).toBe(9); // Σ = 375, 375 mod 11 = 1
    expect(taxCodeCheckDigit('010010910')).toBe(6); // Σ = 114, 114 mod 11 = 4
    expect(taxCodeCheckDigit('010010737')).toBe(0); // Σ = 131, 131 mod 11 = 10
  });

  it('returns null when the weighted sum is divisible by 11 (no check digit exists)', () => {
    expect(taxCodeCheckDigit('010010904')).toBeNull(); // Σ = 121
    expect(taxCodeCheckDigit('030058888')).toBeNull(); // Σ = 396
    expect(taxCodeCheckDigit('000000000')).toBeNull(); // Σ = 0
  });

  it('refuses input that is not nine digits', () => {
    expect(() => taxCodeCheckDigit('12345678')).toThrow(RangeError);
    expect(() => taxCodeCheckDigit('12345678a')).toThrow(RangeError);
  });
});
