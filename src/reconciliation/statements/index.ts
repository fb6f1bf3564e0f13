/**
 * Bank-statement parsers (SPEC "Bank transactions and reconciliation"): CSV, ISO 20022
 * camt.053 / camt.054 and SWIFT MT940 streamed in bounded memory, and Excel workbooks (.xlsx,
 * .xls) read whole up to a size cap; each an async generator of StatementLine over a Node Readable. Pure: no NestJS, no database.
 */
import { type CamtStatementOptions, parseCamtStatement } from './camt.js';
import { type CsvStatementOptions, parseCsvStatement } from './csv.js';
import { type Mt940StatementOptions, parseMt940Statement } from './mt940.js';
import { parseSpreadsheetStatement } from './spreadsheet.js';
import type { StatementFormat, StatementLine } from './statement-line.js';
import type { ByteSource } from './text-stream.js';

export { parseCamtStatement, type CamtStatementOptions } from './camt.js';
export { parseCsvStatement, type CsvStatementOptions } from './csv.js';
export { COLUMN_ALIASES, type ColumnKey } from './csv-columns.js';
export { DETECT_BYTES, detectStatementFormat } from './detect.js';
export { parseMt940Statement, type Mt940StatementOptions } from './mt940.js';
export { MAX_SPREADSHEET_BYTES, parseSpreadsheetStatement, type SpreadsheetStatementOptions } from './spreadsheet.js';
export {
  StatementFormatError,
  type StatementFormat,
  type StatementLine,
  type StatementPositionUnit,
} from './statement-line.js';
export { TEXT_ENCODINGS, type ByteSource, type TextEncoding } from './text-stream.js';

export type StatementOptions = CsvStatementOptions & CamtStatementOptions & Mt940StatementOptions;

/** The parser for `format` (see detectStatementFormat). */
export function parseStatement(
  stream: ByteSource,
  format: StatementFormat,
  opts: StatementOptions = {},
): AsyncGenerator<StatementLine, void, undefined> {
  switch (format) {
    case 'csv':
      return parseCsvStatement(stream, opts);
    case 'camt053':
    case 'camt054':
      return parseCamtStatement(stream, { accountNumber: opts.accountNumber, encoding: opts.encoding });
    case 'mt940':
      return parseMt940Statement(stream, { accountNumber: opts.accountNumber, encoding: opts.encoding });
    case 'xlsx':
    case 'xls':
      return parseSpreadsheetStatement(stream, { accountNumber: opts.accountNumber });
  }
}
