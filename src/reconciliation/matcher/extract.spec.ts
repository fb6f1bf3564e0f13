import { isValidReference } from '../../payments/vietqr/reference.js';
import { findReferences, locateReferences } from './extract.js';

const R1 = 'OC7K4M9P2XG';
const R2 = 'OC3HQ7RW2N7';
const R3 = 'OCA9F4KT6PE';

it('uses valid fixtures', () => {
  for (const r of [R1, R2, R3]) expect(isValidReference(r)).toBe(true);
});

describe('findReferences: memo shapes of Vietnamese banks', () => {
  it.each([
    // Vietcombank: MBVCB/IBVCB.<trace>.<trace>.<memo>.CT tu <acct> <NAME> toi <acct> <NAME>
    ['VCB app', `MBVCB.5123456789.123456.${R1}.CT tu 0011004123456 NGUYEN VAN AN toi 1903456789012 HTX NONG SAN SACH`],
    ['VCB app, lower case', `MBVCB.5123456789.123456.${R1.toLowerCase()}.CT tu 0011004123456 TRAN THI BICH NGOC toi 1903456789012 HTX`],
    ['VCB internet banking', `IBVCB.0403240001234.${R1} thanh toan.CT tu 0071000123456 LE VAN LOC toi 1903456789012 HTX MIEN NUI`],
    ['VCB, trace glued', `MBVCB.1234567.${R1}.CT tu 0123456789 NGUYEN VAN AN`],
    // Techcombank / FT trace numbers
    ['TCB, FT after', `${R1} FT24012345678901`],
    ['TCB, FT before', `FT24012345678 ${R1.toLowerCase()} chuyen tien`],
    ['TCB, FT glued before', `FT24012345678${R1}`],
    ['TCB, name then code', `NGUYEN VAN AN chuyen tien ${R1}-FT24035123456789`],
    // MB Bank
    ['MB, Ma GD', `${R1}- Ma GD ACSP/ Xn123456`],
    ['MB, customer', `CUSTOMER ${R1}. TU: NGUYEN VAN AN`],
    // ACB
    ['ACB', `ACB;0123456789;NGUYEN VAN AN chuyen tien ${R1} GD 123456-012424 10:22:33`],
    // VPBank / Agribank / NAPAS IBFT
    ['IBFT', `IBFT ${R1}`],
    ['IBFT with name', `IBFT ${R1} NGUYEN VAN AN chuyen khoan`],
    ['NAPAS incoming', `NHAN TU 0123456789 TRACE 123456 ND ${R1}`],
    ['NAPAS incoming, code glued to ND', `NHAN TU 0123456789 TRACE 123456 ND${R1}`],
    // TPBank
    ['TPBank', `TKThe :0123456789, tai TPBank. ${R1}`],
    // BIDV
    ['BIDV', `TKThe :12510000123456, tai BIDV. ${R1} -CTLNHIDI000001234567890-1/1-CRE-002`],
    ['BIDV REM', `REM Tfr Ac: 12510000123456 ${R1} O@L 20240115`],
    // VietinBank
    ['VietinBank', `CT DEN:412345678901 ${R1}`],
    ['VietinBank NAPAS', `Chuyen tien den tu NAPAS Ma GD 123456 ${R1}`],
    // Wallets
    ['MoMo', `MOMO ${R1} Chuyen tien tu MoMo`],
    // Mangled code
    ['spaces and dash inside', `oc 7k4m-9p2x g`],
    ['dashes every 4', `OC-7K4M-9P2X-G`],
    ['dots everywhere', `O.C.7.K.4.M.9.P.2.X.G`],
    ['mixed case', `Oc7K4m9P2xG`],
    ['line breaks', `chuyen tien\nOC7K4M\n9P2XG\ncam on`],
    ['glued to a date and an account', `20240115${R1}0987654321`],
    ['NGOC glued before (an "OC" that is not the code)', `GD123NGOC${R1}`],
    ['text glued after', `${R1}CAMON`],
    ['code then more letters', `${R1}A`],
    // Vietnamese with diacritics
    ['diacritics', `Thanh toán đơn hàng ${R1}`],
    ['diacritics, code lower case', `Đặt hàng OCOP mã ${R1.toLowerCase()} cảm ơn shop`],
    ['decomposed diacritics', `Thanh toa\u0301n \u0111o\u031b\u0301n ha\u0300ng ${R1}`],
    ['Quốc glued before', `Trần Quốc${R1}`],
    // Truncation of the surrounding text
    ['truncated after the code', `MBVCB.5123456789.123456.${R1}.CT tu 00110041`],
    ['truncated before the code', `ang ${R1}`],
    ['truncated right after the code', `MBVCB.5123456789.123456.Thanh toan don ${R1}`],
    ['cut at 50 characters', `MBVCB.5123456789.123456.${R1}.CT tu 0011004123456 NGUYEN VAN AN toi 19034`.slice(0, 50)],
    ['cut at 50, NAPAS shape', `NHAN TU 0123456789 TRACE 123456 ND ${R1} NGUYEN VAN AN CHUYEN KHOAN`.slice(0, 50)],
    // Repetition
    ['repeated', `${R1} ${R1}`],
    ['repeated, mangled differently', `${R1.toLowerCase()} - OC 7K4M 9P2X G`],
  ])('%s', (_shape, memo) => {
    expect(findReferences(memo)).toEqual([R1]);
  });
});

describe('findReferences: several, none, or broken codes', () => {
  it.each([
    ['two different codes, in memo order', `${R2} va ${R1}`, [R2, R1]],
    ['two codes glued', `${R1}${R3}`, [R1, R3]],
    ['three codes, one repeated', `TT ${R3}, ${R1}, ${R3.toLowerCase()}`, [R3, R1]],
    ['no code', 'chuyen tien mua hang', []],
    ['names containing OC', 'NGUYEN THI NGOC ANH chuyen khoan cho LOC PHUOC QUOC', []],
    ['empty', '', []],
    ['code cut in half by truncation', 'MBVCB.5123456789.123456.Thanh toan don hang OC7K4M', []],
    ['check character cut off', 'IBFT OC7K4M9P2X', []],
    ['prefix cut off', '7K4M9P2XG chuyen tien', []],
    ['one wrong character', 'IBFT OC7K4N9P2XG', []],
    ['wrong check character', 'IBFT OC7K4M9P2XH', []],
    ['adjacent transposition', 'IBFT OC7K4M92PXG', []],
    ['transposition with the check character', 'IBFT OC7K4M9P2GX', []],
    ['look-alike typed: Z for 2', 'IBFT OC7K4M9PZXG', []],
    ['look-alike typed: zero for O', 'IBFT 0C7K4M9P2XG', []],
    ['one character missing', 'IBFT OC7K4M9PXG', []],
    ['one character doubled', 'IBFT OC7K4MM9P2XG', []],
  ])('%s', (_case, memo, expected) => {
    expect(findReferences(memo)).toEqual(expected);
  });

  it('never turns any single-character typo of the code into a valid reference, in any memo shape', () => {
    const shapes = [
      (c: string) => `MBVCB.5123456789.123456.${c}.CT tu 0011004123456 NGUYEN VAN AN toi 1903456789012 HTX`,
      (c: string) => `FT24012345678${c}`,
      (c: string) => `Thanh toán đơn hàng ${c.toLowerCase()} cảm ơn`,
      (c: string) => `NHAN TU 0123456789 TRACE 123456 ND ${c}`,
    ];
    const replacements = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const found: string[] = [];
    for (const shape of shapes) {
      for (let i = 0; i < R1.length; i++) {
        for (const ch of replacements) {
          if (ch === R1[i]) continue;
          const typo = R1.slice(0, i) + ch + R1.slice(i + 1);
          found.push(...findReferences(shape(typo)).map((r) => `${typo} → ${r}`));
        }
        if (i < R1.length - 1 && R1[i] !== R1[i + 1]) {
          const swapped = R1.slice(0, i) + R1[i + 1] + R1[i] + R1.slice(i + 2);
          found.push(...findReferences(shape(swapped)).map((r) => `${swapped} → ${r}`));
        }
      }
    }
    expect(found).toEqual([]);
  });
});

describe('locateReferences', () => {
  it('gives each occurrence with its span in the original memo', () => {
    const memo = `Thanh toán đơn hàng oc-7k4m 9p2x g, nhắc lại ${R1}`;
    const matches = locateReferences(memo);
    expect(matches).toEqual([
      { reference: R1, start: memo.indexOf('oc-7k4m'), end: memo.indexOf('oc-7k4m') + 'oc-7k4m 9p2x g'.length },
      { reference: R1, start: memo.lastIndexOf(R1), end: memo.length },
    ]);
    expect(memo.slice(matches[0].start, matches[0].end)).toBe('oc-7k4m 9p2x g');
  });
});
