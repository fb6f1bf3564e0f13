/**
 * Field parsers shared by the statement formats: VND amounts, dates, account numbers. Pure.
 * Each returns either a value or a `problem` phrased for an error message.
 */
import { InvalidInput } from '../../common/errors.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

/** 1e12 VND: far above any real transfer, far below 2^53. */
export const MAX_STATEMENT_VND = 1_000_000_000_000;
/** Balances are only bounded by exact integer arithmetic. */
export const MAX_BALANCE_VND = Number.MAX_SAFE_INTEGER;

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(problem: string): Parsed<T> => ({ ok: false, problem });

export interface ParsedAmount {
  /** Absolute value, integer VND. */
  value: number;
  /** The text carried an explicit sign: '-' / '(…)' → 'minus', '+' → 'plus'. */
  sign: 'plus' | 'minus' | null;
}

// Currency markers around amounts in Vietnamese exports: "1.250.000 VND", "1.250.000đ", "₫".
const VND_MARK = /(vnđ|vnd|đồng|đ|₫)/giu;
const NUMBERISH = /^[+\-(]?[\d.,' \u00A0\u202F\u2009]+\)?-?$/;
const OTHER_CURRENCY = /^([A-Za-z]{3})\s*(.+)$|^(.+?)\s*([A-Za-z]{3})$/;
const PLAIN = /^(?:\d{1,13}|[1-9]\d{0,2}(?:,\d{3}){1,4}|[1-9]\d{0,2}(?:\.\d{3}){1,4})$/;
const SPACES = /[' \u00A0\u202F\u2009]/g;
// Thousands grouped by spaces (incl. NBSP, narrow NBSP, thin space) or an apostrophe.
const SPACE_GROUPED = /^[1-9]\d{0,2}([' \u00A0\u202F\u2009]\d{3})+$/;

/**
 * A VND amount as banks print it: "1250000", "1.250.000", "1,250,000", "1 250 000",
 * "1.250.000 VND", "1.250.000đ", "+1,250,000", "-500.000", "(500,000)", "500.000-",
 * "1,250,000 CR", "500,000 DR", "1.250.000,00", "1,250,000.00", "1250000.00".
 * A '.' or ',' that groups digits by three after a 1–3 digit head is a thousands separator (VND
 * has no minor unit, so "1.250" is 1250); otherwise it is a decimal mark and the fraction must be
 * zero: "12.5" → not a whole number of VND. Any currency other than VND is refused. Zero is
 * returned as 0: callers decide whether it is allowed.
 */
export function parseVndAmountText(raw: string, what = 'amount', max = MAX_STATEMENT_VND): Parsed<ParsedAmount> {
  const trimmed = raw.trim();
  if (PLAIN.test(trimmed)) {
    // Fast path for the common shapes: "1250000", "1,250,000", "1.250.000".
    const value = Number(trimmed.length > 3 && !/^\d+$/.test(trimmed) ? trimmed.replace(/[.,]/g, '') : trimmed);
    if (value <= max) return ok({ value, sign: null });
  }
  const quoted = JSON.stringify(trimmed);
  const nan = fail<ParsedAmount>(`${what} ${quoted} is not a number`);
  if (trimmed === '') return fail(`${what} is empty`);
  let s = trimmed.replace(VND_MARK, ' ').trim();
  const foreign = OTHER_CURRENCY.exec(s);
  if (foreign) {
    const code = foreign[1] ?? foreign[4];
    const rest = foreign[2] ?? foreign[3];
    return NUMBERISH.test(rest.trim()) ? fail(`${what} ${quoted} is in ${code.toUpperCase()}, not VND`) : nan;
  }

  let sign: ParsedAmount['sign'] = null;
  const crdr = /\s*\b(CR|DR)$/i.exec(s);
  if (crdr && crdr.index > 0) {
    sign = crdr[1].toUpperCase() === 'CR' ? 'plus' : 'minus'; // "1,250,000 CR", "500,000 Dr"
    s = s.slice(0, crdr.index);
    if (!/^\d/.test(s)) return nan;
  }
  if (s.startsWith('(') && s.endsWith(')')) {
    sign = 'minus'; // accounting negative
    s = s.slice(1, -1).trim();
  } else if (s.startsWith('+') || s.startsWith('-')) {
    sign = s[0] === '-' ? 'minus' : 'plus';
    s = s.slice(1).trim();
  } else if (s.endsWith('-')) {
    sign = 'minus'; // "500.000-": trailing minus of some core-banking exports
    s = s.slice(0, -1).trim();
  }
  if (!/^\d/.test(s) || !/\d$/.test(s)) return nan;

  let integerPart: string;
  let fraction = '';
  const dots = s.split('.').length - 1;
  const commas = s.split(',').length - 1;
  if (dots > 0 && commas > 0) {
    // Both marks: the last one is the decimal mark, the other groups thousands.
    const decimalMark = s.lastIndexOf('.') > s.lastIndexOf(',') ? '.' : ',';
    const groupMark = decimalMark === '.' ? ',' : '.';
    if ((decimalMark === '.' ? dots : commas) > 1) return nan;
    const at = s.lastIndexOf(decimalMark);
    fraction = s.slice(at + 1);
    if (!/^\d+$/.test(fraction) || !groupedBy(s.slice(0, at), groupMark)) return nan;
    integerPart = s.slice(0, at).split(groupMark).join('');
  } else if (dots > 0 || commas > 0) {
    const mark = dots > 0 ? '.' : ',';
    if (groupedBy(s, mark)) {
      integerPart = s.split(mark).join(''); // "1.250.000", "1,250", "1.250"
    } else if (dots + commas === 1) {
      [integerPart, fraction] = s.split(mark); // "12.5", "1250000.00", "1 250 000,00"
      if (!/^\d+$/.test(fraction)) return nan;
    } else {
      return nan; // "1.25.000"
    }
  } else {
    integerPart = s;
  }
  if (!/^\d+$/.test(integerPart)) {
    if (!SPACE_GROUPED.test(integerPart)) return nan;
    integerPart = integerPart.replace(SPACES, '');
  }
  if (/[1-9]/.test(fraction)) return fail(`${what} ${quoted} is not a whole number of VND`);
  const value = Number(integerPart);
  if (!Number.isSafeInteger(value) || value > max) return fail(`${what} ${quoted} exceeds ${formatVndPlain(max)} VND`);
  return ok({ value, sign });
}

/** "1.250.000" (mark '.'): a 1–3 digit head without a leading zero, then groups of exactly three. */
function groupedBy(s: string, mark: string): boolean {
  const [head, ...rest] = s.split(mark);
  return rest.length > 0 && /^[1-9]\d{0,2}$/.test(head) && rest.every((g) => /^\d{3}$/.test(g));
}

/**
 * xs:decimal as ISO 20022 and MT940 write it ("1250000", "1250000.00"; MT940 "1250000,"),
 * which must be a positive whole number of VND. `decimalMark` is '.' for camt and ',' for MT940.
 */
export function parseDecimalVnd(
  raw: string,
  decimalMark: '.' | ',',
  what = 'amount',
  max = MAX_STATEMENT_VND,
): Parsed<number> {
  const s = raw.trim();
  const quoted = JSON.stringify(s);
  const re = decimalMark === '.' ? /^(\d+)(?:\.(\d*))?$/ : /^(\d+)(?:,(\d*))?$/;
  const m = re.exec(s);
  if (!m) return fail(`${what} ${quoted} is not a number`);
  if (/[1-9]/.test(m[2] ?? '')) return fail(`${what} ${quoted} is not a whole number of VND`);
  const value = Number(m[1]);
  if (!Number.isSafeInteger(value) || value > max) return fail(`${what} ${quoted} exceeds ${formatVndPlain(max)} VND`);
  return ok(value);
}

/** Offset of Asia/Ho_Chi_Minh: +07:00 all year (no daylight saving since 1975). */
const VN_OFFSET_MINUTES = 7 * 60;

/**
 * A wall-clock time with an offset (minutes east of UTC; Vietnam when omitted) as a Date, or null
 * when a field is out of range (31/02, 24:00, …).
 */
export function dateAt(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  millisecond = 0,
  offsetMinutes = VN_OFFSET_MINUTES,
): Date | null {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  const check = new Date(utc);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return new Date(utc - offsetMinutes * 60_000);
}

const DMY = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Dates as statements write them: "dd/MM/yyyy", "dd/MM/yyyy HH:mm[:ss]" (also with '-' or '.'),
 * and ISO 8601 ("2024-03-01", "2024-03-01T08:15:22", "2024-03-01T08:15:22+07:00", "…Z").
 * Without a zone the time is Vietnam's (+07:00); a bare date is midnight there.
 */
export function parseStatementDate(raw: string, what = 'date'): Parsed<Date> {
  const s = raw.trim();
  const bad = fail<Date>(
    `${what} ${JSON.stringify(s)} is not a valid date (expected dd/MM/yyyy, dd/MM/yyyy HH:mm:ss or ISO 8601)`,
  );
  if (s === '') return fail(`${what} is empty`);
  let m = DMY.exec(s);
  if (m) {
    const d = dateAt(+m[3], +m[2], +m[1], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
    return d ? ok(d) : bad;
  }
  m = ISO.exec(s);
  if (m) {
    let offset = VN_OFFSET_MINUTES;
    if (m[8]) {
      if (m[8].toUpperCase() === 'Z') offset = 0;
      else {
        const z = m[8].replace(':', '');
        const minutes = +z.slice(1, 3) * 60 + +z.slice(3, 5);
        offset = z[0] === '-' ? -minutes : minutes;
      }
    }
    const ms = m[7] ? Math.floor(+`0.${m[7]}` * 1000) : 0;
    const d = dateAt(+m[1], +m[2], +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), ms, offset);
    return d ? ok(d) : bad;
  }
  return bad;
}

/**
 * An account number as digits: spaces, dots and dashes dropped; Excel's protective leading
 * apostrophe or "=" wrapping removed. Anything else (letters, an IBAN) is refused.
 */
export function parseAccountNumber(raw: string, what = 'account number'): Parsed<string> {
  const s = raw
    .trim()
    .replace(/^="?|"$/g, '')
    .replace(/^'/, '')
    .replace(/[\s.\-\u00A0]/g, '');
  if (s === '') return fail(`${what} is empty`);
  if (!/^\d{4,30}$/.test(s)) return fail(`${what} ${JSON.stringify(raw.trim())} is not an account number (digits only)`);
  return ok(s);
}

/**
 * An IBAN ("NL91ABNA0417164300", spaces allowed) checked with its ISO 13616 mod-97 digits,
 * upper-cased without spaces.
 */
export function parseIban(raw: string): Parsed<string> {
  const s = raw.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(s)) return fail(`${JSON.stringify(raw.trim())} is not an IBAN`);
  const rearranged = s.slice(4) + s.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const digits = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  }
  if (remainder !== 1) return fail(`IBAN ${JSON.stringify(raw.trim())} has wrong check digits`);
  return ok(s);
}

/**
 * A statement's IBAN as its account: the requested domestic account when the IBAN ends with it
 * (an IBAN's tail is the domestic account number), else the IBAN itself.
 */
export function ibanAccount(raw: string, requested: string | undefined): Parsed<string> {
  const iban = parseIban(raw);
  if (!iban.ok || requested === undefined) return iban;
  const tail = iban.value.slice(4).replace(/\D/g, '').replace(/^0+/, '');
  return ok(tail.endsWith(requested.replace(/^0+/, '')) ? requested : iban.value);
}

/** The account an import request names (option `accountNumber`), as digits; 400 if malformed. */
export function requestedAccount(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const parsed = parseAccountNumber(raw);
  if (!parsed.ok) throw InvalidInput.field('accountNumber', parsed.problem);
  return parsed.value;
}

/** 970436 → "970436" if it is a 6-digit NAPAS bank BIN, else undefined. */
export function asBankBin(raw: string | undefined): string | undefined {
  const s = raw?.trim();
  return s && /^\d{6}$/.test(s) ? s : undefined;
}

/** "1,250,000" for messages. */
export function formatVndPlain(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
