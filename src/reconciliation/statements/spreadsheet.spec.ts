import { tcbStyle, twoRowHeader, vcbStyle, write } from '../../../test/fixtures/statements/excel.js';
import { bytesStream, collect, failure, vn } from '../../../test/fixtures/statements/helpers.js';
import { detectStatementFormat } from './detect.js';
import { parseSpreadsheetStatement } from './spreadsheet.js';
import type { StatementLine } from './statement-line.js';

const REFS = { paid: 'OC7K4M9P2XG', second: 'OC33F7Q9M28' };
const read = (bytes: Buffer, accountNumber?: string) => collect(parseSpreadsheetStatement(bytesStream(bytes, 4096), { accountNumber }));
const brief = (l: StatementLine) => ({ row: l.lineNo, id: l.bankTransactionId, account: l.accountNumber, at: l.bookedAt, dir: l.direction, vnd: l.amountVnd, memo: l.description });

describe('Excel statements', () => {
  const VCB = [
    { row: 10, id: '5201.20241104.000811', account: '1023456789', at: vn('2024-11-04T09:12:05'), dir: 'in', vnd: 370_000, memo: `MBVCB.7000000811.${REFS.paid}.TRAN THI MAI chuyen tien` },
    { row: 11, id: '5201.20241104.000812', account: '1023456789', at: vn('2024-11-04T14:00:00'), dir: 'out', vnd: 11_000, memo: 'Phi SMS Banking thang 10' },
    { row: 12, id: '5201.20241105.000120', account: '1023456789', at: vn('2024-11-05T08:30:45'), dir: 'in', vnd: 185_000, memo: `IBFT ${REFS.second} cam on` },
  ];

  it.each([
    ['.xlsx', 'xlsx' as const],
    ['.xls (Excel 97–2003)', 'biff8' as const],
  ])('Vietcombank style %s: preamble account, bilingual header cells with line breaks, serial dates, totals after the data', async (_name, bookType) => {
    const bytes = write(vcbStyle(REFS), bookType);
    expect(detectStatementFormat(bytes.subarray(0, 4096), `SaoKe${bookType === 'xlsx' ? '.xlsx' : '.xls'}`)).toBe(bookType === 'xlsx' ? 'xlsx' : 'xls');
    expect((await read(bytes)).map(brief)).toEqual(VCB);
    expect((await read(bytes, '1023456789')).length).toBe(3);
  });

  it('Techcombank style: merged header and data cells over spacer columns, text dates with a second line, "," and "." amounts', async () => {
    const lines = await read(write(tcbStyle(REFS)));
    expect(lines.map(brief)).toEqual([
      { row: 8, id: 'FT24309111111', account: '1023456789', at: vn('2024-11-04T10:15:32'), dir: 'in', vnd: 1_250_000, memo: `${REFS.paid} thanh toan don hang` },
      { row: 9, id: 'FT24310222222', account: '1023456789', at: vn('2024-11-05T16:40:00'), dir: 'out', vnd: 45_000, memo: 'Cuoc van chuyen' },
    ]);
    expect(lines.map((l) => [l.counterpartyName, l.balanceAfterVnd])).toEqual([
      ['PHAM VAN DUC', 3_250_000],
      ['CONG TY VAN TAI AN PHAT', 3_205_000],
    ]);
  });

  it('a header over two rows ("Số tiền" merged over "Ghi nợ" | "Ghi có"), the account in a column', async () => {
    const lines = await read(write(twoRowHeader()));
    expect(lines.map((l) => [l.lineNo, l.direction, l.amountVnd, l.description])).toEqual([
      [4, 'in', 60_000, 'Nop tien mat'],
      [5, 'out', 20_000, 'Rut tien'],
    ]);
  });

  it('errors name the row and what was expected', async () => {
    const other = await failure(parseSpreadsheetStatement(bytesStream(write(vcbStyle(REFS))), { accountNumber: '19031234567012' }));
    expect(other.message).toBe('row 3: the statement is for account 1023456789, not 19031234567012 as requested');
    const wb = vcbStyle(REFS);
    wb.Sheets.SaoKe.E12 = { t: 's', v: '185.000,5' };
    const bad = await failure(parseSpreadsheetStatement(bytesStream(write(wb))));
    expect(bad.message).toBe('row 12: credit amount "185.000,5" is not a whole number of VND');
    const none = await failure(parseSpreadsheetStatement(bytesStream(write({ SheetNames: ['S'], Sheets: { S: { '!ref': 'A1:B2', A1: { t: 's', v: 'hello' }, B2: { t: 'n', v: 3 } } } }))));
    expect(none.message).toMatch(/^row 1: no header row found in any sheet: expected a row naming a date, an amount/);
    const notExcel = await failure(parseSpreadsheetStatement(bytesStream(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]))));
    expect(notExcel.message).toMatch(/^row 1: not a readable Excel workbook/);
  });
});
