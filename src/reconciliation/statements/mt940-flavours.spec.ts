/**
 * MT940 as banks really write it: one sample per flavour (test/fixtures/statements/mt940/, our own
 * content in the shapes of public bank samples and format descriptions).
 */
import { bytesStream, collect, encodeAs, failure, fixtureBytes, vn } from '../../../test/fixtures/statements/helpers.js';
import { findReferences } from '../matcher/extract.js';
import { parseMt940Statement } from './mt940.js';
import type { StatementLine } from './statement-line.js';
import type { TextEncoding } from './text-stream.js';

const read = (bytes: Buffer | string, opts: { accountNumber?: string; encoding?: TextEncoding } = {}, chunk = 64 * 1024) =>
  collect(parseMt940Statement(bytesStream(bytes, chunk), opts));
const file = (name: string) => fixtureBytes(`mt940/${name}`);
/** The fields that say which transfer a line is. */
const brief = (l: StatementLine) => ({ id: l.bankTransactionId, dir: l.direction, vnd: l.amountVnd, memo: l.description });

describe('MT940 flavours', () => {
  it('SWIFT FIN envelopes {1:}{2:}{3:}{4: … -}{5:}, SOH/ETX wrapping, two messages in one file', async () => {
    for (const size of [1, 7, 64 * 1024]) {
      const lines = await read(file('swift-envelopes-soh.mt940'), {}, size);
      expect(lines.map(brief)).toEqual([
        {
          id: 'FT24309000000101',
          dir: 'in',
          vnd: 370_000,
          memo: 'MBVCB.6100000101.001.OC7K4M9P2XG thanh toan.CT tu 0011000000101 TRAN THI MAI toi 1023456789 HTX CHE SHAN TUYET',
        },
        { id: 'FT24309000000102', dir: 'out', vnd: 15_000, memo: 'Phi chuyen tien' },
        { id: 'FT24310000000201', dir: 'in', vnd: 120_000, memo: 'IBFT OC33F7Q9M28 cam on' },
      ]);
      expect(lines.map((l) => [l.accountNumber, l.balanceAfterVnd])).toEqual([
        ['1023456789', 5_370_000],
        ['1023456789', 5_355_000],
        ['1023456789', 5_475_000],
      ]);
    }
  });

  it('ABN AMRO: "BIC / 940 / BIC" header before each message, :28:, codes N192/N426, loose decimals', async () => {
    const lines = await read(file('abnamro-header.mt940'));
    expect(lines.map(brief)).toEqual([
      { id: null, dir: 'in', vnd: 250_000, memo: 'GIRO  1102030 NGUYEN VAN BINH   THANH TOAN OC33F7Q9M28' },
      { id: null, dir: 'out', vnd: 9, memo: 'BEA   NR:00AJ01   04.11.24/10.12 PHI SMS BANKING' },
      { id: null, dir: 'in', vnd: 80_000, memo: 'GIRO  1102031 LE THI HOA   MUA TRA OC2W6E9R4TN' },
    ]);
    expect(lines.map((l) => findReferences(l.description))).toEqual([['OC33F7Q9M28'], [], ['OC2W6E9R4TN']]);
  });

  it('Rabobank: ":940:" first line, IBAN + currency in :25:, zero-padded amounts, slash-structured :86:', async () => {
    const lines = await read(file('rabobank-structured.mt940'));
    expect(lines).toMatchObject([
      {
        accountNumber: 'NL23OCOP1023456789', // no account requested: the IBAN itself
        direction: 'in',
        amountVnd: 450_000,
        description: 'Thanh toan don OC9X2M4K7Q4', // /REMI/ without "USTD//", not /EREF/ or /ADDR/
        counterpartyName: 'PHAM VAN DUC',
        bookedAt: vn('2024-11-04T00:00:00'),
        balanceAfterVnd: 1_950_000,
      },
      {
        direction: 'out',
        amountVnd: 45_000,
        description: 'Cuoc van chuyen thang 10',
        counterpartyName: 'CONG TY VAN TAI AN PHAT', // cut across two lines
        counterpartyAccount: 'VN00OCOP0099887766',
        balanceAfterVnd: 1_905_000,
      },
    ]);
    // The IBAN ends with the requested domestic account: it is that account.
    const requested = await read(file('rabobank-structured.mt940'), { accountNumber: '1023456789' });
    expect(requested.map((l) => l.accountNumber)).toEqual(['1023456789', '1023456789']);
    const other = await failure(parseMt940Statement(bytesStream(file('rabobank-structured.mt940')), { accountNumber: '19031234567012' }));
    expect(other.message).toBe('transaction 1: the statement is for account NL23OCOP1023456789, not 19031234567012 as requested (file line 3)');
  });

  it('ING: "0000 01<BIC>…" and "940 00" header records, :61: without entry date, a tab in :86:, "-XXX" footer', async () => {
    const lines = await read(file('ing-header.mt940'));
    expect(lines).toMatchObject([
      { direction: 'in', amountVnd: 330_000, bookedAt: vn('2024-11-04T00:00:00'), description: '1023456789 HOANG THI LAN\tTHANH TOAN DON HANG OC4H8N2P6RK' },
    ]);
    expect(findReferences(lines[0].description)).toEqual(['OC4H8N2P6RK']);
  });

  it('German DK: bankcode/account, GVC with ?20–?29 (SVWZ+ cut mid-word), ?31 and ?32/?33, "-" between statements, balance without a comma', async () => {
    const lines = await read(file('german-gvc.mt940'));
    expect(lines).toMatchObject([
      {
        accountNumber: '1023456789',
        direction: 'in', // "CR": C with funds code R
        amountVnd: 500_000,
        description: 'Thanh toan don OC5R8T3W3Y7 cam on shop',
        counterpartyName: 'NGUYEN THI HONG NHUNG',
        counterpartyAccount: '0011000000777',
      },
      { direction: 'out', amountVnd: 120_000, description: 'Phi quan ly TK thang 11/2024', counterpartyName: 'NGAN HANG TMCP' },
      // A lone "-" and a line starting with "-" inside :86: are text, not the end of the message.
      { direction: 'in', amountVnd: 64_000, description: 'Nhan tien tu DANG VAN TU - -Ma GD: 0511-7788 noi dung: tra no OC33733N5MD', balanceAfterVnd: 446_187 },
    ]);
    expect(findReferences(lines[0].description)).toEqual(['OC5R8T3W3Y7']);
    expect(findReferences(lines[2].description)).toEqual(['OC33733N5MD']);
  });

  it('Polish (mBank): Windows-1250, a leading blank line, "/PL…" IBAN, "~" subfields, //MB bank references, S-type codes', async () => {
    const bytes = encodeAs(file('polish-mbank.mt940').toString('utf8'), 'windows-1250');
    for (const opts of [{}, { encoding: 'windows-1250' as const }]) {
      const lines = await read(bytes, { accountNumber: '1023456789', ...opts });
      expect(lines).toMatchObject([
        {
          bankTransactionId: 'MB24110400001',
          accountNumber: '1023456789',
          amountVnd: 75_000,
          description: 'Zapłata za miód gryczany OC2K9D5F8HP',
          counterpartyName: 'ŁUKASZ ŻÓŁTOWSKI',
          counterpartyAccount: '0011000000888',
        },
        { bankTransactionId: 'MB24110400002', direction: 'out', amountVnd: 5_000, description: 'Opłata za przelew' },
      ]);
    }
  });

  it('Hungarian: :NS: tags, funds code F, a space-padded "S   " type code, Windows-1250 named by ?encoding=', async () => {
    const bytes = encodeAs(file('hungarian-ns.mt940').toString('utf8'), 'windows-1250');
    const lines = await read(bytes, { encoding: 'windows-1250' });
    expect(lines).toMatchObject([
      {
        accountNumber: 'HU25117730160000001023456789',
        bankTransactionId: 'HU2411040001',
        direction: 'in',
        amountVnd: 250_000,
        description: 'Árvíztűrő tükörfúrógép OC6J3K833MM',
      },
    ]);
  });

  it('Polish/Hungarian ":86:" subfields with ">", "^" and "<" markers: memo = remittance without the markers, counterparty = the name fields', async () => {
    for (const size of [5, 64 * 1024]) {
      const lines = await read(file('polish-subfields.mt940'), { accountNumber: '1023456789' }, size);
      expect(lines).toEqual([
        {
          // 020>00…>20…>21…>32…>33…>38…: >20 full (27 characters, cut mid-word) joins >21 as is.
          lineNo: 1,
          bankTransactionId: 'PL24110500011',
          accountNumber: '1023456789',
          bookedAt: vn('2024-11-05T00:00:00'),
          direction: 'in',
          amountVnd: 150_000,
          description: 'Thanh toan don hang OC7K4M9P2XG mat ong rung',
          counterpartyName: 'NGUYEN THI THANH HUONG',
          counterpartyAccount: 'PL27114020040000300201355387',
          balanceAfterVnd: 1_150_000,
        },
        {
          // 641^00…^34…^30…^38…^20…^32…^33 (empty)^62/^63 (the address, not the memo)
          lineNo: 2,
          bankTransactionId: 'PL24110500012',
          accountNumber: '1023456789',
          bookedAt: vn('2024-11-05T00:00:00'),
          direction: 'in',
          amountVnd: 80_000,
          description: 'Zapłata za trà sen OC4H8N2P6RK',
          counterpartyName: 'TRAN VAN BINH',
          counterpartyAccount: 'PL61109010140000071219812874',
          balanceAfterVnd: 1_230_000,
        },
        {
          // 0310<00…<10…<20<21<22<23<27<28<29<30<32 (empty)<38<63: the name is <27/<28, the address <29 and the bank's <63 are not the memo
          lineNo: 3,
          bankTransactionId: 'PL24110500013',
          accountNumber: '1023456789',
          bookedAt: vn('2024-11-05T00:00:00'),
          direction: 'out',
          amountVnd: 25_000,
          description: 'Phi quan ly tai khoan thang 11',
          counterpartyName: 'NGAN HANG TMCP OCOP',
          counterpartyAccount: 'PL27114020040000300201355387',
          balanceAfterVnd: 1_205_000,
        },
      ]);
      expect(lines.map((l) => findReferences(l.description))).toEqual([['OC7K4M9P2XG'], ['OC4H8N2P6RK'], []]);
    }
  });

  it('":86:" subfields: the code on its own line, and "?" (DK) keeps ?60–?63 as remittance where other markers do not', async () => {
    const statement = (info: string[]) =>
      [':20:S', ':25:1023456789', ':60F:C241105VND0,', ':61:241105C1000,NTRFNONREF//B1', ...info, ':62F:C241105VND1000,', ''].join('\n');
    const [split] = await read(statement([':86:020', '>00PRZELEW>20OC7K4M9P2XG>32LE VAN AN']));
    expect(split).toMatchObject({ description: 'OC7K4M9P2XG', counterpartyName: 'LE VAN AN' });
    const [dk] = await read(statement([':86:166?00GUTSCHRIFT?20Thanh toan?21OC7K4M9P2XG?32LE VAN AN?60tra sen Tay Ho']));
    expect(dk).toMatchObject({ description: 'Thanh toan OC7K4M9P2XG tra sen Tay Ho', counterpartyName: 'LE VAN AN' });
    const [caret] = await read(statement([':86:166^00PRZELEW^20Thanh toan^21OC7K4M9P2XG^32LE VAN AN^62ul. Dluga 5']));
    expect(caret).toMatchObject({ description: 'Thanh toan OC7K4M9P2XG', counterpartyName: 'LE VAN AN' });
  });

  it(':25: "account CCY" (a space before the currency) is the account without the currency', async () => {
    const text = ':20:S\n:25:0071002345678 VND\n:60F:C241105VND0,\n:61:241105C1000,NTRFNONREF//B1\n:86:x\n:62F:C241105VND1000,\n';
    for (const opts of [{}, { accountNumber: '0071002345678' }]) {
      const [line] = await read(text, opts);
      expect(line.accountNumber).toBe('0071002345678');
    }
    const other = await failure(parseMt940Statement(bytesStream(text), { accountNumber: '1023456789' }));
    expect(other.message).toBe('transaction 1: the statement is for account 0071002345678, not 1023456789 as requested (file line 2)');
  });

  it(':25: "BIC/account/CCY" is the account without the BIC and the currency', async () => {
    const text = ':20:S\n:25:BFTVVNVX/0071002345678/VND\n:60F:C241105VND0,\n:61:241105C1000,NTRFNONREF//B1\n:86:x\n:62F:C241105VND1000,\n';
    for (const opts of [{}, { accountNumber: '0071002345678' }]) {
      const [line] = await read(text, opts);
      expect(line.accountNumber).toBe('0071002345678');
    }
  });

  it(':60M:/:62M: pages, :64:/:65:, a zero line, RC/RD reversals, an entry date of spaces, a non-SWIFT type code', async () => {
    const lines = await read(file('intermediate-pages.mt940'));
    expect(lines.map((l) => ({ ...brief(l), reversal: l.reversal ?? false, bal: l.balanceAfterVnd, at: l.bookedAt }))).toEqual([
      { id: 'FT24306000000301', dir: 'in', vnd: 200_000, memo: 'TT OC8D2F5G9H3 tien hang', reversal: false, bal: 1_000_000, at: vn('2024-11-01T00:00:00') },
      // A zero line is read, never refused (the import counts it and stores nothing).
      { id: 'FT24306000000302', dir: 'in', vnd: 0, memo: 'Mien phi quan ly tai khoan thang 11', reversal: false, bal: 1_000_000, at: vn('2024-11-01T00:00:00') },
      { id: 'FT24306000000301', dir: 'out', vnd: 200_000, memo: 'Hoan tra GD FT24306000000301 do sai thong tin', reversal: true, bal: 800_000, at: vn('2024-11-02T00:00:00') },
      { id: null, dir: 'in', vnd: 15_000, memo: 'Hoan phi SMS', reversal: true, bal: 815_000, at: vn('2024-11-02T00:00:00') },
      { id: null, dir: 'in', vnd: 50_000, memo: 'HD-2024-77 UNG TRUOC TIEN HANG', reversal: false, bal: 865_000, at: vn('2024-11-02T00:00:00') },
    ]);
  });

  it('a 30 February value date (30-day-month banks) is the month\'s last day', async () => {
    const [line] = await read(':20:S\n:25:1023456789\n:60F:C240229VND0,\n:61:240230C1000,NTRFNONREF\n:62F:C240229VND1000,\n');
    expect(line.bookedAt).toEqual(vn('2024-02-29T00:00:00'));
  });
});

describe('MT940 encodings', () => {
  const VIETNAMESE = 'Thanh toán đơn hàng OC7K4M9P2XG – Nguyễn Thị Hường, cảm ơn HTX';
  const text = file('vietnamese.mt940').toString('utf8');

  it.each([
    ['UTF-8', Buffer.from(text, 'utf8')],
    ['UTF-8 with a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])],
    ['Windows-1258, detected', encodeAs(text, 'windows-1258')],
  ])('%s', async (_name, bytes) => {
    for (const size of [3, 64 * 1024]) {
      const [line] = await read(bytes, {}, size);
      expect(line.description).toBe(VIETNAMESE);
      expect(findReferences(line.description)).toEqual(['OC7K4M9P2XG']);
    }
  });

  it('Windows-1258 named by ?encoding=', async () => {
    const [line] = await read(encodeAs(text, 'windows-1258'), { encoding: 'windows-1258' });
    expect(line.description).toBe(VIETNAMESE);
  });

  it.each([['windows-1252' as const], ['iso-8859-1' as const]])('%s (detected, and named)', async (encoding) => {
    const western = text.replace(/:86:.*/, ':86:Crème brûlée Société Générale OC7K4M9P2XG');
    for (const opts of [{}, { encoding }]) {
      const [line] = await read(encodeAs(western, encoding), opts);
      expect(line.description).toBe('Crème brûlée Société Générale OC7K4M9P2XG');
    }
  });

  it('bytes that do not decode are refused naming the line', async () => {
    const bytes = encodeAs(text, 'windows-1258');
    const utf8 = await failure(parseMt940Statement(bytesStream(bytes), { encoding: 'utf-8' }));
    expect(utf8.message).toBe('transaction 1: the bytes are not valid UTF-8 text (file line 6)');
    // 0x81 is not a Windows-1258 character.
    const undefinedByte = Buffer.concat([bytes.subarray(0, 60), Buffer.from([0x81]), bytes.subarray(60)]);
    const cp = await failure(parseMt940Statement(bytesStream(undefinedByte), { encoding: 'windows-1258' }));
    expect(cp.message).toMatch(/^transaction 1: the bytes are not valid Windows-1258 text \(file line \d\)$/);
    // UTF-8 first, then a byte that is not: the file is not one encoding.
    const at = text.indexOf(':62F:');
    const mixed = Buffer.concat([Buffer.from(text.slice(0, at), 'utf8'), Buffer.from('ca phe caf\xe9\r\n', 'latin1'), Buffer.from(text.slice(at), 'utf8')]);
    const e = await failure(parseMt940Statement(bytesStream(mixed)));
    expect(e.message).toBe(
      'transaction 1: the bytes are not valid UTF-8 text (save the export as UTF-8, or name its encoding with ?encoding=) (file line 7)',
    );
  });
});
