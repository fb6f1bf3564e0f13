/**
 * CSV bank statements, streamed through csv-parse: one record in memory at a time. Pure apart
 * from reading the given stream.
 *
 * - Encoding: UTF-8 (BOM optional), UTF-16 with a BOM, a legacy code page (Windows-1258, -1250,
 *   -1252, ISO-8859-1) detected or named (`encoding`); bytes that do not decode fail with their line.
 * - Preamble: lines before the header row (bank name, account, period…) are skipped; an account
 *   number ("Số tài khoản: …") or currency ("Loại tiền: …") found there is used / checked.
 * - Header row: the first line that names a date, an amount and ≥ 3 known columns (see
 *   csv-columns.ts), matched case-, diacritic- and punctuation-insensitively.
 * - Delimiter: `,` `;` tab or `|`, whichever splits the header row into known columns.
 * - Rows without a date and without an amount (blank lines, signatures), totals and
 *   opening/closing balance rows, and repeated header rows are skipped; every other row must be
 *   a valid transaction or the parse fails naming its line.
 */
import { Readable, pipeline } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import { InvalidInput } from '../../common/errors.js';
import {
  type ColumnKey,
  type ColumnMap,
  headerColumns,
  isSummaryRow,
  parseDirectionWord,
  preambleFacts,
} from './csv-columns.js';
import { StatementFormatError, type StatementLine } from './statement-line.js';
import { type ByteSource, type DecodeOptions, TextDecodeProblem, decodeText, destroySource, normalizeNewlines } from './text-stream.js';
import {
  MAX_BALANCE_VND,
  asBankBin,
  parseAccountNumber,
  parseStatementDate,
  parseVndAmountText,
  requestedAccount,
} from './values.js';

export interface CsvStatementOptions extends DecodeOptions {
  /** The account the import is for: used when the file has no account column, checked otherwise. */
  accountNumber?: string;
  /** Force a delimiter instead of detecting it from the header row. */
  delimiter?: ',' | ';' | '\t' | '|';
}

const DELIMITERS = [',', ';', '\t', '|'] as const;
/** How far to look for the header row before giving up. */
const MAX_PREAMBLE_LINES = 200;
const MAX_PREAMBLE_CHARS = 1 << 20;

export async function* parseCsvStatement(
  stream: ByteSource,
  opts: CsvStatementOptions = {},
): AsyncGenerator<StatementLine, void, undefined> {
  const requested = requestedAccount(opts.accountNumber);

  const texts = normalizeNewlines(decodeText(stream, opts))[Symbol.asyncIterator]();
  let parser: ReturnType<typeof parse> | undefined;
  let completed = false;
  try {
    // 1. Read just enough to find the header row, and so the delimiter.
    const head: string[] = [];
    let headText = '';
    let header: { lineNo: number; delimiter: Delimiter } | undefined;
    let ended = false;
    while (header === undefined && !ended) {
      const next = await texts.next();
      if (next.done) ended = true;
      else {
        head.push(next.value);
        headText += next.value;
      }
      const lines = headText.split('\n');
      if (!ended) lines.pop(); // the last line may be incomplete
      header = findHeader(lines.slice(0, MAX_PREAMBLE_LINES), opts.delimiter);
      if (header === undefined && (lines.length >= MAX_PREAMBLE_LINES || headText.length > MAX_PREAMBLE_CHARS)) break;
    }
    if (header === undefined) {
      if (headText.trim() === '') throw new StatementFormatError(1, 'the file is empty');
      throw new StatementFormatError(
        1,
        'no header row found: expected a row naming a date, an amount (or debit/credit) and the description, e.g. ' +
          '"booked_at,amount,direction,description" or "Ngày giao dịch,Số tiền ghi nợ,Số tiền ghi có,Mô tả"',
      );
    }
    // The preamble: bank name, account, period… Its account and currency are used / checked.
    const state: RowState = { columns: null, requestedAccount: requested, preambleAccount: undefined };
    headText
      .split('\n', header.lineNo - 1)
      .forEach((text, i) => readPreamble(splitCells(text, header.delimiter), i + 1, state));
    headText = '';

    // 2. Replay what was read, then the rest, through csv-parse.
    const replay = async function* (): AsyncGenerator<string> {
      yield* head.splice(0);
      for (;;) {
        const next = await texts.next();
        if (next.done) return;
        yield next.value;
      }
    };
    parser = parse({
      delimiter: header.delimiter,
      from_line: header.lineNo, // csv-parse counts columns from its first record: start at the header
      record_delimiter: '\n',
      relax_column_count: true,
      relax_quotes: true,
      ltrim: true,
      rtrim: true,
      max_record_size: 1_000_000,
      // Empty lines come through as [""] and are counted below: cheaper than csv-parse's `info`.
      skip_empty_lines: false,
    });
    pipeline(Readable.from(replay(), { objectMode: false, highWaterMark: 64 * 1024 }), parser, () => {
      // Errors surface through the parser's iterator below.
    });

    let lineNo = header.lineNo;
    for await (const record of parser as AsyncIterable<string[]>) {
      const line = toStatementLine(record, lineNo, state);
      lineNo += 1 + lineBreaks(record);
      if (line) yield line;
    }
    if (state.columns === null) throw new StatementFormatError(1, 'no header row found');
    completed = true;
  } catch (err) {
    throw asStatementError(err);
  } finally {
    if (!completed) {
      // Stopped early (an error, or the consumer broke off): release the file.
      parser?.destroy();
      destroySource(stream);
    }
  }
}

/** Line breaks inside a record's quoted fields (line ends were normalised to "\n" before parsing). */
function lineBreaks(record: string[]): number {
  let n = 0;
  for (const field of record) {
    for (let i = field.indexOf('\n'); i >= 0; i = field.indexOf('\n', i + 1)) n++;
  }
  return n;
}

function asStatementError(err: unknown): unknown {
  if (err instanceof StatementFormatError || err instanceof InvalidInput) return err;
  if (err instanceof TextDecodeProblem) return new StatementFormatError(err.line, err.problem);
  const csv = err as Partial<CsvError> & { lines?: number };
  if (typeof csv.code === 'string' && csv.code.startsWith('CSV_')) {
    const problem = csv.message?.replace(/ at line \d+.*$/s, '') ?? csv.code;
    return new StatementFormatError(csv.lines ?? 1, `malformed CSV: ${problem}`);
  }
  return err;
}

/** Naive split (quotes respected) for header detection only. */
function splitCells(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') {
      if (quoted && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = !quoted;
    } else if (ch === delimiter && !quoted) {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

type Delimiter = NonNullable<CsvStatementOptions['delimiter']>;

/** The first line that reads as a header row with one of the delimiters (or the forced one). */
function findHeader(lines: string[], forced: Delimiter | undefined): { lineNo: number; delimiter: Delimiter } | undefined {
  for (let i = 0; i < lines.length; i++) {
    for (const delimiter of forced ? [forced] : DELIMITERS) {
      if (lines[i].includes(delimiter) && headerColumns(splitCells(lines[i], delimiter).map((c) => c.trim()))) {
        return { lineNo: i + 1, delimiter };
      }
    }
  }
  return undefined;
}

/** What reading the rows of a table (CSV lines, spreadsheet rows) carries from row to row. */
export interface RowState {
  columns: ColumnMap | null;
  requestedAccount: string | undefined;
  preambleAccount: string | undefined;
  /** What positions count in errors: 'line' (CSV) or 'row' (spreadsheets). */
  unit?: 'line' | 'row';
}

/** A row above the header: its account is used (and checked against the request), its currency checked. */
export function readPreamble(cells: string[], lineNo: number, state: RowState): void {
  const facts = preambleFacts(cells);
  if (facts.currency && facts.currency !== 'VND') {
    throw new StatementFormatError(lineNo, `the statement is in ${facts.currency}, not VND`, state.unit);
  }
  if (facts.account && state.preambleAccount === undefined) {
    state.preambleAccount = facts.account;
    if (state.requestedAccount && facts.account !== state.requestedAccount) {
      throw new StatementFormatError(
        lineNo,
        `the statement is for account ${facts.account}, not ${state.requestedAccount} as requested`,
        state.unit,
      );
    }
  }
}

/**
 * One row of the table: the header row (when `state.columns` is null), a transaction, or null for
 * rows that are not transactions (blank, notes, totals, opening/closing balances, a repeated
 * header). Anything else that is not a valid transaction fails naming its line or row.
 */
export function toStatementLine(record: string[], lineNo: number, state: RowState): StatementLine | null {
  const cells = record.map((c) => c.trim());
  if (cells.every((c) => c === '')) return null;
  const fail = (problem: string): never => {
    throw new StatementFormatError(lineNo, problem, state.unit);
  };

  if (state.columns === null) {
    // csv-parse starts at the header line found above.
    state.columns = headerColumns(cells);
    if (state.columns === null) fail('expected the header row here');
    return null;
  }

  const columns = state.columns;
  const cell = (key: ColumnKey): string => {
    const index = columns[key];
    return index === undefined ? '' : (cells[index] ?? '');
  };
  const dateText = cell('booked_at') || cell('value_date') || cell('booked_time');
  const amountCells = [cell('amount'), cell('debit'), cell('credit')];
  // No digit in any amount cell: no amount (a signature or a note under the amount columns).
  const noAmount = amountCells.every((c) => !/\d/.test(c));
  const looksDated = /^\d/.test(dateText);
  if (noAmount && !looksDated) return null; // notes, signatures, blank rows under the table
  if (noAmount || !looksDated) {
    // Not a transaction row by its look: totals, opening/closing balance, header repeated per page.
    if (isSummaryRow(cells) || headerColumns(cells)) return null;
  }

  // When
  let when = dateText;
  const time = cell('booked_time');
  if (time !== '' && when !== time && !/\d:\d/.test(when)) when = `${when} ${time}`;
  if (when === '') fail('date is empty');
  const bookedAt = parseStatementDate(when);
  if (!bookedAt.ok) return fail(bookedAt.problem);

  // How much, which way
  const currency = cell('currency');
  if (currency !== '' && currency.toUpperCase() !== 'VND' && currency.toUpperCase() !== 'VNĐ') {
    fail(`currency "${currency}" is not VND`);
  }
  let direction: 'in' | 'out';
  let amountVnd: number;
  if (columns.amount !== undefined && cell('amount') !== '') {
    const amount = parseVndAmountText(cell('amount'));
    if (!amount.ok) return fail(amount.problem);
    if (amount.value.value === 0) fail('amount is 0');
    amountVnd = amount.value.value;
    const signed = amount.value.sign === 'minus' ? 'out' : amount.value.sign === 'plus' ? 'in' : null;
    if (columns.direction !== undefined) {
      const word = cell('direction');
      const stated = parseDirectionWord(word);
      if (stated === null) {
        return fail(`direction ${JSON.stringify(word)} is not one of in/out, C/D, CR/DR, credit/debit, có/nợ`);
      }
      if (signed !== null && signed !== stated) fail(`amount "${cell('amount')}" contradicts direction "${word}"`);
      direction = stated;
    } else {
      direction = signed ?? 'in';
    }
  } else {
    const debit = parseSide(cell('debit'), 'debit', fail);
    const credit = parseSide(cell('credit'), 'credit', fail);
    if (debit > 0 && credit > 0) fail('both debit and credit amounts are filled');
    if (debit === 0 && credit === 0) fail('no amount: amount, debit and credit are all empty or 0');
    direction = credit > 0 ? 'in' : 'out';
    amountVnd = credit > 0 ? credit : debit;
  }

  // Whose account
  let accountNumber: string;
  const accountCell = cell('account_number');
  if (accountCell !== '') {
    const parsed = parseAccountNumber(accountCell);
    if (!parsed.ok) return fail(parsed.problem);
    accountNumber = parsed.value;
    if (state.requestedAccount && accountNumber !== state.requestedAccount) {
      fail(`account ${accountNumber} is not the requested account ${state.requestedAccount}`);
    }
  } else {
    const known = state.requestedAccount ?? state.preambleAccount;
    if (known === undefined) {
      return fail('no account number: the file has none and the import request named none');
    }
    accountNumber = known;
  }

  const line: StatementLine = {
    lineNo,
    bankTransactionId: cell('transaction_id') || null,
    accountNumber,
    bookedAt: bookedAt.value,
    direction,
    amountVnd,
    description: cell('description'),
  };
  if (cell('counterparty_name')) line.counterpartyName = cell('counterparty_name');
  if (cell('counterparty_account')) line.counterpartyAccount = cell('counterparty_account').replace(/^'/, '');
  const bin = asBankBin(cell('counterparty_bank_bin'));
  if (bin) line.counterpartyBankBin = bin;
  if (cell('balance') !== '') {
    const balance = parseVndAmountText(cell('balance'), 'balance', MAX_BALANCE_VND);
    if (!balance.ok) return fail(balance.problem);
    line.balanceAfterVnd = balance.value.sign === 'minus' ? -balance.value.value : balance.value.value;
  }
  return line;
}

/** A debit or credit cell: empty and "0" both mean "not this side". Signs are ignored. */
function parseSide(text: string, what: 'debit' | 'credit', fail: (problem: string) => never): number {
  if (text === '' || text === '-') return 0;
  const parsed = parseVndAmountText(text, `${what} amount`);
  if (!parsed.ok) return fail(parsed.problem);
  return parsed.value.value;
}
