/** vi-VN formats: 370.000 ₫, 1.234, 85,1%, 27/11/2026, 14:05 27/11/2026 (Asia/Ho_Chi_Minh). */
export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

const vnd = new Intl.NumberFormat('vi-VN', { style: 'currency', currency: 'VND' });
const num = new Intl.NumberFormat('vi-VN');
const pct = new Intl.NumberFormat('vi-VN', { style: 'percent', maximumFractionDigits: 1 });
const compact = new Intl.NumberFormat('vi-VN', { notation: 'compact', maximumFractionDigits: 1 });
const dateTime = new Intl.DateTimeFormat('vi-VN', { hour: '2-digit', minute: '2-digit', day: '2-digit', month: '2-digit', year: 'numeric', timeZone: TIME_ZONE });
const dayFmt = new Intl.DateTimeFormat('vi-VN', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' });
const ymd = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: TIME_ZONE });

/** 370000 → "370.000 ₫" (Intl puts a no-break space before ₫). */
export const money = (n: number): string => vnd.format(n);
export const count = (n: number): string => num.format(n);
/** A fraction 0–1 (null: no data) → "85,1%" or "—". */
export const percent = (f: number | null | undefined): string => (f === null || f === undefined ? '—' : pct.format(f));
/** 1250000 → "1,3 Tr" (chart axes). */
export const compactNumber = (n: number): string => compact.format(n);
/** An ISO instant → "14:05 27/11/2026" in Vietnam time. */
export const dateTimeVn = (iso: string): string => dateTime.format(new Date(iso));
/** A calendar date "2026-03-01" → "01/03/2026". */
export const calendarDate = (d: string): string => dayFmt.format(new Date(`${d}T00:00:00Z`));
/** Today (or `at`) as YYYY-MM-DD in Vietnam. */
export const vnDay = (at: Date = new Date()): string => ymd.format(at);

/** YYYY-MM-DD plus n days (calendar arithmetic in UTC, no time zone involved). */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Milliseconds → "14:05" or "1:02:03"; never negative. */
export function countdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  const two = (x: number) => String(x).padStart(2, '0');
  return hh ? `${hh}:${two(mm)}:${two(ss)}` : `${two(mm)}:${two(ss)}`;
}
