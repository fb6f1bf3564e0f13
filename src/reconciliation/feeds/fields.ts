import { DomainError, type FieldProblem } from '../../common/errors.js';
import { parseVietnamDateTime } from '../bank-webhook.js';

/** Largest amount a notification may carry (1,000 billion VND); anything above is a typo or an attack. */
export const MAX_NOTIFICATION_VND = 1_000_000_000_000;

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads fields of a provider's body, collecting every problem (`field` is the full path, e.g.
 * `transactions.0.transferAmount`) instead of stopping at the first, so a 400 names them all.
 * Readers return `undefined` when the field is wrong; the caller checks `problems` before using them.
 */
export class FieldReader {
  constructor(
    private readonly path = '',
    readonly problems: FieldProblem[] = [],
  ) {}

  /** A reader for a nested object or array element (`data`, `transactions.0`) sharing these problems. */
  at(segment: string | number): FieldReader {
    return new FieldReader(this.name(String(segment)), this.problems);
  }

  name(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  problem(key: string, problem: string): undefined {
    this.problems.push({ field: this.name(key), problem });
    return undefined;
  }

  /** A string; `null`/absent/'' read as null unless `required`. */
  string(o: Json, key: string, opts: { required?: boolean; max: number }): string | null | undefined {
    const v = o[key];
    if (v === undefined || v === null || v === '') return opts.required ? this.problem(key, 'is required') : null;
    if (typeof v !== 'string') return this.problem(key, 'must be a string');
    if (v.length > opts.max) return this.problem(key, `must be at most ${opts.max} characters`);
    return v;
  }

  /** Free text that may be empty (a transfer memo): absent or null read as ''. */
  text(o: Json, key: string, max = 1000): string | undefined {
    const v = o[key];
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') return this.problem(key, 'must be a string');
    if (v.length > max) return this.problem(key, `must be at most ${max} characters`);
    return v;
  }

  /** A provider's transaction id: a whole number ≥ 0 or a short token; returned as a string. */
  id(o: Json, key: string): string | undefined {
    const v = o[key];
    const s = typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? String(v) : typeof v === 'string' ? v.trim() : undefined;
    if (s === undefined || !/^[\w.:-]{1,100}$/.test(s)) return this.problem(key, "must be the provider's transaction id");
    return s;
  }

  /**
   * An amount of VND: a whole number, or a string of digits (form-encoded bodies carry strings).
   * `signed`: a negative amount is money out (Casso); otherwise it must be positive.
   */
  amount(o: Json, key: string, opts: { signed: boolean }): number | undefined {
    const v = o[key];
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d{1,16}\s*$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isSafeInteger(n)) return this.problem(key, 'must be a whole number of VND');
    if (n === 0 || (!opts.signed && n < 0)) return this.problem(key, opts.signed ? 'must not be 0' : 'must be positive');
    if (Math.abs(n) > MAX_NOTIFICATION_VND) return this.problem(key, `must be at most ${MAX_NOTIFICATION_VND} VND`);
    return n;
  }

  /** A bank account number as a string (digits, with spaces, dots or dashes that are dropped). */
  account(o: Json, key: string): string | undefined {
    const v = o[key];
    if (typeof v !== 'string') return this.problem(key, v === undefined || v === null ? 'is required' : 'must be a string (an account number keeps its leading zeros)');
    if (!/^[0-9 .-]{4,30}$/.test(v)) return this.problem(key, 'must be an account number');
    return v.replace(/[\s.-]/g, '');
  }

  /**
   * A local date-time "YYYY-MM-DD HH:mm[:ss]" in Vietnam time (UTC+7, as every provider here writes
   * it), an explicit offset honoured; `dateOnly`: "YYYY-MM-DD" alone reads as midnight Vietnam time.
   */
  dateTime(o: Json, key: string, opts: { dateOnly?: boolean } = {}): Date | undefined {
    const v = o[key];
    if (typeof v !== 'string' || v.length > 40) return this.problem(key, 'must be a date-time like 2026-11-27 10:02:37');
    const s = opts.dateOnly && /^\d{4}-\d{2}-\d{2}$/.test(v.trim()) ? `${v.trim()} 00:00:00` : v;
    try {
      return parseVietnamDateTime(s, this.name(key));
    } catch (e) {
      if (e instanceof DomainError && e.details) {
        this.problems.push(...e.details);
        return undefined;
      }
      throw e;
    }
  }

  /** One of `values`, compared case-insensitively; returns the value as listed. */
  oneOf<T extends string>(o: Json, key: string, values: readonly T[]): T | undefined {
    const v = o[key];
    const found = typeof v === 'string' ? values.find((x) => x.toLowerCase() === v.trim().toLowerCase()) : undefined;
    return found ?? this.problem(key, `must be one of ${values.map((x) => `"${x}"`).join(', ')}`);
  }
}

/** The body must be a JSON object; a problem naming `body` otherwise. */
export function bodyObject(body: unknown): Json | FieldProblem[] {
  return isObject(body) ? body : [{ field: 'body', problem: 'must be a JSON object' }];
}
