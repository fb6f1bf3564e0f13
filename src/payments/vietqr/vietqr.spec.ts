// CommonJS packages imported from ESM: the default import is their module.exports.
import jsQrModule from 'jsqr';
import pngjs from 'pngjs';
import QRCode from 'qrcode';
import { InvalidInput } from '../../common/errors.js';
import { buildEmvco, crc16CcittFalse, decodeEmvco, findTag } from './emvco.js';
import { type VietQrDecoded, type VietQrInput, decodeVietQr, encodeVietQr } from './vietqr.js';

const jsQR = jsQrModule.default;
const { PNG } = pngjs;

function problemsOf(run: () => unknown): { field: string; problem: string }[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInput);
    return (error as InvalidInput).details ?? [];
  }
  throw new Error('expected InvalidInput, nothing was thrown');
}

const payloadProblem = (run: () => unknown): string => {
  const problems = problemsOf(run);
  expect(problems).toHaveLength(1);
  expect(problems[0].field).toBe('payload');
  return problems[0].problem;
};

type Expected = Partial<Omit<VietQrDecoded, 'tags'>>;

/**
 * Real VietQR payloads published in public repositories; each comment names repository and path.
 * `expected` is what the source says the payload carries (BIN, account, amount, memo, …).
 */
const REAL: { source: string; payload: string; expected: Expected }[] = [
  {
    // github.com/subiz/vietqr, README.md: VietinBank, 120 000 VND, memo "ủng hộ lũ lụt" without diacritics
    source: 'subiz/vietqr README.md',
    payload:
      '00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA530370454061200005802VN62170813ung ho lu lut6304C15C',
    expected: { initiationMethod: 'dynamic', bankBin: '970415', accountNumber: '0011001932418', amountVnd: 120000, purpose: 'ung ho lu lut', serviceCode: 'QRIBFTTA', crc: 'C15C' },
  },
  {
    // github.com/subiz/vietqr, vietqr_test.go, TestQR case 1: static, no amount, no memo
    source: 'subiz/vietqr vietqr_test.go (static)',
    payload: '00020101021138540010A00000072701240006970423011000999999990208QRIBFTTA53037045802VN6304CBB4',
    expected: { initiationMethod: 'static', bankBin: '970423', accountNumber: '0099999999', serviceCode: 'QRIBFTTA', crc: 'CBB4' },
  },
  {
    // github.com/subiz/vietqr, vietqr_test.go, TestQR case 2
    source: 'subiz/vietqr vietqr_test.go (dynamic)',
    payload:
      '00020101021238570010A00000072701270006970422011300234579234420208QRIBFTTA53037045405401235802VN62200816test text string6304D9C6',
    expected: { initiationMethod: 'dynamic', bankBin: '970422', accountNumber: '0023457923442', amountVnd: 40123, purpose: 'test text string', crc: 'D9C6' },
  },
  {
    // github.com/subiz/vietqr, vietqr_test.go, TestQR case 6: 19-character account, 25-character memo (both maximal)
    source: 'subiz/vietqr vietqr_test.go (maximal lengths)',
    payload:
      '00020101021238630010A0000007270133000697042201190023457923442ASDFLJ0208QRIBFTTA53037045405401235802VN62290825chuyen khoan alsdkf laksj6304E5DB',
    expected: { bankBin: '970422', accountNumber: '0023457923442ASDFLJ', amountVnd: 40123, purpose: 'chuyen khoan alsdkf laksj', crc: 'E5DB' },
  },
  {
    // github.com/giautm/emvqr-go, emvqr_test.go, Test_BuildPayload "VietQR": tag 62 comes before tag 38
    source: 'giautm/emvqr-go emvqr_test.go',
    payload:
      '00020101021262110807tien le38560010A0000007270126000697041501121133666688880208QRIBFTTA5303704540460005802VN63046893',
    expected: { initiationMethod: 'dynamic', bankBin: '970415', accountNumber: '113366668888', amountVnd: 6000, purpose: 'tien le', crc: '6893' },
  },
  {
    // github.com/binhnguyenduc/vietqr-ts, tests/compliance/napas-dynamic-account.test.ts:
    // the dynamic account example of NAPAS QR format v1.5.2 (bill number 62.01 + purpose 62.08)
    source: 'binhnguyenduc/vietqr-ts tests/compliance/napas-dynamic-account.test.ts (NAPAS v1.5.2)',
    payload:
      '00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA530370454061800005802VN62340107NPS68690819thanh toan don hang63042E2E',
    expected: { initiationMethod: 'dynamic', bankBin: '970403', accountNumber: '0011012345678', amountVnd: 180000, billNumber: 'NPS6869', purpose: 'thanh toan don hang', crc: '2E2E' },
  },
  {
    // github.com/binhnguyenduc/vietqr-ts, tests/compliance/napas-static-card.test.ts:
    // the static card-transfer example of NAPAS QR format v1.5.2 (service QRIBFTTC)
    source: 'binhnguyenduc/vietqr-ts tests/compliance/napas-static-card.test.ts (NAPAS v1.5.2)',
    payload: '00020101021138600010A00000072701300006970403011697040311012345670208QRIBFTTC53037045802VN63044F52',
    expected: { initiationMethod: 'static', bankBin: '970403', accountNumber: '9704031101234567', serviceCode: 'QRIBFTTC', crc: '4F52' },
  },
  {
    // github.com/trantuan94/vietqrjs, src/decryptor/vietqrv1.decryptor.spec.ts: NAPAS merchant payment (QRPUSH)
    source: 'trantuan94/vietqrjs src/decryptor/vietqrv1.decryptor.spec.ts (QRPUSH)',
    payload:
      '00020101021238580010A00000072701300006970403011621129950446040250206QRPUSH52045812530370454061800005802VN5910PHUONG CAC6005HANOI62110307NPS686963047C1B',
    expected: { initiationMethod: 'dynamic', bankBin: '970403', accountNumber: '2112995044604025', serviceCode: 'QRPUSH', merchantCategoryCode: '5812', amountVnd: 180000, merchantName: 'PHUONG CAC', merchantCity: 'HANOI', crc: '7C1B' },
  },
  {
    // github.com/trantuan94/vietqrjs, src/decryptor/vietqrv1.decryptor.spec.ts: NAPAS ATM cash withdrawal (QRCASH)
    source: 'trantuan94/vietqrjs src/decryptor/vietqrv1.decryptor.spec.ts (QRCASH)',
    payload:
      '00020101021238500010A000000727012200069704030108123456780206QRCASH5204601153037045802VN5915NGUYEN HUU HUAN6005HANOI6105100006237052120190109155714228384707080000111164260002en0107shop vn0205Hanoi630476DA',
    expected: { bankBin: '970403', accountNumber: '12345678', serviceCode: 'QRCASH', referenceLabel: '201901091557142283847', terminal: '00001111', crc: '76DA' },
  },
  {
    // github.com/liopayvn/vietqr-php, README.md "Build a Static Payment QR Code": QRPUSH without service code 38.02
    source: 'liopayvn/vietqr-php README.md',
    payload:
      '00020101021138480010A00000072701300006970403011621129950446040255204581253037045802VN5910PHUONG CAC6005HANOI62110307NPS686963045802',
    expected: { initiationMethod: 'static', bankBin: '970403', accountNumber: '2112995044604025', merchantCategoryCode: '5812', crc: '5802' },
  },
];

describe('decodeVietQr on real published payloads', () => {
  it.each(REAL)('$source', ({ payload, expected }) => {
    expect(crc16CcittFalse(payload.slice(0, -4))).toBe(payload.slice(-4));
    const decoded = decodeVietQr(payload);
    expect(decoded).toMatchObject({ payloadFormat: '01', guid: 'A000000727', currency: '704', country: 'VN', ...expected });
    if (expected.amountVnd === undefined) expect(decoded).not.toHaveProperty('amountVnd');
    if (expected.purpose === undefined) expect(decoded).not.toHaveProperty('purpose');
    expect(decoded.tags).toEqual(expect.arrayContaining([expect.objectContaining({ id: '38' })]));
  });

  it('returns the raw tree with the NAPAS beneficiary template 38.01 expanded', () => {
    const decoded = decodeVietQr(REAL[0].payload);
    expect(findTag(decoded.tags, '38', '01')?.children).toEqual([
      { id: '00', value: '970415' },
      { id: '01', value: '0011001932418' },
    ]);
    expect(findTag(decoded.tags, '62')).toEqual({ id: '62', value: '0813ung ho lu lut', children: [{ id: '08', value: 'ung ho lu lut' }] });
    expect(decoded.tags.map((t) => t.id)).toEqual(['00', '01', '38', '53', '54', '58', '62', '63']);
    // decodeEmvco's own tree is not modified
    expect(findTag(decodeEmvco(REAL[0].payload).tags, '38', '01')?.children).toBeUndefined();
  });
});

describe('decodeVietQr rejects what is not a usable VietQR', () => {
  it.each([
    [
      // github.com/giautm/emvqr-go, emvqr_test.go, TestGetIn: valid EMVCo, but a VNPAY-QR (GUID A000000775 in tag 26)
      'a VNPAY-QR (giautm/emvqr-go emvqr_test.go)',
      '00020101021126280010A000000775011001064159995204829953037045802VN5913123VIETNAMESE6005HANOI610610000062290313G7AUTO03 SAPO0708G7AUTO04630458BA',
      'not a VietQR: no tag 38 (merchant account information) with NAPAS GUID A000000727; merchant account templates found: 26 (GUID A000000775)',
    ],
    [
      // github.com/binhnguyenduc/vietqr-ts, tests/compliance/napas-static-account.test.ts: the static account
      // example as printed in NAPAS QR format v1.5.2. CRC and root TLV are valid, but 38.01 declares a
      // 12-character account for the 13-digit 0011012345678.
      'the NAPAS v1.5.2 printed static-account example (binhnguyenduc/vietqr-ts napas-static-account.test.ts)',
      '00020101021138570010A00000072701270006970403011200110123456780208QRIBFTTA53037045802VN6304F4E5',
      'truncated data object at position 26 of the value of tag 38.01: an id and a length need 4 characters, only 1 remain',
    ],
    [
      // github.com/unicubevn/vietqr-payment-js, README.md "The result": published with a CRC that does not match
      'a published payload with a wrong CRC (unicubevn/vietqr-payment-js README.md)',
      '00020101021238590010A0000007270129000697044101156607040600001290208QRIBFTTA5204999953037045405100005802VN62390835THANH TOAN BILL 12-12 CHO JEAN6304F6B3',
      'CRC mismatch: expected 7F44, found F6B3',
    ],
  ])('%s', (_name, payload, problem) => {
    expect(payloadProblem(() => decodeVietQr(payload))).toBe(problem);
  });

  it('decodeEmvco still accepts the VNPAY-QR', () => {
    expect(decodeEmvco('00020101021126280010A000000775011001064159995204829953037045802VN5913123VIETNAMESE6005HANOI610610000062290313G7AUTO03 SAPO0708G7AUTO04630458BA').crc).toBe('58BA');
  });

  const napas = (beneficiary: string) => ({
    id: '38',
    value: [{ id: '00', value: 'A000000727' }, { id: '01', value: beneficiary }, { id: '02', value: 'QRIBFTTA' }],
  });
  // Rows list the root objects after tag 00, which is always prepended.
  const base = [{ id: '01', value: '12' }, napas('0006970415' + '0110' + '1234567890')];
  it.each([
    ['no merchant account template', [{ id: '01', value: '12' }, { id: '53', value: '704' }], 'not a VietQR: no tag 38 (merchant account information) with NAPAS GUID A000000727; no merchant account template found'],
    ['tag 38 with another GUID', [{ id: '38', value: [{ id: '00', value: 'A000000775' }] }], 'not a VietQR: no tag 38 (merchant account information) with NAPAS GUID A000000727; merchant account templates found: 38 (GUID A000000775)'],
    ['no 38.01', [{ id: '38', value: [{ id: '00', value: 'A000000727' }] }], 'tag 38.01 (beneficiary organisation: BIN and account) is missing'],
    ['BIN of 5 digits', [napas('0005' + '97041' + '0110' + '1234567890')], 'tag 38.01.00 (bank BIN) must be 6 digits, found "97041"'],
    ['no account', [napas('0006970415')], 'tag 38.01.01 (account number) is missing'],
    ['no tag 01', [napas('0006970415' + '0110' + '1234567890'), { id: '53', value: '704' }], 'tag 01 (point of initiation method) must be 11 (static) or 12 (dynamic), found none'],
    ['tag 01 = 13', [{ id: '01', value: '13' }, napas('0006970415' + '0110' + '1234567890')], 'tag 01 (point of initiation method) must be 11 (static) or 12 (dynamic), found "13"'],
    ['no currency', [...base, { id: '58', value: 'VN' }], 'tag 53 (currency) must be 704 (VND), found none'],
    ['currency USD', [...base, { id: '53', value: '840' }, { id: '58', value: 'VN' }], 'tag 53 (currency) must be 704 (VND), found "840"'],
    ['country TH', [...base, { id: '53', value: '704' }, { id: '58', value: 'TH' }], 'tag 58 (country) must be VN, found "TH"'],
    ['amount with cents', [...base, { id: '53', value: '704' }, { id: '54', value: '100000.50' }, { id: '58', value: 'VN' }], 'tag 54 (amount) "100000.50" is not a whole number of VND'],
    ['amount with separators', [...base, { id: '53', value: '704' }, { id: '54', value: '100,000' }, { id: '58', value: 'VN' }], 'tag 54 (amount) "100,000" is not a whole number of VND'],
    ['amount of 14 digits', [...base, { id: '53', value: '704' }, { id: '54', value: '10000000000000' }, { id: '58', value: 'VN' }], 'tag 54 (amount) "10000000000000" has more than 13 characters'],
    ['amount zero', [...base, { id: '53', value: '704' }, { id: '54', value: '0' }, { id: '58', value: 'VN' }], 'tag 54 (amount) must be greater than 0, found "0"'],
  ])('%s', (_name, fields, problem) => {
    const payload = buildEmvco([{ id: '00', value: '01' }, ...fields]);
    expect(payloadProblem(() => decodeVietQr(payload))).toBe(problem);
  });

  it('reads an amount written with a zero decimal part as whole VND', () => {
    const payload = buildEmvco([{ id: '00', value: '01' }, ...base, { id: '53', value: '704' }, { id: '54', value: '180000.00' }, { id: '58', value: 'VN' }]);
    expect(decodeVietQr(payload).amountVnd).toBe(180000);
  });
});

describe('encodeVietQr', () => {
  // Byte-for-byte equal to payloads published by other implementations (sources as above).
  it.each<[string, VietQrInput, string]>([
    [
      'subiz/vietqr README.md',
      { bankBin: '970415', accountNumber: '0011001932418', amountVnd: 120000, purpose: 'ung ho lu lut' },
      '00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA530370454061200005802VN62170813ung ho lu lut6304C15C',
    ],
    [
      'subiz/vietqr vietqr_test.go (static)',
      { bankBin: '970423', accountNumber: '0099999999' },
      '00020101021138540010A00000072701240006970423011000999999990208QRIBFTTA53037045802VN6304CBB4',
    ],
    [
      'subiz/vietqr vietqr_test.go (dynamic)',
      { bankBin: '970422', accountNumber: '0023457923442', amountVnd: 40123, purpose: 'test text string' },
      '00020101021238570010A00000072701270006970422011300234579234420208QRIBFTTA53037045405401235802VN62200816test text string6304D9C6',
    ],
    [
      'subiz/vietqr vietqr_test.go (maximal lengths)',
      { bankBin: '970422', accountNumber: '0023457923442ASDFLJ', amountVnd: 40123, purpose: 'chuyen khoan alsdkf laksj' },
      '00020101021238630010A0000007270133000697042201190023457923442ASDFLJ0208QRIBFTTA53037045405401235802VN62290825chuyen khoan alsdkf laksj6304E5DB',
    ],
    [
      'NAPAS v1.5.2 static card example (binhnguyenduc/vietqr-ts napas-static-card.test.ts)',
      { bankBin: '970403', accountNumber: '9704031101234567', service: 'QRIBFTTC' },
      '00020101021138600010A00000072701300006970403011697040311012345670208QRIBFTTC53037045802VN63044F52',
    ],
    [
      'trantuan94/vietqrjs vietqrv1.decryptor.spec.ts (minimal)',
      { bankBin: '970415', accountNumber: '123456789' },
      '00020101021138530010A0000007270123000697041501091234567890208QRIBFTTA53037045802VN63046376',
    ],
  ])('reproduces %s', (_source, input, payload) => {
    expect(encodeVietQr(input)).toBe(payload);
  });

  it.each<[string, VietQrInput, Expected]>([
    ['static', { bankBin: '970436', accountNumber: '1023456789' }, { initiationMethod: 'static', bankBin: '970436', accountNumber: '1023456789', serviceCode: 'QRIBFTTA' }],
    [
      'dynamic with purpose',
      { bankBin: '970436', accountNumber: '1023456789', amountVnd: 1943000, purpose: 'OCOP7K3M9Q' },
      { initiationMethod: 'dynamic', amountVnd: 1943000, purpose: 'OCOP7K3M9Q' },
    ],
    [
      'dynamic with name and city',
      { bankBin: '970418', accountNumber: 'VQRQ0001ABC', amountVnd: 1, purpose: 'Thanh toan don 42', merchantName: 'HTX CHE TAN CUONG', merchantCity: 'THAI NGUYEN' },
      { amountVnd: 1, merchantName: 'HTX CHE TAN CUONG', merchantCity: 'THAI NGUYEN', purpose: 'Thanh toan don 42' },
    ],
    ['maximum amount', { bankBin: '970436', accountNumber: '1', amountVnd: 9_999_999_999_999 }, { amountVnd: 9_999_999_999_999 }],
    ['card transfer', { bankBin: '970436', accountNumber: '9704361234567890123', service: 'QRIBFTTC' }, { serviceCode: 'QRIBFTTC', accountNumber: '9704361234567890123' }],
  ])('round trip: %s', (_name, input, expected) => {
    const payload = encodeVietQr(input);
    expect(decodeVietQr(payload)).toMatchObject({ payloadFormat: '01', guid: 'A000000727', currency: '704', country: 'VN', ...expected });
    expect(payload).toMatch(/^000201010211|^000201010212/);
    expect(payload).not.toContain('5204'); // no merchant category code, as in the NAPAS transfer examples
  });

  it('orders tags by id and omits what is not given', () => {
    const payload = encodeVietQr({ bankBin: '970436', accountNumber: '1023456789', amountVnd: 50000, purpose: 'ABC', merchantName: 'X', merchantCity: 'Y' });
    expect(decodeVietQr(payload).tags.map((t) => t.id)).toEqual(['00', '01', '38', '53', '54', '58', '59', '60', '62', '63']);
    expect(decodeVietQr(encodeVietQr({ bankBin: '970436', accountNumber: '1023456789' })).tags.map((t) => t.id)).toEqual([
      '00', '01', '38', '53', '58', '63',
    ]);
  });

  it.each<[string, Partial<VietQrInput>, { field: string; problem: string }[]]>([
    ['BIN of 5 digits', { bankBin: '97043' }, [{ field: 'bankBin', problem: 'must be exactly 6 digits (the NAPAS bank BIN, e.g. 970436)' }]],
    ['BIN with a letter', { bankBin: '97043A' }, [{ field: 'bankBin', problem: 'must be exactly 6 digits (the NAPAS bank BIN, e.g. 970436)' }]],
    ['empty account', { accountNumber: '' }, [{ field: 'accountNumber', problem: 'must be 1 to 19 letters or digits, without spaces or punctuation' }]],
    ['20-character account', { accountNumber: '1'.repeat(20) }, [{ field: 'accountNumber', problem: 'must be 1 to 19 letters or digits, without spaces or punctuation' }]],
    ['account with a dash', { accountNumber: '0011-0019' }, [{ field: 'accountNumber', problem: 'must be 1 to 19 letters or digits, without spaces or punctuation' }]],
    ['card number with letters', { accountNumber: '97040311ABCD4567', service: 'QRIBFTTC' }, [{ field: 'accountNumber', problem: 'a card number must be 16 to 19 digits' }]],
    ['unknown service', { service: 'QRPUSH' as never }, [{ field: 'service', problem: 'must be QRIBFTTA (to account) or QRIBFTTC (to card)' }]],
    ['amount 0', { amountVnd: 0 }, [{ field: 'amountVnd', problem: 'must be between 1 and 9999999999999 VND' }]],
    ['negative amount', { amountVnd: -5000 }, [{ field: 'amountVnd', problem: 'must be between 1 and 9999999999999 VND' }]],
    ['amount above 13 digits', { amountVnd: 10_000_000_000_000 }, [{ field: 'amountVnd', problem: 'must be between 1 and 9999999999999 VND' }]],
    ['fractional amount', { amountVnd: 1000.5 }, [{ field: 'amountVnd', problem: 'must be a whole number of VND' }]],
    ['NaN amount', { amountVnd: Number.NaN }, [{ field: 'amountVnd', problem: 'must be a whole number of VND' }]],
    ['amount as a string', { amountVnd: '50000' as never }, [{ field: 'amountVnd', problem: 'must be a whole number of VND' }]],
    ['26-character purpose', { purpose: 'A'.repeat(26) }, [{ field: 'purpose', problem: 'must have 1 to 25 characters, has 26' }]],
    ['empty purpose', { purpose: '' }, [{ field: 'purpose', problem: 'must have 1 to 25 characters, has 0' }]],
    ['blank purpose', { purpose: '   ' }, [{ field: 'purpose', problem: 'must not be blank' }]],
    ['purpose with diacritics', { purpose: 'ủng hộ lũ lụt' }, [{ field: 'purpose', problem: 'must be ASCII: "ủ" at index 0 is not (remove Vietnamese diacritics first)' }]],
    ['purpose with đ', { purpose: 'Thanh toan đon' }, [{ field: 'purpose', problem: 'must be ASCII: "đ" at index 11 is not (remove Vietnamese diacritics first)' }]],
    ['purpose with punctuation', { purpose: 'DH#12' }, [{ field: 'purpose', problem: '"#" at index 2 is not allowed: use only letters A-Z, digits and spaces' }]],
    ['purpose with a newline', { purpose: 'DH\n12' }, [{ field: 'purpose', problem: '"\\n" at index 2 is not allowed: use only letters A-Z, digits and spaces' }]],
    ['26-character name', { merchantName: 'N'.repeat(26) }, [{ field: 'merchantName', problem: 'must have 1 to 25 characters, has 26' }]],
    ['16-character city', { merchantCity: 'C'.repeat(16) }, [{ field: 'merchantCity', problem: 'must have 1 to 15 characters, has 16' }]],
    ['name with diacritics', { merchantName: 'HTX Chè' }, [{ field: 'merchantName', problem: 'must be ASCII: "è" at index 6 is not (remove Vietnamese diacritics first)' }]],
    ['city with a control character', { merchantCity: 'HA\tNOI' }, [{ field: 'merchantCity', problem: '"\\t" at index 2 is not allowed: use printable ASCII' }]],
    [
      'several fields at once',
      { bankBin: '1', amountVnd: 0, purpose: 'é' },
      [
        { field: 'bankBin', problem: 'must be exactly 6 digits (the NAPAS bank BIN, e.g. 970436)' },
        { field: 'amountVnd', problem: 'must be between 1 and 9999999999999 VND' },
        { field: 'purpose', problem: 'must be ASCII: "é" at index 0 is not (remove Vietnamese diacritics first)' },
      ],
    ],
  ])('rejects %s', (_name, change, problems) => {
    const input = { bankBin: '970436', accountNumber: '1023456789', ...change } as VietQrInput;
    expect(problemsOf(() => encodeVietQr(input))).toEqual(problems);
  });

  it('accepts the boundaries', () => {
    expect(() => encodeVietQr({ bankBin: '970436', accountNumber: 'A'.repeat(19), amountVnd: 1, purpose: 'Z'.repeat(25), merchantName: 'N'.repeat(25), merchantCity: 'C'.repeat(15) })).not.toThrow();
  });
});

describe('a generated dynamic VietQR survives rendering and scanning', () => {
  it('qrcode PNG (error correction M) read back by jsQR yields the same string', async () => {
    const payload = encodeVietQr({ bankBin: '970436', accountNumber: '1023456789', amountVnd: 1943000, purpose: 'OCOP7K3M9Q', merchantName: 'HTX CHE TAN CUONG', merchantCity: 'THAI NGUYEN' });
    const png = PNG.sync.read(await QRCode.toBuffer(payload, { type: 'png', errorCorrectionLevel: 'M' }));
    const scanned = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(scanned?.data).toBe(payload);
    expect(decodeVietQr(scanned!.data)).toMatchObject({ bankBin: '970436', accountNumber: '1023456789', amountVnd: 1943000, purpose: 'OCOP7K3M9Q' });
  });
});
