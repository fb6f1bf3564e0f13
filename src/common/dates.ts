/**
 * Calendar checks for dates and instants that reach SQL as `::date` / `::timestamptz`: a shape
 * regex alone lets "2026-02-31" or "2026-13-45T99:00:00Z" through, and PostgreSQL's cast then fails
 * as a 500. Pure.
 */
const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const UTC_INSTANT_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?Z$/;

function isDay(y: number, m: number, d: number): boolean {
  return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** A real calendar day written YYYY-MM-DD (year 0001–9999). */
export function isCalendarDay(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = DAY_RE.exec(s);
  return !!m && isDay(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** A UTC instant as `Date.toISOString()` or PostgreSQL (microseconds) writes it: YYYY-MM-DDTHH:MM:SS[.ffffff]Z. */
export function isUtcInstant(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = UTC_INSTANT_RE.exec(s);
  return !!m && isDay(Number(m[1]), Number(m[2]), Number(m[3])) && Number(m[4]) <= 23 && Number(m[5]) <= 59 && Number(m[6]) <= 59;
}
