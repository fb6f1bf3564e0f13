import { bytesStream, collect, failure, fixtureBytes, fixtureStream, vn } from '../../../test/fixtures/statements/helpers.js';
import { findReferences } from '../matcher/extract.js';
import { parseMt940Statement } from './mt940.js';
import { StatementFormatError, type StatementLine } from './statement-line.js';

const MT940: StatementLine[] = [
  // statement 1: opening balance 25,000,000
  {
    lineNo: 1,
    bankTransactionId: '5123456789012345',
    accountNumber: '1023456789',
    bookedAt: vn('2024-03-01T00:00:00'),
    direction: 'in',
    amountVnd: 1_250_000,
    // the first :86: line is a full 65 characters, cut inside the account number
    description:
      'MBVCB.5123456789.012345.OC7K4M9P2XG thanh toan don hang.CT tu 0011001234567 NGUYEN VAN A toi 1023456789 HTX CA PHE EA TU',
    balanceAfterVnd: 26_250_000,
  },
  {
    lineNo: 2,
    bankTransactionId: '0403240001234',
    accountNumber: '1023456789',
    bookedAt: vn('2024-03-01T00:00:00'),
    direction: 'in',
    amountVnd: 450_000,
    description: 'IBVCB.0403240001234.oc3hq7rw2n7 thanh toan.CT tu 0071000123456 LE VAN LOC toi 1023456789 HTX CA PHE EA TU',
    balanceAfterVnd: 26_700_000,
  },
  {
    lineNo: 3,
    bankTransactionId: 'FT24062000123456',
    accountNumber: '1023456789',
    bookedAt: vn('2024-03-02T00:00:00'),
    direction: 'out',
    amountVnd: 5_000_000,
    description: 'HTX CA PHE EA TU chuyen tien mua bao bi',
    balanceAfterVnd: 21_700_000,
  },
  // statement 2
  {
    lineNo: 4,
    bankTransactionId: '5234567890123456',
    accountNumber: '1023456789',
    bookedAt: vn('2024-03-03T00:00:00'),
    direction: 'in',
    amountVnd: 880_000,
    description: 'MBVCB.5234567890.123456.Thanh toan OCA9F4KT6PE cam on shop',
    balanceAfterVnd: 22_580_000,
  },
  {
    lineNo: 5,
    bankTransactionId: null, // no "//bank reference"
    accountNumber: '1023456789',
    bookedAt: vn('2024-03-04T00:00:00'), // no entry date: the value date
    direction: 'out',
    amountVnd: 2_200,
    description: 'Thu phi duy tri tai khoan thang 03/2024',
    balanceAfterVnd: 22_577_800,
  },
  // statement 3, no SWIFT envelope, overdrawn opening balance (D), year end
  {
    lineNo: 6,
    bankTransactionId: 'FT23365999999999',
    accountNumber: '1023456789',
    bookedAt: vn('2024-01-02T00:00:00'), // value 31/12/2023, booked 02/01 of the next year
    direction: 'in',
    amountVnd: 300_000,
    description: 'INV-7781 CHUYEN KHOAN CUOI NAM', // no :86:: customer reference + supplementary details
    balanceAfterVnd: 200_000,
  },
  {
    lineNo: 7,
    bankTransactionId: 'RV240102000001',
    accountNumber: '1023456789',
    bookedAt: vn('2024-01-02T00:00:00'),
    direction: 'out', // RC: reversal of a credit
    amountVnd: 50_000,
    description: 'Hoan tra giao dich ghi co nham',
    balanceAfterVnd: 150_000,
    reversal: true,
  },
];

const STATEMENT = fixtureBytes('statement.mt940').toString('utf8');

describe('parseMt940Statement', () => {
  it('reads statement.mt940: three statements, envelope or not', async () => {
    expect(await collect(parseMt940Statement(fixtureStream('statement.mt940')))).toEqual(MT940);
  });

  it.each([1, 2, 13, 1 << 16])('gives the same records in chunks of %d bytes', async (size) => {
    expect(await collect(parseMt940Statement(bytesStream(STATEMENT, size)))).toEqual(MT940);
  });

  it('reads LF line ends and a UTF-8 :86:', async () => {
    const text = STATEMENT.replace(/\r\n/g, '\n').replace('Hoan tra giao dich ghi co nham', 'Hoàn trả giao dịch ghi có nhầm');
    const lines = await collect(parseMt940Statement(bytesStream(text)));
    expect(lines[6].description).toBe('Hoàn trả giao dịch ghi có nhầm');
  });

  it('keeps the memos for the matcher', async () => {
    const lines = await collect(parseMt940Statement(fixtureStream('statement.mt940')));
    expect(lines.slice(0, 4).map((l) => findReferences(l.description))).toEqual([
      ['OC7K4M9P2XG'],
      ['OC3HQ7RW2N7'],
      [],
      ['OCA9F4KT6PE'],
    ]);
  });

  it.each([
    ['C', 'in'],
    ['D', 'out'],
    ['RD', 'in'],
    ['RC', 'out'],
  ])(':61: mark %s → %s', async (mark, direction) => {
    const sign = direction === 'in' ? 1 : -1;
    const closing = 1_000_000 + sign * 1_000;
    const text = `:20:S1\n:25:1023456789\n:60F:C240301VND1000000,\n:61:240301${mark}1000,NTRFREF1//B1\n:86:x\n:62F:${closing < 0 ? 'D' : 'C'}240301VND${Math.abs(closing)},\n`;
    const [line] = await collect(parseMt940Statement(bytesStream(text)));
    expect(line.direction).toBe(direction);
  });

  it('reads a funds code after the mark and an account with a bank code and currency', async () => {
    const text = ':20:S1\n:25:970436/1023456789VND\n:60F:C240301VND0,\n:61:2403010301CD1000,NTRFNONREF//B1\n:62F:C240301VND1000,\n';
    const [line] = await collect(parseMt940Statement(bytesStream(text)));
    expect(line).toMatchObject({ accountNumber: '1023456789', amountVnd: 1000, direction: 'in', bankTransactionId: 'B1' });
  });
});

describe('parseMt940Statement: errors name the transaction and the problem', () => {
  it.each([
    ['broken/mt940-foreign-currency.mt940', 4, ':60F: currency USD is not VND (file line 21)'],
    ['broken/mt940-bad-amount.mt940', 4, 'amount "880000,50" is not a whole number of VND (file line 22)'],
    [
      'broken/mt940-truncated.mt940',
      6,
      'statement "STMT240303001" ends without a closing balance :62F: (the file is truncated) (file line 25)',
    ],
  ])('%s → transaction %d: %s', async (name, lineNo, problem) => {
    const e = await failure(parseMt940Statement(fixtureStream(name)));
    expect(e).toBeInstanceOf(StatementFormatError);
    expect(e).toMatchObject({ lineNo, problem, unit: 'transaction', message: `transaction ${lineNo}: ${problem}` });
  });

  const HEAD = ':20:S1\n:25:1023456789\n:60F:C240301VND1000000,\n';
  it.each([
    [
      'closing balance that does not add up',
      `${HEAD}:61:240301C1000,NTRFNONREF\n:62F:C240301VND1002000,\n`,
      2,
      "closing balance 1,002,000 is not the opening balance 1,000,000 plus the statement's 1 transactions (1,001,000): the statement is incomplete or corrupted (file line 5)",
    ],
    ['malformed :61:', `${HEAD}:61:2403X01C1000,NTRF\n`, 1, ':61: "2403X01C1000,NTRF" is not a statement line (YYMMDD[MMDD], C/D/RC/RD, [funds code], amount, type code, reference) (file line 4)'],
    ['invalid date', `${HEAD}:61:241301C1000,NTRFNONREF\n`, 1, ':61: date "241301" is not a valid date (file line 4)'],
    ['no opening balance', ':20:S1\n:25:1023456789\n:61:240301C1000,NTRFNONREF\n', 1, ':61: before the opening balance :60F: (file line 3)'],
    ['no account', ':20:S1\n:60F:C240301VND0,\n:61:240301C1000,NTRFNONREF\n', 1, ':61: before the statement account :25: (file line 3)'],
    ['letters in the account', ':20:S1\n:25:VCB-ABC\n', 1, ':25: account "VCB-ABC" is not an account number (digits, [BIC or bank code/]digits[ currency], or an IBAN) (file line 2)'],
    ['an IBAN with wrong check digits', ':20:S1\n:25:NL92ABNA0417164300\n', 1, ':25: IBAN "NL92ABNA0417164300" has wrong check digits (file line 2)'],
    ['bad balance', ':20:S1\n:25:1023456789\n:60F:C2403VND10,\n', 1, ':60F: "C2403VND10," is not a balance (mark, YYMMDD, currency, amount) (file line 3)'],
    ['statement without :20:', ':25:1023456789\n', 1, ':25: before the statement\'s :20: (file line 1)'],
    ['next statement before the closing balance', `${HEAD}:20:S2\n`, 1, 'statement "S1" has no closing balance :62F: (file line 4)'],
    ['not MT940', 'hello\n', 1, 'unexpected text "hello": expected a statement\'s :20: or a bank header line (:940:, 940, a BIC, 0000 01<BIC>) (file line 1)'],
    ['text between two messages', `${HEAD}:62F:C240301VND1000000,\n-\nPage 2 of 3\n:20:S2\n`, 1, 'unexpected text "Page 2 of 3": expected a statement\'s :20: or a bank header line (:940:, 940, a BIC, 0000 01<BIC>) (file line 6)'],
    ['empty', '', 1, 'no MT940 statement found (no :20: field) (file line 1)'],
  ])('%s', async (_case, text, lineNo, problem) => {
    const e = await failure(parseMt940Statement(bytesStream(text)));
    expect(e).toMatchObject({ lineNo, problem });
  });

  it('checks the account named by the import request', async () => {
    const e = await failure(parseMt940Statement(fixtureStream('statement.mt940'), { accountNumber: '19031234567012' }));
    expect(e.message).toBe('transaction 1: the statement is for account 1023456789, not 19031234567012 as requested (file line 3)');
  });

  it.each([
    ['broken/mt940-bad-amount.mt940', [1, 2, 3]],
    ['broken/mt940-truncated.mt940', [1, 2, 3, 4, 5]],
  ])('%s yields the transactions before the failure', async (name, expected) => {
    const seen: number[] = [];
    await failure(
      (async function* () {
        for await (const line of parseMt940Statement(fixtureStream(name))) yield seen.push(line.lineNo);
      })(),
    );
    expect(seen).toEqual(expected);
  });
});
