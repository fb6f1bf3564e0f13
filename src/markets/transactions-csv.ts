/**
 * The CSV batch of stall transactions (POST /markets/:id/transactions/batch). Pure: no NestJS, no
 * I/O; "now" and the market's stalls are parameters.
 *
 * Format (documented in the OpenAPI description of the endpoint):
 * - UTF-8, optional BOM; `,` or `;` as delimiter (whichever the header row uses: spreadsheets in a
 *   Vietnamese locale save with `;`); fields may be quoted ("…", "" for a quote).
 * - A header row naming exactly the columns `stall_code,amount_vnd,method,occurred_at`, in any
 *   order (case-insensitive). Blank lines are skipped.
 * - stall_code: a stall of the market (case-insensitive, as printed: A-12).
 * - amount_vnd: whole VND, digits only (no separators, no decimals), 1 … 1,000,000,000,000.
 * - method: qr | card | cash (case-insensitive).
 * - occurred_at: ISO-8601 date-time. With Z or an offset it is that instant; without one
 *   ("2026-03-01 07:15" or "2026-03-01T07:15:00") it is read as Asia/Ho_Chi_Minh local time (what a
 *   market's spreadsheet holds). Not more than OCCURRED_AT_MAX_SKEW_MS after now.
 * - At most MAX_BATCH_ROWS data rows.
 *
 * Rows are numbered by the line they start on, as a spreadsheet shows them: the header is row 1, the
 * first data row row 2 (blank lines count, as they do in a spreadsheet).
 * Every problem is reported as `{ field: 'row 17.amount_vnd', problem }`; the batch is all or
 * nothing, so one bad row rejects the file.
 */
import { parse } from 'csv-parse/sync';
import type { FieldProblem } from '../common/errors.js';
import { MAX_VND } from '../common/money.js';
import { type StallTxnInput, type StallTxnMethod, STALL_TXN_METHODS } from './stall-transactions.sql.js';

export const MAX_BATCH_ROWS = 50_000;
/** How far in the future (by the server's clock) a transaction time may be: clocks of phones and tills drift. */
export const OCCURRED_AT_MAX_SKEW_MS = 5 * 60_000;
/** Nothing before this is a plausible stall sale (VietQR itself dates from 2021); catches typos like 0226. */
export const OCCURRED_AT_MIN = new Date('2015-01-01T00:00:00Z');
export const MAX_REPORTED_PROBLEMS = 100;
export const CSV_COLUMNS = ['stall_code', 'amount_vnd', 'method', 'occurred_at'] as const;

const ISO_WITH_ZONE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/i;
const ISO_LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?$/;

/**
 * Parses an occurred_at value; a value without zone is Vietnam local time (UTC+7, no DST).
 * Returns the instant or a problem.
 */
export function parseOccurredAt(text: string, now: Date, allowLocal: boolean): { ok: true; value: Date } | { ok: false; problem: string } {
  const withZone = ISO_WITH_ZONE.exec(text);
  const local = withZone ? null : ISO_LOCAL.exec(text);
  if (!withZone && !(local && allowLocal)) {
    return {
      ok: false,
      problem: allowLocal
        ? 'must be an ISO-8601 date-time such as 2026-03-01T07:15:00+07:00, 2026-03-01T00:15:00Z or 2026-03-01 07:15 (Vietnam time)'
        : 'must be an ISO-8601 date-time with Z or an offset, such as 2026-03-01T07:15:00+07:00',
    };
  }
  const m = (withZone ?? local)!;
  const [, y, mo, d, h, mi, s] = m;
  const probe = new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi, s ? +s : 0));
  if (probe.getUTCFullYear() !== +y || probe.getUTCMonth() !== +mo - 1 || probe.getUTCDate() !== +d || +h > 23 || +mi > 59 || (s !== undefined && +s > 59)) {
    return { ok: false, problem: `is not a real date and time: ${text}` };
  }
  const value = withZone ? new Date(text.replace(' ', 'T')) : new Date(`${text.replace(' ', 'T')}${s === undefined ? ':00' : ''}+07:00`);
  if (Number.isNaN(value.getTime())) return { ok: false, problem: `is not a valid date-time: ${text}` };
  return checkOccurredAt(value, now);
}

/** occurredAt may not be later than now + skew, nor before OCCURRED_AT_MIN. */
export function checkOccurredAt(value: Date, now: Date): { ok: true; value: Date } | { ok: false; problem: string } {
  if (value.getTime() > now.getTime() + OCCURRED_AT_MAX_SKEW_MS) {
    return { ok: false, problem: `is in the future (now is ${now.toISOString()}; at most ${OCCURRED_AT_MAX_SKEW_MS / 60_000} minutes ahead is tolerated)` };
  }
  if (value < OCCURRED_AT_MIN) return { ok: false, problem: `is before ${OCCURRED_AT_MIN.toISOString().slice(0, 10)}` };
  return { ok: true, value };
}

export type CsvBatchResult = { ok: true; rows: StallTxnInput[] } | { ok: false; problems: FieldProblem[]; problemCount: number; message: string };

export function parseTransactionsCsv(file: Buffer, ctx: { stallIdByCode: Map<string, string>; now: Date; maxRows?: number }): CsvBatchResult {
  const maxRows = ctx.maxRows ?? MAX_BATCH_ROWS;
  const fileProblem = (problem: string): CsvBatchResult => ({ ok: false, problems: [{ field: 'file', problem }], problemCount: 1, message: `file: ${problem}` });

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(file);
  } catch {
    return fileProblem('is not UTF-8 text (save the spreadsheet as "CSV UTF-8")');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const firstLine = /^[^\S\r\n]*\S.*$/m.exec(text)?.[0] ?? '';
  if (firstLine.trim() === '') return fileProblem(`is empty: expected a header row "${CSV_COLUMNS.join(',')}" and one row per transaction`);
  const delimiter = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';

  let records: string[][];
  let lineOf: number[];
  try {
    const parsed = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true, trim: true, info: true }) as unknown as Array<{
      record: string[];
      info: { lines: number };
    }>;
    records = parsed.map((p) => p.record);
    // The line a record starts on (info.lines is where it ends; a quoted field may span lines).
    lineOf = parsed.map((p) => p.info.lines - p.record.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0));
  } catch (e) {
    const err = e as { lines?: number; message?: string };
    return fileProblem(`is not valid CSV${err.lines ? ` near line ${err.lines}` : ''}: ${err.message ?? String(e)}`);
  }
  const header = (records[0] ?? []).map((h) => h.toLowerCase());
  const missing = CSV_COLUMNS.filter((c) => !header.includes(c));
  const unknown = header.filter((h) => !(CSV_COLUMNS as readonly string[]).includes(h));
  const duplicated = header.filter((h, i) => header.indexOf(h) !== i);
  if (missing.length || unknown.length || duplicated.length) {
    const parts = [
      missing.length ? `missing ${missing.join(', ')}` : '',
      unknown.length ? `unknown ${unknown.map((u) => JSON.stringify(u)).join(', ')}` : '',
      duplicated.length ? `repeated ${duplicated.join(', ')}` : '',
    ].filter(Boolean);
    return {
      ok: false,
      problems: [{ field: `row ${lineOf[0]}`, problem: `the header must name the columns ${CSV_COLUMNS.join(',')} (${parts.join('; ')})` }],
      problemCount: 1,
      message: 'The CSV header is not stall_code,amount_vnd,method,occurred_at',
    };
  }
  const dataRows = records.length - 1;
  if (dataRows === 0) return fileProblem('has a header but no transactions');
  if (dataRows > maxRows) return fileProblem(`has ${dataRows} rows; at most ${maxRows} per batch (split the file)`);

  const col = Object.fromEntries(CSV_COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<(typeof CSV_COLUMNS)[number], number>;
  const problems: FieldProblem[] = [];
  let problemCount = 0;
  const badRows = new Set<number>();
  const report = (row: number, column: string, problem: string) => {
    problemCount += 1;
    badRows.add(row);
    if (problems.length < MAX_REPORTED_PROBLEMS) problems.push({ field: column ? `row ${row}.${column}` : `row ${row}`, problem });
  };
  const rows: StallTxnInput[] = [];
  for (let i = 1; i < records.length; i++) {
    const rec = records[i];
    const rowNo = lineOf[i];
    if (rec.length !== header.length) {
      report(rowNo, '', `has ${rec.length} fields, the header has ${header.length}`);
      continue;
    }
    const code = rec[col.stall_code].toUpperCase();
    const amountText = rec[col.amount_vnd];
    const methodText = rec[col.method].toLowerCase();
    const timeText = rec[col.occurred_at];

    const stallId = code ? ctx.stallIdByCode.get(code) : undefined;
    if (!code) report(rowNo, 'stall_code', 'is empty');
    else if (!stallId) report(rowNo, 'stall_code', `no stall ${code} in this market`);

    let amount = NaN;
    if (!/^\d+$/.test(amountText)) {
      report(rowNo, 'amount_vnd', amountText === '' ? 'is empty' : `"${amountText}" is not a whole number of VND (digits only, no separators or decimals)`);
    } else {
      amount = Number(amountText);
      if (amount < 1 || amount > MAX_VND) report(rowNo, 'amount_vnd', `must be between 1 and ${MAX_VND}`);
    }

    if (!(STALL_TXN_METHODS as string[]).includes(methodText)) report(rowNo, 'method', `"${rec[col.method]}" is not one of ${STALL_TXN_METHODS.join(', ')}`);

    const when = timeText === '' ? ({ ok: false, problem: 'is empty' } as const) : parseOccurredAt(timeText, ctx.now, true);
    if (!when.ok) report(rowNo, 'occurred_at', when.problem);

    if (!badRows.has(rowNo) && stallId && when.ok) {
      rows.push({ stallId, amountVnd: amount, method: methodText as StallTxnMethod, occurredAt: when.value });
    }
  }
  if (problemCount) {
    const shown = problems.length < problemCount ? ` (first ${problems.length} shown)` : '';
    return {
      ok: false,
      problems,
      problemCount,
      message: `${problemCount} problem${problemCount > 1 ? 's' : ''} in ${badRows.size} row${badRows.size > 1 ? 's' : ''}${shown}; nothing was recorded`,
    };
  }
  return { ok: true, rows };
}
