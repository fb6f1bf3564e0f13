import { InvalidInput } from '../../common/errors.js';
import { collect, fixtureBytes, fixtureStream } from '../../../test/fixtures/statements/helpers.js';
import {
  DETECT_BYTES,
  StatementFormatError,
  detectStatementFormat,
  parseStatement,
  type StatementFormat,
} from './index.js';

describe('detectStatementFormat', () => {
  it.each([
    ['vcb-export.csv', 'csv'],
    ['techcombank-export.csv', 'csv'],
    ['canonical.csv', 'csv'],
    ['camt053.xml', 'camt053'],
    ['camt054.xml', 'camt054'],
    ['statement.mt940', 'mt940'],
  ])('%s → %s (first %d bytes)', (name, format) => {
    expect(detectStatementFormat(fixtureBytes(name).subarray(0, DETECT_BYTES), name)).toBe(format);
    expect(detectStatementFormat(fixtureBytes(name).subarray(0, DETECT_BYTES))).toBe(format); // content alone
  });

  it.each([
    ['<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">', undefined, 'camt053'],
    ['<Document><BkToCstmrDbtCdtNtfctn>', undefined, 'camt054'],
    ['<ns2:Document xmlns:ns2="x"><ns2:BkToCstmrStmt>', undefined, 'camt053'],
    ['<?xml version="1.0"?>', 'sao-ke-camt054.xml', 'camt054'], // too short to see the root: the name decides
    ['<?xml version="1.0"?>', 'statement.xml', 'camt053'],
    ['\uFEFF:20:STMT1\r\n:25:1023456789', undefined, 'mt940'],
    ['{1:F01BFTVVNVXAXXX0000000000}{2:O940}{4:\r\n:20:X', undefined, 'mt940'],
    ['\r\n\r\n:20:X\r\n', undefined, 'mt940'],
    ['garbled first line\n:25:1023456789\n:60F:C240301VND0,', undefined, 'mt940'],
    ['whatever', 'export.sta', 'mt940'],
    ['Ngày giao dịch;Số tiền', 'export.txt', 'csv'],
    ['', undefined, 'csv'],
  ] as const)('%j (%s) → %s', (head, filename, format) => {
    expect(detectStatementFormat(Buffer.from(head, 'utf8'), filename)).toBe(format);
  });

  it.each([
    [Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]), Buffer.from('[Content_Types].xml…xl/workbook.xml')]), undefined, 'xlsx'],
    [Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]), 'SaoKeTK_01112024.xlsx', 'xlsx'],
    [Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), 'LichSuGiaoDich.xls', 'xls'],
    [Buffer.from(':940:\r\n:20:940S241104\r\n'), undefined, 'mt940'],
    [Buffer.from('BFTVVNVX\r\n940\r\nBFTVVNVX\r\n:20:ABN'), undefined, 'mt940'],
    [Buffer.from('0000 01BFTVVNVXXXXX00001\r\n'), undefined, 'mt940'],
    [Buffer.from('\x01{1:F01BFTVVNVXAXXX0000000000}'), undefined, 'mt940'],
  ] as const)('detects %#: %s → %s', (bytes, filename, format) => {
    expect(detectStatementFormat(bytes, filename)).toBe(format);
  });

  it('reads a UTF-16 CSV head', () => {
    expect(detectStatementFormat(Buffer.from('\uFEFFNgày giao dịch\tSố tiền', 'utf16le'))).toBe('csv');
  });

  it.each([
    [Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, ...Buffer.from('word/document.xml')]), 'a zip file that is not an Excel workbook cannot be imported'],
    [Buffer.from('%PDF-1.7\n'), 'a PDF statement cannot be imported'],
    [Buffer.from([0x41, 0x00, 0x42, 0x00]), 'a binary file cannot be imported'],
    [Buffer.from('<Document><BkToCstmrAcctRpt>'), 'a camt.052 intraday account report cannot be imported'],
    [Buffer.from('<html xmlns:x="urn:schemas-microsoft-com:office:excel"><table>'), 'an HTML page (a web ".xls" export) cannot be imported'],
  ])('refuses %j', (bytes, what) => {
    expect(() => detectStatementFormat(bytes)).toThrow(
      new StatementFormatError(1, `${what}: export the statement as CSV, Excel, camt.053/camt.054 XML or MT940`),
    );
  });
});

describe('parseStatement', () => {
  it.each([
    ['vcb-export.csv', 5],
    ['canonical.csv', 4],
    ['camt053.xml', 5],
    ['camt054.xml', 2],
    ['statement.mt940', 7],
  ])('detects and parses %s (%d records)', async (name, count) => {
    const format: StatementFormat = detectStatementFormat(fixtureBytes(name).subarray(0, DETECT_BYTES), name);
    const lines = await collect(parseStatement(fixtureStream(name), format));
    expect(lines).toHaveLength(count);
    expect(lines.every((l) => Number.isSafeInteger(l.amountVnd) && l.amountVnd > 0)).toBe(true);
  });

  it('passes the requested account to every format', async () => {
    for (const [name, format] of [
      ['techcombank-export.csv', 'csv'],
      ['camt053.xml', 'camt053'],
      ['statement.mt940', 'mt940'],
    ] as const) {
      await expect(collect(parseStatement(fixtureStream(name), format, { accountNumber: '999999' }))).rejects.toThrow(
        /not 999999 as requested/,
      );
    }
  });
});

describe('StatementFormatError', () => {
  it('is a 400 InvalidInput naming the position', () => {
    const e = new StatementFormatError(17, 'amount "12.5" is not a whole number of VND');
    expect(e).toBeInstanceOf(InvalidInput);
    expect(e).toMatchObject({
      name: 'StatementFormatError',
      kind: 'invalid',
      code: 'invalid_input',
      message: 'line 17: amount "12.5" is not a whole number of VND',
      details: [{ field: 'line 17', problem: 'amount "12.5" is not a whole number of VND' }],
      lineNo: 17,
      problem: 'amount "12.5" is not a whole number of VND',
    });
    expect(new StatementFormatError(3, 'x', 'entry').message).toBe('entry 3: x');
  });
});
