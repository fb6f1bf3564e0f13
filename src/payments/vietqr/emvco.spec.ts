import { InvalidInput } from '../../common/errors.js';
import { buildEmvco, buildTlv, crc16CcittFalse, decodeEmvco, findTag, parseTlv } from './emvco.js';

/** The problem reported for `payload`, or fails the test if nothing (or something else) is thrown. */
function problemOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInput);
    const details = (error as InvalidInput).details ?? [];
    expect(details).toHaveLength(1);
    expect(details[0].field).toBe('payload');
    return details[0].problem;
  }
  throw new Error('expected InvalidInput, nothing was thrown');
}

/** Appends a correct CRC, so a test reaches the structural check it is about. */
const withCrc = (body: string): string => body + '6304' + crc16CcittFalse(body + '6304');

/**
 * Real EMVCo payloads published in public code and documentation; every CRC must verify.
 * VietQR-specific fields are checked in vietqr.spec.ts.
 */
const REAL_PAYLOADS: { source: string; payload: string; rootIds: string[] }[] = [
  {
    // github.com/subiz/vietqr, README.md (VietinBank 970415, 120 000 VND, "ung ho lu lut")
    source: 'subiz/vietqr README.md',
    payload:
      '00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA530370454061200005802VN62170813ung ho lu lut6304C15C',
    rootIds: ['00', '01', '38', '53', '54', '58', '62', '63'],
  },
  {
    // github.com/giautm/emvqr-go, emvqr_test.go, Test_BuildPayload: tag 62 placed before tag 38
    source: 'giautm/emvqr-go emvqr_test.go',
    payload:
      '00020101021262110807tien le38560010A0000007270126000697041501121133666688880208QRIBFTTA5303704540460005802VN63046893',
    rootIds: ['00', '01', '62', '38', '53', '54', '58', '63'],
  },
  {
    // github.com/giautm/emvqr-go, emvqr_test.go, TestGetIn: a VNPAY-QR (GUID A000000775), not a VietQR
    source: 'giautm/emvqr-go emvqr_test.go (VNPAY-QR)',
    payload:
      '00020101021126280010A000000775011001064159995204829953037045802VN5913123VIETNAMESE6005HANOI610610000062290313G7AUTO03 SAPO0708G7AUTO04630458BA',
    rootIds: ['00', '01', '26', '52', '53', '58', '59', '60', '61', '62', '63'],
  },
  {
    // github.com/trantuan94/vietqrjs, src/decryptor/vietqrv1.decryptor.spec.ts: NAPAS QRCASH example with tag 64
    source: 'trantuan94/vietqrjs src/decryptor/vietqrv1.decryptor.spec.ts',
    payload:
      '00020101021238500010A000000727012200069704030108123456780206QRCASH5204601153037045802VN5915NGUYEN HUU HUAN6005HANOI6105100006237052120190109155714228384707080000111164260002en0107shop vn0205Hanoi630476DA',
    rootIds: ['00', '01', '38', '52', '53', '58', '59', '60', '61', '62', '64', '63'],
  },
  {
    // github.com/binhnguyenduc/vietqr-ts, tests/compliance/napas-static-account.test.ts: the static account
    // example as printed in NAPAS QR format v1.5.2 (declares length 12 for a 13-digit account). Its CRC is
    // consistent and the root TLV is well-formed; only the NAPAS template 38.01 is broken (vietqr.spec.ts).
    source: 'binhnguyenduc/vietqr-ts tests/compliance/napas-static-account.test.ts (NAPAS printed example)',
    payload: '00020101021138570010A00000072701270006970403011200110123456780208QRIBFTTA53037045802VN6304F4E5',
    rootIds: ['00', '01', '38', '53', '58', '63'],
  },
];

describe('crc16CcittFalse', () => {
  it.each([
    ['123456789', '29B1'], // the CRC-16/CCITT-FALSE check value
    ['', 'FFFF'], // the initial value, untouched
    ['A', 'B915'],
    ['đ', '5407'], // over UTF-8 bytes C4 91
    ['Đồng', 'E327'],
  ])('%j → %s', (input, crc) => {
    expect(crc16CcittFalse(input)).toBe(crc);
  });

  it('pads to 4 uppercase hex digits', () => {
    for (const input of ['0', 'x', 'abc', '000201', 'QRIBFTTA']) expect(crc16CcittFalse(input)).toMatch(/^[0-9A-F]{4}$/);
  });
});

describe('decodeEmvco on real published payloads', () => {
  it.each(REAL_PAYLOADS)('$source: CRC verifies, tags in payload order', ({ payload, rootIds }) => {
    const decoded = decodeEmvco(payload);
    expect(decoded.crc).toBe(payload.slice(-4));
    expect(crc16CcittFalse(payload.slice(0, -4))).toBe(payload.slice(-4));
    expect(decoded.tags.map((t) => t.id)).toEqual(rootIds);
  });

  it('nests templates 26-51, 62 and 64, leaves other tags primitive', () => {
    const { tags } = decodeEmvco(REAL_PAYLOADS[3].payload);
    expect(findTag(tags, '38')?.children?.map((t) => [t.id, t.value])).toEqual([
      ['00', 'A000000727'],
      ['01', '0006970403010812345678'],
      ['02', 'QRCASH'],
    ]);
    expect(findTag(tags, '62')?.children).toEqual([
      { id: '05', value: '201901091557142283847' },
      { id: '07', value: '00001111' },
    ]);
    expect(findTag(tags, '64')?.children).toEqual([
      { id: '00', value: 'en' },
      { id: '01', value: 'shop vn' },
      { id: '02', value: 'Hanoi' },
    ]);
    expect(findTag(tags, '52')).toEqual({ id: '52', value: '6011' });
    expect(findTag(tags, '61')?.children).toBeUndefined();
    expect(findTag(tags, '64', '01')?.value).toBe('shop vn');
    expect(findTag(tags, '62', '08')).toBeUndefined();
    expect(findTag(tags, '99')).toBeUndefined();
  });
});

describe('decodeEmvco rejects corrupted payloads with a clear reason', () => {
  const good = REAL_PAYLOADS[0].payload; // …5802VN62170813ung ho lu lut6304C15C

  it('any single substituted character before the CRC object → CRC mismatch', () => {
    // From 6: the first 6 characters are checked first ("must start with 000201").
    for (let i = 6; i < good.length - 8; i++) {
      const replacement = good[i] === '1' ? '2' : '1';
      const corrupted = good.slice(0, i) + replacement + good.slice(i + 1);
      const expected = crc16CcittFalse(corrupted.slice(0, -4));
      expect(problemOf(() => decodeEmvco(corrupted))).toBe(`CRC mismatch: expected ${expected}, found C15C`);
    }
  });

  it('reports the expected CRC for a changed amount', () => {
    const corrupted = good.replace('54061200005802', '54061200015802');
    expect(problemOf(() => decodeEmvco(corrupted))).toBe(
      `CRC mismatch: expected ${crc16CcittFalse(corrupted.slice(0, -4))}, found C15C`,
    );
  });

  it('accepts a lowercase CRC (same checksum value) and reports it in uppercase', () => {
    expect(decodeEmvco(good.slice(0, -4) + 'c15c').crc).toBe('C15C');
    expect(decodeEmvco(good.slice(0, -4) + 'C15c').crc).toBe('C15C');
  });

  const cases: [string, string, string | RegExp][] = [
    ['empty', '', 'must be a non-empty string'],
    ['wrong start', '00020201' + good.slice(8), 'must start with "000201" (tag 00, payload format indicator 01), found "000202"'],
    ['CRC not hex', good.slice(0, -4) + 'C15G', 'CRC (tag 63) "C15G" is not 4 hexadecimal digits'],
    ['missing 6304 (CRC object cut off)', good.slice(0, -8), 'missing CRC: the payload must end with tag 63 ("6304" followed by 4 hex digits)'],
    ['truncated inside the CRC value', good.slice(0, -2), 'tag 63 declares length 04 but only 2 characters remain at position 121'],
    ['truncated inside the CRC header', good.slice(0, -6), 'truncated data object at position 117: an id and a length need 4 characters, only 2 remain'],
    ['truncated in the middle', good.slice(0, 60), 'tag 38 declares length 57 but only 44 characters remain at position 16'],
    ['trailing garbage', good + 'XYZ', '3 trailing characters after the CRC (tag 63) at position 125'],
    ['data after the CRC', good + '5802VN', '6 trailing characters after the CRC (tag 63) at position 125'],
    ['CRC with length 05', good.slice(0, -8) + '6305C15C0', 'tag 63 (CRC) must have length 04, found 05 at position 119'],
    [
      // 54 swallows "5802" and the next object starts at "VN"
      'bad length (declared longer than the value)',
      withCrc('00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA530370454101200005802VN'),
      'invalid tag id "VN" at position 94: expected 2 digits',
    ],
    [
      // 54 keeps "12000"; "0" + "5802VN…" then reads as tag 05 of length 80
      'bad length (declared shorter than the value)',
      withCrc('00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA530370454051200005802VN'),
      'tag 05 declares length 80 but only 11 characters remain at position 93',
    ],
    ['length running past the end', good.slice(0, -8) + '5910VN', 'tag 59 declares length 10 but only 2 characters remain at position 121'],
    ['CRC object in the middle', withCrc('0002010102125303704') + '5802VN', '6 trailing characters after the CRC (tag 63) at position 27'],
    [
      'bad length inside a template',
      withCrc('000201' + '010212' + '5303704' + '5802VN' + '62170820ung ho lu lut'),
      'tag 62.08 declares length 20 but only 13 characters remain at position 33',
    ],
    [
      'non-numeric length',
      withCrc('0002010102125303704541A1200005802VN'),
      'tag 54 has a non-numeric length "1A" at position 21',
    ],
    ['non-numeric id', withCrc('0002010102125303704X406120000'), 'invalid tag id "X4" at position 19: expected 2 digits'],
    ['length 00', withCrc('00020101021253037045400'), 'tag 54 at position 19 declares length 00; a value has 1 to 99 characters'],
    ['duplicate root tag', withCrc('0002010102125303704540512000540512000'), 'duplicate tag 54 at position 28'],
    ['duplicate sub-tag', withCrc('000201010212' + '6210' + '0801A' + '0801B'), 'duplicate tag 62.08 at position 21'],
    ['template value that is not TLV', withCrc('000201010212' + '6204' + '08AB'), 'tag 62.08 has a non-numeric length "AB" at position 18'],
    [
      'template value too short for a data object',
      withCrc('000201010212' + '6203' + '081'),
      'truncated data object at position 16 inside tag 62: an id and a length need 4 characters, only 3 remain',
    ],
  ];
  it.each(cases)('%s', (_name, payload, problem) => {
    expect(problemOf(() => decodeEmvco(payload))).toEqual(problem);
  });
});

describe('parseTlv', () => {
  it('keeps order and nests root templates (26-51, 62, 64) only', () => {
    expect(parseTlv('000201' + '010211' + '26060002AB' + '5303704' + '62060102XY' + '64060002en' + '80040102')).toEqual([
      { id: '00', value: '01' },
      { id: '01', value: '11' },
      { id: '26', value: '0002AB', children: [{ id: '00', value: 'AB' }] },
      { id: '53', value: '704' },
      { id: '62', value: '0102XY', children: [{ id: '01', value: 'XY' }] },
      { id: '64', value: '0002en', children: [{ id: '00', value: 'en' }] },
      { id: '80', value: '0102' },
    ]);
  });

  it('parses a template value (e.g. NAPAS 38.01) with positions relative to it', () => {
    expect(parseTlv('0006970415' + '0113' + '0011001932418', '38.01')).toEqual([
      { id: '00', value: '970415' },
      { id: '01', value: '0011001932418' },
    ]);
    // 13-digit account declared as 12: one character is left over.
    expect(problemOf(() => parseTlv('0006970403' + '0112' + '0011012345678', '38.01'))).toBe(
      'truncated data object at position 26 of the value of tag 38.01: an id and a length need 4 characters, only 1 remain',
    );
  });
});

describe('buildTlv / buildEmvco', () => {
  it('builds nested templates with lengths and round-trips through decodeEmvco', () => {
    const payload = buildEmvco([
      { id: '00', value: '01' },
      { id: '01', value: '12' },
      { id: '38', value: [{ id: '00', value: 'A000000727' }, { id: '01', value: [{ id: '00', value: '970415' }] }] },
      { id: '62', value: [{ id: '08', value: 'DH123' }] },
    ]);
    expect(payload.slice(0, -4)).toBe('00020101021238280010A00000072701100006970415620908' + '05DH1236304');
    expect(decodeEmvco(payload).tags.map((t) => t.id)).toEqual(['00', '01', '38', '62', '63']);
  });

  it('reproduces a published payload byte for byte (subiz/vietqr README.md)', () => {
    expect(
      buildEmvco([
        { id: '00', value: '01' },
        { id: '01', value: '12' },
        {
          id: '38',
          value: [
            { id: '00', value: 'A000000727' },
            { id: '01', value: [{ id: '00', value: '970415' }, { id: '01', value: '0011001932418' }] },
            { id: '02', value: 'QRIBFTTA' },
          ],
        },
        { id: '53', value: '704' },
        { id: '54', value: '120000' },
        { id: '58', value: 'VN' },
        { id: '62', value: [{ id: '08', value: 'ung ho lu lut' }] },
      ]),
    ).toBe(REAL_PAYLOADS[0].payload);
  });

  it.each([
    ['empty value', [{ id: '08', value: '' }], 'tag 08 value must have 1 to 99 characters, has 0'],
    ['value of 100', [{ id: '08', value: 'x'.repeat(100) }], 'tag 08 value must have 1 to 99 characters, has 100'],
    ['bad id', [{ id: '8', value: 'x' }], 'tag id "8" must be 2 digits'],
  ])('rejects %s', (_name, fields, problem) => {
    expect(problemOf(() => buildTlv(fields))).toBe(problem);
  });

  it('counts characters, not bytes, in lengths', () => {
    expect(buildTlv([{ id: '64', value: [{ id: '01', value: 'Đồng' }] }])).toBe('64080104Đồng');
    expect(parseTlv('64080104Đồng')[0].children).toEqual([{ id: '01', value: 'Đồng' }]);
  });

  it('refuses a caller-supplied CRC', () => {
    expect(problemOf(() => buildEmvco([{ id: '63', value: 'ABCD' }]))).toBe(
      'tag 63 (CRC) is appended by buildEmvco; do not pass it',
    );
  });
});
