/**
 * Streaming bank-statement parsers (SPEC "Bank transactions and reconciliation"): CSV,
 * ISO 20022 camt.053 / camt.054 and SWIFT MT940, each an async generator of StatementLine over
 * a Node Readable, in bounded memory. Pure: no NestJS, no database.
 */
import { type CamtStatementOptions, parseCamtStatement } from './camt.js';
import { type CsvStatementOptions, parseCsvStatement } from './csv.js';
import { type Mt940StatementOptions, parseMt940Statement } from './mt940.js';
import type { StatementFormat, StatementLine } from './statement-line.js';
import type { ByteSource } from './text-stream.js';

export { parseCamtStatement, type CamtStatementOptions } from './camt.js';
export { parseCsvStatement, type CsvStatementOptions } from './csv.js';
export { COLUMN_ALIASES, type ColumnKey } from './csv-columns.js';
export { DETECT_BYTES, detectStatementFormat } from './detect.js';
export { parseMt940Statement, type Mt940StatementOptions } from './mt940.js';
export {
  StatementFormatError,
  type StatementFormat,
  type StatementLine,
  type StatementPositionUnit,
} from './statement-line.js';
export type { ByteSource } from './text-stream.js';

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
    default:
      throw new Error(`${format} is read by parseSpreadsheetStatement`);
  }
}
