import { Readable } from 'node:stream';
import { isValidReference } from '../../payments/vietqr/reference.js';
import { findReferences } from '../matcher/extract.js';
import { bytesStream, collect, encodeAs, failure, fixtureBytes, fixtureStream, vn } from '../../../test/fixtures/statements/helpers.js';
import { parseCsvStatement } from './csv.js';
import { StatementFormatError, type StatementLine } from './statement-line.js';

const VCB: StatementLine[] = [
  {
    lineNo: 9,
    bankTransactionId: '5123456789.012345',
    accountNumber: '1023456789',
    bookedAt: vn('2024-03-01T08:15:22'),
    direction: 'in',
    amountVnd: 1_250_000,
    description:
      'MBVCB.5123456789.012345.OC7K4M9P2XG thanh toan don hang.CT tu 0011001234567 NGUYEN VAN A toi 1023456789 HTX CA PHE EA TU',
    balanceAfterVnd: 26_250_000,
  },
  {
    lineNo: 10,
    bankTransactionId: '0403240001234',
    accountNumber: '1023456789',
    bookedAt: vn('2024-03-01T14:02:51'),
    direction: 'in',
    amountVnd: 450_000,
    description: 'IBVCB.0403240001234.oc3hq7rw2n7 thanh toan.CT tu 0071000123456 LE VAN LOC toi 1023456789 HTX CA PHE EA TU',
    balanceAfterVnd: 26_700_000,
  },
  {
    lineNo: 11,
    bankTransactionId: 'FT24062000123456',
    accountNumber: '1023456789',
    bookedAt: vn('2024-03-02T09:30:00'),
    direction: 'out',
    amountVnd: 5_000_000,
    description: 'HTX CA PHE EA TU chuyen tien mua bao bi',
    balanceAfterVnd: 21_700_000,
  },
  {
    lineNo: 12, // the memo runs over lines 12–13
    bankTransactionId: '5234567890.123456',
    accountNumber: '1023456789',
    bookedAt: vn('2024-03-03T00:00:00'),
    direction: 'in',
    amountVnd: 880_000,
    description:
      'MBVCB.5234567890.123456.Thanh toan OCA9F4KT6PE\ncam on shop.CT tu 0011004123456 TRAN THI BICH NGOC toi 1023456789 HTX CA PHE EA TU',
    balanceAfterVnd: 22_580_000,
  },
  {
    lineNo: 14,
    bankTransactionId: null,
    accountNumber: '1023456789',
    bookedAt: vn('2024-03-04T23:59:59'),
    direction: 'out',
    amountVnd: 2_200,
    description: 'Thu phi duy tri tai khoan thang 03/2024',
    balanceAfterVnd: 22_577_800,
  },
];

const TECHCOMBANK: StatementLine[] = [
  {
    lineNo: 6,
    bankTransactionId: 'FT24061234567890',
    accountNumber: '19031234567012',
    bookedAt: vn('2024-03-01T09:12:45'),
    direction: 'in',
    amountVnd: 1_250_000,
    description: 'NGUYEN VAN B chuyen tien OCH4T7WQ2MJ-FT24061234567890',
    counterpartyName: 'NGUYEN VAN B',
    counterpartyAccount: '0451000123456',
    balanceAfterVnd: 11_250_000,
  },
  {
    lineNo: 7,
    bankTransactionId: 'FT24061987654321',
    accountNumber: '19031234567012',
    bookedAt: vn('2024-03-01T16:40:03'),
    direction: 'in',
    amountVnd: 350_000,
    description: 'OCD8KX3NP6E; thanh toan don hang 2 hop tra "Shan tuyet"',
    counterpartyName: 'TRAN THI C',
    counterpartyAccount: '19036677889012',
    balanceAfterVnd: 11_600_000,
  },
  {
    lineNo: 8,
    bankTransactionId: 'FT24062555555555',
    accountNumber: '19031234567012',
    bookedAt: vn('2024-03-02T08:00:00'),
    direction: 'out',
    amountVnd: 780_000,
    description: 'Thanh toan tien dien T02/2024',
    counterpartyName: 'EVN HCMC',
    balanceAfterVnd: 10_820_000,
  },
  {
    lineNo: 9,
    bankTransactionId: 'FT24065000000001',
    accountNumber: '19031234567012',
    bookedAt: vn('2024-03-05T11:11:11'),
    direction: 'in',
    amountVnd: 1_250_000,
    description: 'CUSTOMER oc-r5ye-9c2t-t. TU: LE THI D',
    counterpartyName: 'LE THI D',
    balanceAfterVnd: 12_070_000,
  },
];

const CANONICAL: StatementLine[] = [
  {
    lineNo: 2,
    bankTransactionId: 'TXN-0001',
    accountNumber: '1023456789',
    bookedAt: vn('2024-03-01T08:15:22'),
    direction: 'in',
    amountVnd: 1_250_000,
    description: 'OC7K4M9P2XG thanh toan don hang',
    counterpartyName: 'NGUYEN VAN A',
    counterpartyAccount: '0011001234567',
    counterpartyBankBin: '970436',
    balanceAfterVnd: 26_250_000,
  },
  {
    lineNo: 3,
    bankTransactionId: 'TXN-0002',
    accountNumber: '1023456789',
    bookedAt: new Date('2024-03-01T07:02:51Z'),
    direction: 'in',
    amountVnd: 450_000,
    description: 'IBFT OC3HQ7RW2N7',
    counterpartyName: 'LE VAN LOC',
    counterpartyAccount: '0071000123456',
    counterpartyBankBin: '970436',
    balanceAfterVnd: 26_700_000,
  },
  {
    lineNo: 4,
    bankTransactionId: 'TXN-0003',
    accountNumber: '1023456789',
    bookedAt: vn('2024-03-02T09:30:00'),
    direction: 'out',
    amountVnd: 5_000_000,
    description: 'Mua bao bi',
    counterpartyName: 'CONG TY TNHH BAO BI XANH',
    counterpartyAccount: '19039988776655',
    counterpartyBankBin: '970407',
    balanceAfterVnd: 21_700_000,
  },
  {
    lineNo: 5,
    bankTransactionId: null,
    accountNumber: '1023456789',
    bookedAt: vn('2024-03-03T00:00:00'),
    direction: 'in',
    amountVnd: 880_000,
    description: 'Thanh toan OCA9F4KT6PE, cam on shop',
    balanceAfterVnd: 22_580_000,
  },
];

describe('parseCsvStatement: fixtures', () => {
  it.each([
    ['vcb-export.csv', VCB, 'UTF-8 BOM, CRLF, comma, preamble with the account, multi-line memo, totals'],
    ['techcombank-export.csv', TECHCOMBANK, 'semicolon, dots for thousands, "Tài khoản:" preamble, quoted ";"'],
    ['canonical.csv', CANONICAL, 'canonical columns, ISO dates with and without zone'],
  ])('%s (%s)', async (name, expected) => {
    expect(await collect(parseCsvStatement(fixtureStream(name)))).toEqual(expected);
  });

  it.each(['vcb-export.csv', 'techcombank-export.csv', 'canonical.csv'])(
    '%s gives the same records when read byte by byte',
    async (name) => {
      const whole = await collect(parseCsvStatement(fixtureStream(name, 1 << 16)));
      expect(await collect(parseCsvStatement(bytesStream(fixtureBytes(name), 1)))).toEqual(whole);
    },
  );

  it('keeps memos intact for the matcher: every credit yields its payment reference', async () => {
    const lines = [
      ...(await collect(parseCsvStatement(fixtureStream('vcb-export.csv')))),
      ...(await collect(parseCsvStatement(fixtureStream('techcombank-export.csv')))),
    ];
    const refs = lines.filter((l) => l.direction === 'in').map((l) => findReferences(l.description));
    expect(refs).toEqual([
      ['OC7K4M9P2XG'],
      ['OC3HQ7RW2N7'],
      ['OCA9F4KT6PE'],
      ['OCH4T7WQ2MJ'],
      ['OCD8KX3NP6E'],
      ['OCR5YE9C2TT'],
    ]);
    expect(refs.flat().every(isValidReference)).toBe(true);
  });
});

describe('parseCsvStatement: header variants of Vietnamese banks', () => {
  const expected: StatementLine = {
    lineNo: 2,
    bankTransactionId: 'FT24061234567890',
    accountNumber: '1023456789',
    bookedAt: vn('2024-03-01T09:12:45'),
    direction: 'in',
    amountVnd: 1_250_000,
    description: 'OC7K4M9P2XG thanh toan',
    balanceAfterVnd: 11_250_000,
  };
  const REF = 'FT24061234567890';
  const MEMO = 'OC7K4M9P2XG thanh toan';

  it.each([
    ['Vietcombank', 'STT,Ngày giao dịch,Số tham chiếu,Số tiền ghi nợ,Số tiền ghi có,Số dư,Mô tả', `1,01/03/2024 09:12:45,${REF},,"1,250,000","11,250,000",${MEMO}`],
    ['Techcombank', 'Ngày giao dịch;Ngày hiệu lực;Số bút toán;Diễn giải;Ghi nợ;Ghi có;Số dư', `01/03/2024 09:12:45;01/03/2024;${REF};${MEMO};;1.250.000;11.250.000`],
    ['MB Bank', 'Số tài khoản,Ngày giao dịch,Mã giao dịch,Nội dung,Ghi nợ,Ghi có,Số dư', `1023456789,01/03/2024 09:12:45,${REF},${MEMO},0,1250000,11250000`],
    ['ACB (tab)', 'Ngày hiệu lực\tSố GD\tNội dung giao dịch\tRút ra\tGửi vào\tSố dư', `01/03/2024 09:12:45\t${REF}\t${MEMO}\t\t1,250,000\t11,250,000`],
    ['BIDV', 'Ngày giao dịch;Số tham chiếu;Nợ;Có;Số dư;Mô tả giao dịch', `01/03/2024 09:12:45;${REF};;1.250.000;11.250.000;${MEMO}`],
    ['VietinBank', 'Ngày giao dịch,Số bút toán,Diễn giải,Ghi nợ (VND),Ghi có (VND),Số dư (VND)', `01/03/2024 09:12:45,${REF},${MEMO},,1 250 000,11 250 000`],
    ['English', 'Transaction Date,Reference,Debit,Credit,Description,Balance', `01/03/2024 09:12:45,${REF},,"1,250,000",${MEMO},"11,250,000"`],
    ['English (pipe)', 'Transaction Date|Reference|Debit|Credit|Description|Balance', `01/03/2024 09:12:45|${REF}||1,250,000.00|${MEMO}|11,250,000.00`],
    ['upper case without diacritics', 'NGAY GIAO DICH;SO THAM CHIEU;SO TIEN GHI NO;SO TIEN GHI CO;MO TA;SO DU', `01/03/2024 09:12:45;${REF};;1.250.000 VND;${MEMO};11.250.000 VND`],
    ['decomposed (NFD) Unicode', 'Ngày giao dịch,Số tham chiếu,Số tiền ghi nợ,Số tiền ghi có,Mô tả,Số dư'.normalize('NFD'), `01/03/2024 09:12:45,${REF},,1250000,${MEMO},11250000`],
    ['canonical, signed amount', 'booked_at,transaction_id,amount,description,balance', `2024-03-01T09:12:45,${REF},"+1,250,000",${MEMO},11250000`],
    ['amount with Dr/Cr column', 'Booking Date,Ref No,Amount,Dr/Cr,Narrative,Running Balance', `01/03/2024 09:12:45,${REF},1250000,CR,${MEMO},11250000`],
    ['date and time columns', 'Ngày;Giờ;Mã GD;Số tiền;Nội dung;Số dư', `01/03/2024;09:12:45;${REF};+1.250.000;${MEMO};11.250.000`],
    ['quoted headers', '"Ngày giao dịch","Số tham chiếu","Ghi nợ","Ghi có","Mô tả","Số dư"', `"01/03/2024 09:12:45","${REF}","","1,250,000","${MEMO}","11,250,000"`],
  ])('%s', async (_bank, header, row) => {
    const lines = await collect(parseCsvStatement(bytesStream(`${header}\n${row}\n`), { accountNumber: '1023456789' }));
    expect(lines).toEqual([expected]);
  });

  it.each([
    ['direction in/out', 'direction', 'out', '1250000', 'out'],
    ['direction C/D', 'D/C', 'C', '1250000', 'in'],
    ['direction CRDT/DBIT', 'direction', 'DBIT', '1250000', 'out'],
    ['direction Có/Nợ', 'Nợ/Có', 'Nợ', '1250000', 'out'],
    ['signed minus', null, null, '-1.250.000', 'out'],
    ['accounting negative', null, null, '(1,250,000)', 'out'],
    ['unsigned, no direction column: a credit', null, null, '1.250.000', 'in'],
  ])('%s', async (_case, directionHeader, directionValue, amount, direction) => {
    const header = ['booked_at', 'amount', 'description', ...(directionHeader ? [directionHeader] : [])].join(';');
    const row = ['01/03/2024', amount, 'x', ...(directionValue ? [directionValue] : [])].join(';');
    const [line] = await collect(parseCsvStatement(bytesStream(`${header}\n${row}\n`), { accountNumber: '1023456789' }));
    expect({ direction: line.direction, amountVnd: line.amountVnd }).toEqual({ direction, amountVnd: 1_250_000 });
  });

  it('reads UTF-16 (Excel "Unicode text", tab-separated)', async () => {
    const text = `\uFEFFNgày giao dịch\tSố tham chiếu\tGhi nợ\tGhi có\tMô tả\tSố dư\r\n01/03/2024 09:12:45\t${REF}\t\t1.250.000\t${MEMO}\t11.250.000\r\n`;
    const lines = await collect(parseCsvStatement(bytesStream(Buffer.from(text, 'utf16le'), 7), { accountNumber: '1023456789' }));
    expect(lines).toEqual([expected]);
  });

  it('skips repeated header rows, totals, balance rows and blank lines', async () => {
    const csv = [
      'Ngày giao dịch,Số tham chiếu,Ghi nợ,Ghi có,Mô tả,Số dư',
      'Số dư đầu kỳ,,,,,"10,000,000"',
      `01/03/2024 09:12:45,${REF},,"1,250,000",${MEMO},"11,250,000"`,
      ',,,,,',
      'Ngày giao dịch,Số tham chiếu,Ghi nợ,Ghi có,Mô tả,Số dư',
      '',
      'Tổng cộng,,0,"1,250,000",,',
      'Người lập biểu,,,,Kế toán trưởng,',
    ].join('\n');
    expect(await collect(parseCsvStatement(bytesStream(csv), { accountNumber: '1023456789' }))).toEqual([
      { ...expected, lineNo: 3 },
    ]);
  });
});

describe('parseCsvStatement: the account', () => {
  const body = 'booked_at,amount,direction,description\n2024-03-01,1000,in,x\n';

  it('comes from the import request when the file has none', async () => {
    const [line] = await collect(parseCsvStatement(bytesStream(body), { accountNumber: '1023 456 789' }));
    expect(line.accountNumber).toBe('1023456789');
  });

  it('comes from the preamble when the request names none', async () => {
    const [line] = await collect(parseCsvStatement(fixtureStream('vcb-export.csv')));
    expect(line.accountNumber).toBe('1023456789');
  });

  it('must match the request when the file names one', async () => {
    const e = await failure(parseCsvStatement(fixtureStream('vcb-export.csv'), { accountNumber: '0011001234567' }));
    expect(e.message).toBe('line 3: the statement is for account 1023456789, not 0011001234567 as requested');
  });

  it('is required', async () => {
    const e = await failure(parseCsvStatement(bytesStream(body)));
    expect(e.message).toBe('line 2: no account number: the file has none and the import request named none');
  });

  it('as an option must be digits (400 on the field, not a file error)', async () => {
    const e = await failure(parseCsvStatement(bytesStream(body), { accountNumber: 'VCB-abc' }));
    expect(e).not.toBeInstanceOf(StatementFormatError);
    expect(e.message).toBe('accountNumber: account number "VCB-abc" is not an account number (digits only)');
  });
});

describe('parseCsvStatement: errors name the line and the problem', () => {
  it.each([
    ['broken/canonical-bad-amount.csv', 3, 'amount "12.5" is not a whole number of VND'],
    [
      'broken/vcb-bad-date.csv',
      11,
      'date "31/02/2024 09:30:00" is not a valid date (expected dd/MM/yyyy, dd/MM/yyyy HH:mm:ss or ISO 8601)',
    ],
    ['broken/techcombank-foreign-currency.csv', 7, 'credit amount "350.00 USD" is in USD, not VND'],
  ])('%s → line %d: %s', async (name, lineNo, problem) => {
    const e = await failure(parseCsvStatement(fixtureStream(name)));
    expect(e).toBeInstanceOf(StatementFormatError);
    expect(e).toMatchObject({ lineNo, problem, message: `line ${lineNo}: ${problem}` });
  });

  const H = 'booked_at,transaction_id,debit,credit,amount,direction,currency,description';
  it.each([
    ['both sides', `${H}\n01/03/2024,A,100,200,,,,x`, 2, 'both debit and credit amounts are filled'],
    ['no side', `${H}\n01/03/2024,A,,0,,,,x`, 2, 'no amount: amount, debit and credit are all empty or 0'],
    ['no date', `${H}\n\n,A,,100,,,,x`, 3, 'date is empty'],
    ['zero amount', `${H}\n01/03/2024,A,,,0,in,,x`, 2, 'amount is 0'],
    ['unknown direction', `${H}\n01/03/2024,A,,,100,chuyen khoan,,x`, 2, 'direction "chuyen khoan" is not one of in/out, C/D, CR/DR, credit/debit, có/nợ'],
    ['sign contradicts direction', `${H}\n01/03/2024,A,,,-100,in,,x`, 2, 'amount "-100" contradicts direction "in"'],
    ['currency column', `${H}\n01/03/2024,A,,,100,in,USD,x`, 2, 'currency "USD" is not VND'],
    ['bad balance', 'booked_at,amount,balance\n01/03/2024,100,n/a', 2, 'balance "n/a" is not a number'],
    ['preamble currency', `Loại tiền: USD\n${H}`, 1, 'the statement is in USD, not VND'],
    ['unclosed quote', `${H}\n01/03/2024,A,,100,,,,x\n01/03/2024,B,,100,,,,"x\n`, 3, 'malformed CSV: Quote Not Closed: the parsing is finished with an opening quote'],
    ['empty file', '', 1, 'the file is empty'],
    ['BOM only', '\uFEFF\n\n', 1, 'the file is empty'],
  ])('%s', async (_case, csv, lineNo, problem) => {
    const e = await failure(parseCsvStatement(bytesStream(csv), { accountNumber: '1023456789' }));
    expect(e).toMatchObject({ lineNo, problem });
  });

  it('refuses a file without a header row', async () => {
    const e = await failure(parseCsvStatement(bytesStream('a,b,c\n1,2,3\n'), { accountNumber: '1023456789' }));
    expect(e).toBeInstanceOf(StatementFormatError);
    expect((e as StatementFormatError).problem).toMatch(/^no header row found/);
  });

  it('reads a Windows-1258 export (detected, or named), and refuses bytes that are not the named encoding, naming the line', async () => {
    const text = 'booked_at,amount,direction,description\n2024-03-01,1000,in,ok\n2024-03-01,1000,in,Thanh toán đơn hàng của Nguyễn Thị Hường\n';
    const bytes = encodeAs(text, 'windows-1258');
    for (const encoding of [undefined, 'windows-1258' as const]) {
      const lines = await collect(parseCsvStatement(bytesStream(bytes, 16), { accountNumber: '1023456789', encoding }));
      expect(lines.map((l) => l.description)).toEqual(['ok', 'Thanh toán đơn hàng của Nguyễn Thị Hường']);
    }
    const e = await failure(parseCsvStatement(bytesStream(bytes, 16), { accountNumber: '1023456789', encoding: 'utf-8' }));
    expect(e).toMatchObject({ lineNo: 3, problem: 'the bytes are not valid UTF-8 text' });
    // UTF-8 first, then a byte that is not: one file, two encodings.
    const mixed = Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from('2024-03-02,500,in,caf\xe9\n', 'latin1')]);
    const m = await failure(parseCsvStatement(bytesStream(mixed, 16), { accountNumber: '1023456789' }));
    expect(m).toMatchObject({ lineNo: 4, problem: 'the bytes are not valid UTF-8 text (save the export as UTF-8, or name its encoding with ?encoding=)' });
  });
});

describe('parseCsvStatement: streaming', () => {
  it('parses 50,000 generated lines from a Readable one record at a time (1M-line memory: npm run bench:reconcile)', async () => {
    // Short rows: under jest's vm realm csv-parse pays for every byte (global lookups per
    // character), so bytes, not lines, set this test's time.
    const ROWS = 50_000;
    function* generate(): Generator<string> {
      yield 'NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM\nSố tài khoản:,1023456789\n\n';
      yield 'Ngày giao dịch,Ghi có,Ghi nợ,Mô tả\n';
      let batch = '';
      for (let i = 1; i <= ROWS; i++) {
        batch += i % 10 === 0 ? `2/3/2024,,2000,FEE${i}\n` : `1/3/2024,"1,000",,OC${i}\n`;
        if (i % 2000 === 0) {
          yield batch;
          batch = '';
        }
      }
    }
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    let count = 0;
    let credits = 0;
    let lastLine = 0;
    for await (const line of parseCsvStatement(Readable.from(generate(), { objectMode: false }))) {
      count++;
      if (line.direction === 'in') credits += line.amountVnd;
      lastLine = line.lineNo;
      if (count % 10_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    expect(count).toBe(ROWS);
    expect(credits).toBe(ROWS * 0.9 * 1_000);
    expect(lastLine).toBe(ROWS + 4);
    expect(peak - before).toBeLessThan(50 * 1024 * 1024);
  }, 30_000);

  it('stops reading the file when the consumer stops', async () => {
    const stream = fixtureStream('vcb-export.csv', 64);
    for await (const line of parseCsvStatement(stream)) {
      expect(line.lineNo).toBe(9);
      break;
    }
    expect(stream.destroyed).toBe(true);
  });
});
