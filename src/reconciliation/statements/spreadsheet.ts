/**
 * Excel statements (.xlsx, and the older .xls some banks still give): the "sao kê" Vietnamese
 * internet banking exports. Read with SheetJS (npm `@e965/xlsx`, the SheetJS CE 0.20.3 build;
 * see README "Excel statements" for the choice). Pure apart from reading the given stream.
 *
 * A workbook is read whole (it is a zip or an OLE file, not a stream), so its size is capped at
 * MAX_SPREADSHEET_BYTES; the rows then go through the same reader as CSV lines (csv.ts):
 * - the first sheet with a header row is read; the header row is found by the same column names
 *   as CSV (csv-columns.ts), bilingual cells with line breaks included ("Số tiền ghi có/ Credit",
 *   "Ngày GD\nTNX Date"), also when it spans two rows (a merged "Số tiền" over "Nợ" | "Có");
 * - rows above it are the preamble: the account ("Số tài khoản/ Account number: …") when no
 *   column gives it, the currency checked;
 * - merged cells count for every column they cover; empty spacer columns are ignored;
 * - dates are Excel serial numbers (the 1900 or 1904 system, wall-clock time in Vietnam) or text
 *   (`dd/MM/yyyy HH:mm:ss`, …); a date cell's second line (some banks put the reference there)
 *   is not part of the date; amounts are numbers or text with `.`/`,` separators;
 * - totals, opening/closing balance rows and signatures after the data are not transactions.
 * Errors name the spreadsheet row (`row 17: …`).
 */
import * as XLSX from '@e965/xlsx';
import { type ColumnKey, columnKeyOf, headerColumns } from './csv-columns.js';
import { type RowState, readPreamble, toStatementLine } from './csv.js';
import { StatementFormatError, type StatementLine } from './statement-line.js';
import { type ByteSource, destroySource } from './text-stream.js';
import { requestedAccount } from './values.js';

export interface SpreadsheetStatementOptions {
  /** The account the import is for: used when the file names none, checked otherwise. */
  accountNumber?: string;
}

/** Excel holds 1,048,576 rows; a month of a busy account is far below this. */
export const MAX_SPREADSHEET_BYTES = 50 * 1024 * 1024;
/** How far down the header row is looked for. */
const MAX_PREAMBLE_ROWS = 200;
const DATE_COLUMNS: readonly ColumnKey[] = ['booked_at', 'value_date'];

export async function* parseSpreadsheetStatement(
  stream: ByteSource,
  opts: SpreadsheetStatementOptions = {},
): AsyncGenerator<StatementLine, void, undefined> {
  const requested = requestedAccount(opts.accountNumber);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : Buffer.from(chunk);
    size += bytes.length;
    if (size > MAX_SPREADSHEET_BYTES) {
      destroySource(stream);
      throw new StatementFormatError(1, `the workbook is larger than ${MAX_SPREADSHEET_BYTES >> 20} MiB: export the statement as CSV`, 'row');
    }
    chunks.push(bytes);
  }
  let workbook: XLSX.WorkBook;
  try {
    workbook = XLSX.read(Buffer.concat(chunks), { type: 'buffer', cellDates: false, cellHTML: false, cellFormula: false, dense: true });
  } catch (e) {
    throw new StatementFormatError(1, `not a readable Excel workbook (${(e as Error).message.slice(0, 100)})`, 'row');
  }
  const date1904 = workbook.Workbook?.WBProps?.date1904 === true;

  for (const name of workbook.SheetNames) {
    const sheet = workbook.Sheets[name];
    const rows = sheetRows(sheet);
    const header = findHeader(rows);
    if (header === null) continue;
    const state: RowState = { columns: null, requestedAccount: requested, preambleAccount: undefined, unit: 'row' };
    for (let r = 0; r < header.row; r++) readPreamble(rows[r].cells.map(text), rows[r].rowNo, state);
    state.columns = header.columns;
    const dateColumns = new Set(DATE_COLUMNS.map((k) => header.columns[k]).filter((i): i is number => i !== undefined));
    const timeColumn = header.columns.booked_time;
    for (let r = header.row + header.span; r < rows.length; r++) {
      const { cells, rowNo } = rows[r];
      const record = cells.map((v, c) =>
        dateColumns.has(c) ? dateCell(v, date1904) : c === timeColumn && typeof v === 'number' ? timeOfDay(v) : text(v),
      );
      const line = toStatementLine(record, rowNo, state);
      if (line) yield line;
    }
    return;
  }
  throw new StatementFormatError(
    1,
    'no header row found in any sheet: expected a row naming a date, an amount (or debit/credit) and the description, e.g. ' +
      '"Ngày giao dịch | Số tiền ghi nợ | Số tiền ghi có | Mô tả"',
    'row',
  );
}

type Cell = string | number | boolean | Date | null;

interface Row {
  /** 1-based row number in the sheet. */
  rowNo: number;
  cells: Cell[];
}

/** The sheet's rows as values, a merged range's value in every cell it covers. */
function sheetRows(sheet: XLSX.WorkSheet): Row[] {
  const ref = sheet['!ref'];
  if (!ref) return [];
  const range = XLSX.utils.decode_range(ref);
  const values = XLSX.utils.sheet_to_json<Cell[]>(sheet, { header: 1, raw: true, defval: null, blankrows: true });
  const rows: Row[] = values.map((cells, i) => ({ rowNo: range.s.r + i + 1, cells: [...cells] }));
  for (const merge of sheet['!merges'] ?? []) {
    const top = rows[merge.s.r - range.s.r]?.cells[merge.s.c - range.s.c] ?? null;
    for (let r = merge.s.r; r <= merge.e.r; r++) {
      const row = rows[r - range.s.r];
      if (!row) continue;
      for (let c = merge.s.c; c <= merge.e.c; c++) row.cells[c - range.s.c] = top;
    }
  }
  return rows;
}

/** The header row (or two rows: a merged title over its parts), within the first rows. */
function findHeader(rows: Row[]): { row: number; span: 1 | 2; columns: NonNullable<ReturnType<typeof headerColumns>> } | null {
  for (let r = 0; r < Math.min(rows.length, MAX_PREAMBLE_ROWS); r++) {
    const one = rows[r].cells.map(text);
    const columns = headerColumns(one);
    // A title merged over its parts ("Số tiền" over "Ghi nợ" | "Ghi có"): the two rows together,
    // when the row below names columns itself and together they name more.
    const below = r + 1 < rows.length ? rows[r + 1].cells.map(text) : [];
    const names = (cells: string[]) => cells.filter((c) => columnKeyOf(c) !== undefined).length;
    if (names(one) >= 2 && names(below) >= 2) {
      const two = headerColumns(one.map((c, i) => (below[i] && below[i] !== c ? below[i] : c)));
      if (two && (!columns || Object.keys(two).length > Object.keys(columns).length)) return { row: r, span: 2, columns: two };
    }
    if (columns) return { row: r, span: 1, columns };
  }
  return null;
}

function text(v: Cell | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An Excel date cell as `dd/MM/yyyy HH:mm:ss` (serial numbers are Vietnam wall-clock time). */
function dateCell(v: Cell | undefined, date1904: boolean): string {
  if (typeof v === 'number') {
    const parsed = XLSX.SSF.parse_date_code(v, { date1904 });
    if (!parsed || !parsed.y) return String(v);
    return `${pad(parsed.d)}/${pad(parsed.m)}/${parsed.y} ${pad(parsed.H)}:${pad(parsed.M)}:${pad(Math.floor(parsed.S))}`;
  }
  // "31/10/2023\n5243.65937": the date, then the bank's reference on a second line.
  return text(v).split(/\r?\n/)[0].trim();
}

/** A time-of-day cell (a fraction of a day) as `HH:mm:ss`. */
function timeOfDay(v: number): string {
  const seconds = Math.round((v - Math.floor(v)) * 86_400);
  return `${pad(Math.floor(seconds / 3600) % 24)}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
}
