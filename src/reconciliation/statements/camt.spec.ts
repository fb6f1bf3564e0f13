import { Readable } from 'node:stream';
import { bytesStream, collect, failure, fixtureBytes, fixtureStream, vn } from '../../../test/fixtures/statements/helpers.js';
import { findReferences } from '../matcher/extract.js';
import { parseCamtStatement } from './camt.js';
import { StatementFormatError, type StatementLine } from './statement-line.js';

const CAMT053: StatementLine[] = [
  {
    lineNo: 1,
    bankTransactionId: '5123456789.012345',
    accountNumber: '1023456789',
    bookedAt: vn('2024-03-01T08:15:22'),
    direction: 'in',
    amountVnd: 1_250_000,
    description:
      'MBVCB.5123456789.012345.OC7K4M9P2XG thanh toan don hang.CT tu 0011001234567 NGUYEN VAN A toi 1023456789 HTX CA PHE EA TU',
    counterpartyName: 'NGUYEN VAN A',
    counterpartyAccount: '0011001234567',
    counterpartyBankBin: '970436',
  },
  {
    lineNo: 2,
    bankTransactionId: 'FT24062000123456',
    accountNumber: '1023456789',
    bookedAt: vn('2024-03-02T00:00:00'),
    direction: 'out',
    amountVnd: 5_000_000,
    description: 'HTX CA PHE EA TU chuyen tien mua bao bi & tem nhan',
    counterpartyName: 'CONG TY TNHH BAO BI XANH',
    counterpartyAccount: '19039988776655',
    counterpartyBankBin: '970407',
  },
  // entry 3 is pending (Sts PDNG): skipped
  {
    lineNo: 4,
    bankTransactionId: '240303NAPAS0100500',
    accountNumber: '1023456789',
    bookedAt: vn('2024-03-03T10:05:00'),
    direction: 'in',
    amountVnd: 880_000,
    description: 'Thanh toan OCA9F4KT6PE <cam on shop>',
    counterpartyName: 'TRAN THI BICH NGOC',
    counterpartyAccount: '0011004123456',
  },
  {
    lineNo: 4,
    bankTransactionId: 'BATCH240303001/2',
    accountNumber: '1023456789',
    bookedAt: vn('2024-03-03T10:05:00'),
    direction: 'in',
    amountVnd: 450_000,
    description: 'IBFT OC3HQ7RW2N7',
    counterpartyName: 'LÊ VĂN LỘC',
  },
  {
    lineNo: 5,
    bankTransactionId: 'NTRY-0005',
    accountNumber: '1023456789',
    bookedAt: vn('2024-03-03T00:00:00'),
    direction: 'in',
    amountVnd: 2_000_000,
    description: 'IBFT OCH4T7WQ2MJ NGUYEN VAN B chuyen khoan',
  },
];

const CAMT054: StatementLine[] = [
  {
    lineNo: 1,
    bankTransactionId: 'FT24065102030001',
    accountNumber: '19031234567012',
    bookedAt: vn('2024-03-05T10:20:30'),
    direction: 'in',
    amountVnd: 1_250_000,
    description: 'CUSTOMER OCR5YE9C2TT. TU: LE THI D',
    counterpartyName: 'LE THI D',
    counterpartyAccount: '0451000123456',
    counterpartyBankBin: '970436',
  },
  {
    lineNo: 2,
    bankTransactionId: 'E2E20240305002',
    accountNumber: '19031234567012',
    bookedAt: new Date('2024-03-05T10:20:30.250Z'),
    direction: 'out',
    amountVnd: 11_000,
    description: 'Phi chuyen tien nhanh 24/7',
  },
];

describe('parseCamtStatement: fixtures', () => {
  it.each([
    ['camt053.xml', CAMT053],
    ['camt054.xml', CAMT054],
  ])('%s', async (name, expected) => {
    expect(await collect(parseCamtStatement(fixtureStream(name)))).toEqual(expected);
  });

  it.each([1, 3, 17, 4096])('camt053.xml gives the same records in chunks of %d bytes', async (size) => {
    expect(await collect(parseCamtStatement(bytesStream(fixtureBytes('camt053.xml'), size)))).toEqual(CAMT053);
  });

  it('keeps the memos for the matcher', async () => {
    const lines = await collect(parseCamtStatement(fixtureStream('camt053.xml')));
    expect(lines.filter((l) => l.direction === 'in').map((l) => findReferences(l.description))).toEqual([
      ['OC7K4M9P2XG'],
      ['OCA9F4KT6PE'],
      ['OC3HQ7RW2N7'],
      ['OCH4T7WQ2MJ'],
    ]);
  });

  it('reads namespace prefixes, UTF-8 BOM and self-closing elements', async () => {
    const xml = `\uFEFF<?xml version="1.0"?>
<ns2:Document xmlns:ns2="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
<ns2:BkToCstmrStmt><ns2:Stmt>
  <ns2:Acct><ns2:Id><ns2:Othr><ns2:Id>1023 456 789</ns2:Id></ns2:Othr></ns2:Id></ns2:Acct>
  <ns2:Ntry><ns2:Amt Ccy='VND'>500000</ns2:Amt><ns2:CdtDbtInd>CRDT</ns2:CdtDbtInd><ns2:RvslInd/>
    <ns2:Sts>BOOK</ns2:Sts><ns2:BookgDt><ns2:DtTm>2024-03-01T08:00:00Z</ns2:DtTm></ns2:BookgDt>
    <ns2:NtryDtls><ns2:TxDtls><ns2:Refs><ns2:TxId>TX1</ns2:TxId></ns2:Refs>
      <ns2:RmtInf><ns2:Ustrd>OC7K4M9P2XG</ns2:Ustrd></ns2:RmtInf></ns2:TxDtls></ns2:NtryDtls>
  </ns2:Ntry>
</ns2:Stmt></ns2:BkToCstmrStmt></ns2:Document>`;
    expect(await collect(parseCamtStatement(bytesStream(xml, 5)))).toEqual([
      {
        lineNo: 1,
        bankTransactionId: 'TX1',
        accountNumber: '1023456789',
        bookedAt: new Date('2024-03-01T08:00:00Z'),
        direction: 'in',
        amountVnd: 500_000,
        description: 'OC7K4M9P2XG',
      },
    ]);
  });

  it('streams a large statement entry by entry', async () => {
    const ENTRIES = 20_000;
    function* generate(): Generator<string> {
      yield '<Document><BkToCstmrStmt><Stmt><Acct><Id><Othr><Id>1023456789</Id></Othr></Id></Acct>\n';
      let batch = '';
      for (let i = 1; i <= ENTRIES; i++) {
        batch += `<Ntry><Amt Ccy="VND">${i}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2024-03-01</Dt></BookgDt><AcctSvcrRef>R${i}</AcctSvcrRef></Ntry>\n`;
        if (i % 100 === 0) {
          yield batch;
          batch = '';
        }
      }
      yield '</Stmt></BkToCstmrStmt></Document>\n';
    }
    let count = 0;
    let sum = 0;
    for await (const line of parseCamtStatement(Readable.from(generate(), { objectMode: false }))) {
      count++;
      sum += line.amountVnd;
      expect(line.lineNo).toBe(count);
    }
    expect({ count, sum }).toEqual({ count: ENTRIES, sum: (ENTRIES * (ENTRIES + 1)) / 2 });
  });
});

describe('parseCamtStatement: errors name the entry and the problem', () => {
  it.each([
    ['broken/camt053-foreign-currency.xml', 2, 'currency USD is not VND (XML line 75)'],
    ['broken/camt053-fractional-amount.xml', 5, 'amount "2000000.50" is not a whole number of VND (XML line 139)'],
    [
      'broken/camt053-truncated.xml',
      2,
      'the document ends inside <Ntry> opened at line 74: the file is truncated (XML line 77)',
    ],
  ])('%s → entry %d: %s', async (name, lineNo, problem) => {
    const e = await failure(parseCamtStatement(fixtureStream(name)));
    expect(e).toBeInstanceOf(StatementFormatError);
    expect(e).toMatchObject({ lineNo, problem, unit: 'entry', message: `entry ${lineNo}: ${problem}` });
  });

  it('yields the entries before the broken one', async () => {
    const seen: number[] = [];
    const e = await failure(
      (async function* () {
        for await (const line of parseCamtStatement(fixtureStream('broken/camt053-foreign-currency.xml'))) {
          seen.push(line.lineNo);
          yield line;
        }
      })(),
    );
    expect(e).toBeInstanceOf(StatementFormatError);
    expect(seen).toEqual([1]);
  });

  const doc = (entry: string, acct = '<Acct><Id><Othr><Id>1023456789</Id></Othr></Id></Acct>'): string =>
    `<Document><BkToCstmrStmt><Stmt>${acct}\n${entry}\n</Stmt></BkToCstmrStmt></Document>`;
  const ENTRY = (inner: string): string => `<Ntry>${inner}<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2024-03-01</Dt></BookgDt></Ntry>`;

  it.each([
    ['no CdtDbtInd', doc(ENTRY('<Amt Ccy="VND">1000</Amt>')), 1, 'no <CdtDbtInd> (XML line 2)'],
    ['bad CdtDbtInd', doc(ENTRY('<Amt Ccy="VND">1000</Amt><CdtDbtInd>CR</CdtDbtInd>')), 1, '<CdtDbtInd> "CR" is neither CRDT nor DBIT (XML line 2)'],
    ['no currency', doc(ENTRY('<Amt>1000</Amt><CdtDbtInd>CRDT</CdtDbtInd>')), 1, '<Amt> has no Ccy attribute (XML line 2)'],
    ['not a number', doc(ENTRY('<Amt Ccy="VND">1.000.000</Amt><CdtDbtInd>CRDT</CdtDbtInd>')), 1, 'amount "1.000.000" is not a number (XML line 2)'],
    ['no amount', doc(ENTRY('<CdtDbtInd>CRDT</CdtDbtInd>')), 1, 'the entry has no amount <Amt> (XML line 2)'],
    [
      'no booking date',
      doc('<Ntry><Amt Ccy="VND">1000</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>'),
      1,
      'the entry has no booking date <BookgDt> (XML line 2)',
    ],
    [
      'bad booking date',
      doc('<Ntry><Amt Ccy="VND">1000</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2024-02-30</Dt></BookgDt></Ntry>'),
      1,
      'booking date "2024-02-30" is not a valid date (expected dd/MM/yyyy, dd/MM/yyyy HH:mm:ss or ISO 8601) (XML line 2)',
    ],
    [
      'batch that does not add up',
      doc(
        ENTRY(
          '<Amt Ccy="VND">3000</Amt><CdtDbtInd>CRDT</CdtDbtInd><NtryDtls>' +
            '<TxDtls><Amt Ccy="VND">1000</Amt></TxDtls><TxDtls><AmtDtls><TxAmt><Amt Ccy="VND">1500</Amt></TxAmt></AmtDtls></TxDtls>' +
            '</NtryDtls>',
        ),
      ),
      1,
      'the entry amount 3,000 is not the sum of its 2 transactions (2,500) (XML line 2)',
    ],
    ['account in USD', doc('', '<Acct><Id><Othr><Id>1023456789</Id></Othr></Id><Ccy>USD</Ccy></Acct>'), 1, 'the statement account is in USD, not VND (XML line 1)'],
    ['IBAN with wrong check digits', doc('', '<Acct><Id><IBAN>DE88370400440532013000</IBAN></Id></Acct>'), 1, 'statement IBAN "DE88370400440532013000" has wrong check digits (XML line 1)'],
    ['entry before the account', doc(ENTRY('<Amt Ccy="VND">1</Amt><CdtDbtInd>CRDT</CdtDbtInd>'), ''), 1, 'the entry comes before the statement account <Acct> (XML line 2)'],
    ['camt.052', '<Document><BkToCstmrAcctRpt/></Document>', 1, 'camt.052 account reports are not supported: import the camt.053 statement (XML line 1)'],
    ['another XML document', '<Invoice><Id>1</Id></Invoice>', 1, '<Invoice> is not an ISO 20022 camt document (XML line 1)'],
    ['another ISO 20022 message', '<Document><CstmrCdtTrfInitn/></Document>', 1, '<CstmrCdtTrfInitn> is not a camt.053 statement or camt.054 notification (XML line 1)'],
    ['mismatched tags', doc('<Ntry><Amt Ccy="VND">1</Amt></Ntr>'), 1, 'end tag </Ntr> does not match <Ntry> opened at line 2 (XML line 2)'],
    ['not XML at all', 'hello', 1, 'text "hello" outside the root element (XML line 1)'],
    ['empty', '', 1, 'the document has no root element (XML line 1)'],
  ])('%s', async (_case, xml, lineNo, problem) => {
    const e = await failure(parseCamtStatement(bytesStream(xml)));
    expect(e).toMatchObject({ lineNo, problem });
  });

  it('checks the account named by the import request', async () => {
    const e = await failure(parseCamtStatement(fixtureStream('camt053.xml'), { accountNumber: '19031234567012' }));
    expect(e.message).toBe('entry 1: the statement is for account 1023456789, not 19031234567012 as requested (XML line 16)');
  });

  it('numbers entries across statements, reporting the one that fails', async () => {
    const stmt = (acct: string, amount: string): string =>
      `<Stmt><Acct><Id><Othr><Id>${acct}</Id></Othr></Id></Acct><Ntry><Amt Ccy="VND">${amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2024-03-01</Dt></BookgDt></Ntry></Stmt>\n`;
    const xml = `<Document><BkToCstmrStmt>\n${stmt('111111', '1')}${stmt('222222', '2')}${stmt('333333', '3.5')}</BkToCstmrStmt></Document>`;
    const lines: StatementLine[] = [];
    const e = await failure(
      (async function* () {
        for await (const line of parseCamtStatement(bytesStream(xml))) yield lines.push(line);
      })(),
    );
    expect(lines.map((l) => [l.lineNo, l.accountNumber])).toEqual([
      [1, '111111'],
      [2, '222222'],
    ]);
    expect(e.message).toBe('entry 3: amount "3.5" is not a whole number of VND (XML line 4)');
  });
});
