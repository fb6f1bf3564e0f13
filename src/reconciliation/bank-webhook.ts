import { InvalidInput } from '../common/errors.js';

/**
 * A bank-notification timestamp: "YYYY-MM-DD HH:mm:ss" (or with "T") is Vietnam time (UTC+7, no DST),
 * as SePay-style services send it; an explicit offset or Z is honoured.
 */
export function parseVietnamDateTime(s: string, field = 'transactionDate'): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(s.trim());
  if (!m) throw InvalidInput.field(field, 'must be a date-time like 2026-11-27 10:02:37');
  const [, y, mo, d, h, mi, sec, zone] = m;
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${sec ?? '00'}${zone ? (zone === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone) : '+07:00'}`;
  const t = new Date(iso);
  // Date() rolls 2026-02-30 over to March: compare the calendar date back in the stated zone.
  const offsetMs = zone && zone !== 'Z' ? (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2))) * 60_000 : zone ? 0 : 7 * 3600_000;
  if (Number.isNaN(t.getTime()) || new Date(t.getTime() + offsetMs).toISOString().slice(0, 10) !== `${y}-${mo}-${d}`) {
    throw InvalidInput.field(field, 'is not a real date');
  }
  return t;
}
