/**
 * OCOP certification rules. Pure: no NestJS, no I/O, no clock (today is a parameter).
 *
 * - Six product groups (Decision 148/QĐ-TTg, 2023).
 * - 3★ and 4★ are certified by the province (`provincial`), 5★ nationally (`national`).
 * - A certificate is valid 36 months from its decision: `expiresAt` defaults to certifiedAt + 36
 *   months and may be earlier, never later. `expiresAt` is the last valid day: a certificate is
 *   expired when expiresAt < today (a calendar day in Asia/Ho_Chi_Minh).
 */

export const OCOP_GROUPS = ['food', 'beverages', 'herbal', 'handicrafts', 'ornamental', 'community_tourism'] as const;
export type OcopGroup = (typeof OCOP_GROUPS)[number];

export const OCOP_STARS = [3, 4, 5] as const;
export type OcopStars = (typeof OCOP_STARS)[number];

export const OCOP_LEVELS = ['provincial', 'national'] as const;
export type OcopLevel = (typeof OCOP_LEVELS)[number];

export const CERTIFICATE_VALIDITY_MONTHS = 36;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date written YYYY-MM-DD (2025-02-29 is not one). */
export function isCalendarDate(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || y > 2999 || mo < 1 || mo > 12 || d < 1) return false;
  return d <= daysInMonth(y, mo);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `date` + `months` calendar months; a day that does not exist clamps to the month's end (2024-02-29 + 36 → 2027-02-28). */
export function addMonths(date: string, months: number): string {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`addMonths expects YYYY-MM-DD, got ${date}`);
  const total = Number(m[1]) * 12 + (Number(m[2]) - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const day = Math.min(Number(m[3]), daysInMonth(year, month));
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function levelForStars(stars: OcopStars): OcopLevel {
  return stars === 5 ? 'national' : 'provincial';
}

export interface CertificateInput {
  stars: OcopStars;
  level?: string | null;
  certifiedAt: string;
  expiresAt?: string | null;
}

export type CertificateResult =
  | { ok: true; level: OcopLevel; certifiedAt: string; expiresAt: string }
  | { ok: false; problems: Array<{ field: string; problem: string }> };

/**
 * Checks a certificate's stars/level/dates and fills the derived values (level, expiresAt).
 * `today` (YYYY-MM-DD) rejects a certifiedAt in the future; pass null to skip that check (a stored
 * date that is not being changed). Field names are prefixed with `prefix` (`ocop.`) for error details.
 */
export function resolveCertificate(input: CertificateInput, today: string | null, prefix = 'ocop.'): CertificateResult {
  const problems: Array<{ field: string; problem: string }> = [];
  const level = levelForStars(input.stars);
  if (input.level !== undefined && input.level !== null && input.level !== level) {
    problems.push({
      field: `${prefix}level`,
      problem: `must be "${level}" for ${input.stars} stars (3★/4★ are certified by the province, 5★ nationally); omit it to derive it`,
    });
  }
  if (today !== null && input.certifiedAt > today) {
    problems.push({ field: `${prefix}certifiedAt`, problem: `must not be in the future (today is ${today})` });
  }
  const latest = addMonths(input.certifiedAt, CERTIFICATE_VALIDITY_MONTHS);
  const expiresAt = input.expiresAt ?? latest;
  if (expiresAt <= input.certifiedAt) {
    problems.push({ field: `${prefix}expiresAt`, problem: `must be after certifiedAt (${input.certifiedAt})` });
  } else if (expiresAt > latest) {
    problems.push({
      field: `${prefix}expiresAt`,
      problem: `must be at most ${CERTIFICATE_VALIDITY_MONTHS} months after certifiedAt (${latest} at the latest)`,
    });
  }
  if (problems.length) return { ok: false, problems };
  return { ok: true, level, certifiedAt: input.certifiedAt, expiresAt };
}

/** The certificate still holds on `today` (its last valid day is expiresAt). */
export function isCertificateValid(expiresAt: string, today: string): boolean {
  return expiresAt >= today;
}

/** Can a buyer put it in a cart today: active, certificate valid, in stock. */
export function isPurchasable(p: { status: string; expiresAt: string; stockQty: number }, today: string): boolean {
  return p.status === 'active' && isCertificateValid(p.expiresAt, today) && p.stockQty > 0;
}
