/**
 * CSV output (RFC 4180): fields with a delimiter, quote or line break are quoted, quotes doubled,
 * lines end with CRLF. No CSV writer ships with the project (csv-parse only parses), and this is all
 * the statistics exports need. Pure.
 *
 * Text cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) get a
 * leading apostrophe (OWASP "CSV injection"); numbers are written as they are.
 */
export type CsvValue = string | number | boolean | null | undefined;

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const s = FORMULA_START.test(v) ? `'${v}` : v;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** Header then rows, one line at a time (for Readable.from). A UTF-8 BOM first, so Excel reads Vietnamese text right. */
export function* csvLines<T>(columns: Array<{ header: string; value: (row: T) => CsvValue }>, rows: Iterable<T>): Generator<string> {
  yield `\uFEFF${csvLine(columns.map((c) => c.header))}`;
  for (const r of rows) yield csvLine(columns.map((c) => c.value(r)));
}
