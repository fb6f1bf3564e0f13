/**
 * Statistics arithmetic for 4.0 markets. Pure: no NestJS, no I/O, no clock reads ("today" is a
 * parameter).
 *
 * Days are calendar dates in Asia/Ho_Chi_Minh written `YYYY-MM-DD`; the database rollups are keyed
 * by them. Date arithmetic here treats a date as midnight UTC of that date, which is exact for
 * calendar arithmetic (no DST is involved once the business day is known).
 *
 * Shares are fractions in [0, 1] rounded half-up to 4 decimals (0.6667 = 66.67 %), computed in
 * exact integer arithmetic so that no floating-point error decides the last digit; a share with a
 * zero denominator (no transactions, no stalls) is `null`, not 0.
 */
import type { FieldProblem } from '../common/errors.js';

export type Granularity = 'day' | 'week' | 'month';
export const GRANULARITIES: Granularity[] = ['day', 'week', 'month'];

/** Longest period one statistics request may cover (about three years). */
export const MAX_PERIOD_DAYS = 1100;
/** Period when `from`/`to` are omitted: the 30 days ending today. */
export const DEFAULT_PERIOD_DAYS = 30;
export const SHARE_DECIMALS = 4;
export const TOP_STALLS = 10;

/** Count and value per payment method. */
export interface Counters {
  qrCount: number;
  qrValue: number;
  cardCount: number;
  cardValue: number;
  cashCount: number;
  cashValue: number;
}

export const ZERO: Readonly<Counters> = Object.freeze({ qrCount: 0, qrValue: 0, cardCount: 0, cardValue: 0, cashCount: 0, cashValue: 0 });

export interface Figures {
  qrCount: number;
  qrValueVnd: number;
  cardCount: number;
  cardValueVnd: number;
  cashCount: number;
  cashValueVnd: number;
  /** qr + card. */
  cashlessCount: number;
  cashlessValueVnd: number;
  transactionCount: number;
  valueVnd: number;
  /** cashlessCount / transactionCount, 4 decimals; null without transactions. */
  cashlessShareByCount: number | null;
  /** cashlessValueVnd / valueVnd, 4 decimals; null without transactions. */
  cashlessShareByValue: number | null;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** True for a real calendar date written YYYY-MM-DD (2026-02-30 is not). */
export function isIsoDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function toTime(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

function fromTime(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return fromTime(toTime(day) + n * DAY_MS);
}

/** Days from `a` to `b` (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((toTime(b) - toTime(a)) / DAY_MS);
}

/** First day of the month of `day`. */
export function monthStart(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

/** Last day of the month of `day`. */
export function monthEnd(day: string): string {
  const d = new Date(toTime(monthStart(day)));
  d.setUTCMonth(d.getUTCMonth() + 1);
  return fromTime(d.getTime() - DAY_MS);
}

export function addMonths(month: string, n: number): string {
  const d = new Date(toTime(monthStart(month)));
  d.setUTCMonth(d.getUTCMonth() + n);
  return fromTime(d.getTime());
}

/** ISO 8601 week of a date: Monday-based, week 1 holds the year's first Thursday. */
export function isoWeek(day: string): { year: number; week: number; monday: string } {
  const t = toTime(day);
  const dow = (new Date(t).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const monday = t - dow * DAY_MS;
  const thursday = monday + 3 * DAY_MS;
  const year = new Date(thursday).getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  const week = Math.floor((thursday - jan1) / DAY_MS / 7) + 1;
  return { year, week, monday: fromTime(monday) };
}

export interface Bucket {
  /** "2026-03-01" (day), "2026-W09" (ISO week), "2026-03" (month). */
  period: string;
  /** First and last day of the bucket inside the requested period (edges are clipped). */
  from: string;
  to: string;
}

/** The bucket holding `day`, unclipped. */
export function bucketOf(day: string, granularity: Granularity): Bucket {
  if (granularity === 'day') return { period: day, from: day, to: day };
  if (granularity === 'month') return { period: day.slice(0, 7), from: monthStart(day), to: monthEnd(day) };
  const w = isoWeek(day);
  return { period: `${w.year}-W${String(w.week).padStart(2, '0')}`, from: w.monday, to: addDays(w.monday, 6) };
}

/** Every bucket of [from, to] in order, clipped to the period. */
export function bucketsOf(from: string, to: string, granularity: Granularity): Bucket[] {
  const out: Bucket[] = [];
  let day = from;
  while (day <= to) {
    const b = bucketOf(day, granularity);
    out.push({ period: b.period, from: day, to: b.to < to ? b.to : to });
    day = addDays(b.to, 1);
  }
  return out;
}

/**
 * How to read [from, to] from rollups with as few rows as possible. Whole calendar months come from
 * the monthly rollups. A partial month at either end is read from the daily rollups either as the
 * days inside the period (added) or, when fewer, as the whole month from the monthly rollup minus
 * the days of that month outside the period (subtracted): exact, because a monthly row is the sum
 * of its daily rows. The last 27 days of a year-long period ending on the 27th thus cost the 3
 * remaining days of the month (usually still empty) instead of 27.
 */
export interface PeriodPlan {
  /** Contiguous months (their 1st days) added whole from monthly rollups; null when none. */
  months: { from: string; to: string } | null;
  /** Day ranges added from daily rollups. */
  dayRanges: Array<{ from: string; to: string }>;
  /** Day ranges subtracted (days of a month counted whole that lie outside the period). */
  minusDayRanges: Array<{ from: string; to: string }>;
}

export function planPeriod(from: string, to: string): PeriodPlan {
  const dayRanges: Array<{ from: string; to: string }> = [];
  const minusDayRanges: Array<{ from: string; to: string }> = [];
  const days = (a: string, b: string) => daysBetween(a, b) + 1;
  const firstMonth = monthStart(from);
  const lastMonth = monthStart(to);
  // Months used whole: the middle ones and possibly either end, so always contiguous.
  const used: string[] = [];
  const useMonth = (m: string) => used.push(m);
  const months = () => (used.length ? { from: used.reduce((a, b) => (a < b ? a : b)), to: used.reduce((a, b) => (a > b ? a : b)) } : null);

  if (firstMonth === lastMonth) {
    const inside = days(from, to);
    const outside = days(firstMonth, monthEnd(from)) - inside;
    if (outside === 0 || outside < inside) {
      useMonth(firstMonth);
      if (from > firstMonth) minusDayRanges.push({ from: firstMonth, to: addDays(from, -1) });
      if (to < monthEnd(to)) minusDayRanges.push({ from: addDays(to, 1), to: monthEnd(to) });
    } else {
      dayRanges.push({ from, to });
    }
    return { months: months(), dayRanges, minusDayRanges };
  }

  // First month: [from, its end].
  if (from === firstMonth) useMonth(firstMonth);
  else if (days(firstMonth, addDays(from, -1)) < days(from, monthEnd(from))) {
    useMonth(firstMonth);
    minusDayRanges.push({ from: firstMonth, to: addDays(from, -1) });
  } else dayRanges.push({ from, to: monthEnd(from) });
  // Whole months in between.
  for (let m = addMonths(firstMonth, 1); m < lastMonth; m = addMonths(m, 1)) useMonth(m);
  // Last month: [its 1st day, to].
  if (to === monthEnd(to)) useMonth(lastMonth);
  else if (days(addDays(to, 1), monthEnd(to)) < days(lastMonth, to)) {
    useMonth(lastMonth);
    minusDayRanges.push({ from: addDays(to, 1), to: monthEnd(to) });
  } else dayRanges.push({ from: lastMonth, to });

  return { months: months(), dayRanges, minusDayRanges };
}

/**
 * [from, to] as whole calendar months plus the days of the partial months at either end, without
 * subtraction: for sets (which stalls sold), where a month minus some days is not defined.
 */
export interface PeriodCover {
  /** Contiguous months (their 1st days) inside the period; null when none is whole. */
  months: { from: string; to: string } | null;
  /** Day ranges before and after those months (or the whole period when no month is whole). */
  dayRanges: Array<{ from: string; to: string }>;
}

export function coverPeriod(from: string, to: string): PeriodCover {
  const firstWhole = from === monthStart(from) ? from : addMonths(from, 1);
  const lastWhole = to === monthEnd(to) ? monthStart(to) : addMonths(to, -1);
  if (firstWhole > lastWhole) return { months: null, dayRanges: [{ from, to }] };
  const dayRanges: Array<{ from: string; to: string }> = [];
  if (from < firstWhole) dayRanges.push({ from, to: addDays(firstWhole, -1) });
  const afterMonths = addDays(monthEnd(lastWhole), 1);
  if (afterMonths <= to) dayRanges.push({ from: afterMonths, to });
  return { months: { from: firstWhole, to: lastWhole }, dayRanges };
}

/**
 * `n / d` rounded half-up to `decimals` places; null when d = 0. Exact for any safe integers:
 * floor((2·n·10^decimals + d) / 2d), in integer arithmetic on Numbers while every intermediate
 * stays below 2^53 (the usual case, fast), with BigInt beyond.
 */
export function share(n: number, d: number, decimals = SHARE_DECIMALS): number | null {
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(d) || n < 0 || d < 0) throw new RangeError(`share(${n}, ${d}): non-negative integers only`);
  if (d === 0) return null;
  const scale = 10 ** decimals;
  const num = n * scale * 2 + d; // ≥ 2^53 (and so above MAX_SAFE_INTEGER) whenever the exact value is
  if (num <= Number.MAX_SAFE_INTEGER && Number.isSafeInteger(scale)) {
    const den = 2 * d;
    return (num - (num % den)) / den / scale; // % and the division of its multiple are exact on integers < 2^53
  }
  const bigScale = 10n ** BigInt(decimals);
  const q = (BigInt(n) * bigScale * 2n + BigInt(d)) / (2n * BigInt(d));
  return Number(q) / Number(bigScale);
}

export function addCounters(a: Counters, b: Counters): Counters {
  return {
    qrCount: a.qrCount + b.qrCount,
    qrValue: a.qrValue + b.qrValue,
    cardCount: a.cardCount + b.cardCount,
    cardValue: a.cardValue + b.cardValue,
    cashCount: a.cashCount + b.cashCount,
    cashValue: a.cashValue + b.cashValue,
  };
}

export function sumCounters(rows: Iterable<Counters>): Counters {
  let acc: Counters = { ...ZERO };
  for (const r of rows) acc = addCounters(acc, r);
  return acc;
}

export function cashlessCount(c: Counters): number {
  return c.qrCount + c.cardCount;
}

export function cashlessValue(c: Counters): number {
  return c.qrValue + c.cardValue;
}

/** Counters → the published figures with totals and shares. */
export function figures(c: Counters): Figures {
  const cashlessN = cashlessCount(c);
  const cashlessV = cashlessValue(c);
  const n = cashlessN + c.cashCount;
  const v = cashlessV + c.cashValue;
  return {
    qrCount: c.qrCount,
    qrValueVnd: c.qrValue,
    cardCount: c.cardCount,
    cardValueVnd: c.cardValue,
    cashCount: c.cashCount,
    cashValueVnd: c.cashValue,
    cashlessCount: cashlessN,
    cashlessValueVnd: cashlessV,
    transactionCount: n,
    valueVnd: v,
    cashlessShareByCount: share(cashlessN, n),
    cashlessShareByValue: share(cashlessV, v),
  };
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` date (no Date object, no string allocation). */
function dayNumber(day: string): number {
  const y = +day.slice(0, 4);
  const m = +day.slice(5, 7);
  const d = +day.slice(8, 10);
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

/** Daily rows → one zero-filled entry per bucket of [from, to], with figures. */
export function buildSeries(
  days: Array<{ day: string } & Counters>,
  from: string,
  to: string,
  granularity: Granularity,
): Array<Bucket & Figures> {
  const buckets = bucketsOf(from, to, granularity);
  // Day offset in the period → bucket index, walking the buckets once.
  const start = dayNumber(from);
  const bucketOfDay = new Int32Array(dayNumber(to) - start + 1);
  let day = 0;
  buckets.forEach((b, i) => {
    for (const last = dayNumber(b.to) - start; day <= last; day++) bucketOfDay[day] = i;
  });
  const acc: Counters[] = buckets.map(() => ({ ...ZERO }));
  for (const d of days) {
    const offset = dayNumber(d.day) - start;
    if (offset < 0 || offset >= bucketOfDay.length) continue;
    const a = acc[bucketOfDay[offset]];
    a.qrCount += d.qrCount;
    a.qrValue += d.qrValue;
    a.cardCount += d.cardCount;
    a.cardValue += d.cardValue;
    a.cashCount += d.cashCount;
    a.cashValue += d.cashValue;
  }
  return buckets.map((b, i) => Object.assign(b, figures(acc[i])));
}

export interface StallRow extends Counters {
  stallId: string;
  code: string;
}

/** Top `n` stalls by cashless value (then cashless count, then code); stalls without cashless sales are left out. */
export function topStalls<T extends StallRow>(rows: T[], n = TOP_STALLS): T[] {
  return rows
    .filter((r) => cashlessValue(r) > 0)
    .sort((a, b) => cashlessValue(b) - cashlessValue(a) || cashlessCount(b) - cashlessCount(a) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
    .slice(0, n);
}

export interface RankInput extends Counters {
  marketId: string;
  name: string;
}

/**
 * Markets ranked by cashless share by value, then by count, then cashless value (all descending),
 * then name. Markets without transactions (shares null) come last. Equal shares (value and count)
 * share a rank, competition style (1, 2, 2, 4).
 */
export function rankMarkets<T extends RankInput>(rows: T[]): Array<T & { rank: number; figures: Figures }> {
  const withFigures = rows.map((r) => ({ ...r, figures: figures(r) }));
  const key = (s: number | null) => (s === null ? -1 : s);
  withFigures.sort(
    (a, b) =>
      key(b.figures.cashlessShareByValue) - key(a.figures.cashlessShareByValue) ||
      key(b.figures.cashlessShareByCount) - key(a.figures.cashlessShareByCount) ||
      b.figures.cashlessValueVnd - a.figures.cashlessValueVnd ||
      a.name.localeCompare(b.name, 'vi') ||
      (a.marketId < b.marketId ? -1 : 1),
  );
  let rank = 0;
  return withFigures.map((r, i) => {
    const prev = withFigures[i - 1];
    const tie =
      prev !== undefined &&
      prev.figures.cashlessShareByValue === r.figures.cashlessShareByValue &&
      prev.figures.cashlessShareByCount === r.figures.cashlessShareByCount;
    if (!tie) rank = i + 1;
    return { ...r, rank };
  });
}

/**
 * Validates `from`/`to` (YYYY-MM-DD, Vietnam business days, both inclusive). Defaults: `to` = today,
 * `from` = 29 days before `to` (30 days). `from` ≤ `to`, at most MAX_PERIOD_DAYS days. A `to` after
 * today is allowed (a whole-month view of the current month); those days simply hold nothing yet.
 */
export function resolvePeriod(
  input: { from?: string; to?: string },
  today: string,
): { ok: true; from: string; to: string } | { ok: false; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  for (const f of ['from', 'to'] as const) {
    const v = input[f];
    if (v !== undefined && !isIsoDate(v)) problems.push({ field: f, problem: 'must be a date YYYY-MM-DD' });
  }
  if (problems.length) return { ok: false, problems };
  const to = input.to ?? today;
  const from = input.from ?? addDays(to, -(DEFAULT_PERIOD_DAYS - 1));
  if (from > to) problems.push({ field: 'from', problem: `must not be after to (${to})` });
  else if (daysBetween(from, to) + 1 > MAX_PERIOD_DAYS) problems.push({ field: 'to', problem: `the period may cover at most ${MAX_PERIOD_DAYS} days` });
  return problems.length ? { ok: false, problems } : { ok: true, from, to };
}
