import { createHash, timingSafeEqual } from 'node:crypto';
import type { FieldProblem } from '../../common/errors.js';
import type { IncomingBankTransaction } from '../bank-transactions.service.js';

/**
 * A bank-notification service (SePay, Casso, Pay2S…) as a small strategy object, the way Vendure
 * models payment-method handlers (packages/core/src/config/payment/payment-method-handler.ts): the
 * strategy knows its provider's authentication and body shape and returns results, never throws, so
 * the caller decides the HTTP answer in one place. Pure: no I/O, no clock read (`now` is a parameter).
 *
 * A new provider is one file exporting a `BankFeedProvider` and one line in `providers/index.ts`.
 */
export interface BankFeedProvider {
  /** The `provider` value of a feed ("sepay"). */
  readonly name: string;
  /** One line for the API docs: who this is and how it authenticates. */
  readonly description: string;
  /** The header that carries the credential, and what it holds (OpenAPI security scheme). */
  readonly authHeader: { name: string; description: string };
  /** Whether `headers` prove the call comes from the provider holding `secret`. Never echoes the secret. */
  verify(headers: FeedHeaders, body: unknown, secret: string, now: Date): VerifyResult;
  /** The call's transactions, normalised; or a test call (answer 200, store nothing); or what is wrong. */
  parse(body: unknown): ParseResult;
}

/** Request headers as Node gives them (lower-case names). */
export type FeedHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** `reason` is for the logs (which check failed); it never contains the secret or what was presented. */
export type VerifyResult = { ok: true } | { ok: false; reason: string };

/**
 * A transaction as the provider reported it, normalised. The bank BIN is not known to a provider's
 * body (it names the bank) and the feed's owner decides which accounts it may speak for: the feed
 * service fills those in.
 */
export type FeedTransaction = Omit<IncomingBankTransaction, 'bankBin' | 'statementImportId' | 'allowedAccounts'> & {
  /** The bank's short name or code as the provider wrote it (resolved to a BIN by the feed service). */
  bankName: string | null;
};

export type ParseResult =
  | { kind: 'transactions'; transactions: FeedTransaction[] }
  | { kind: 'test'; why: string }
  | { kind: 'invalid'; problems: FieldProblem[] };

export const verified: VerifyResult = { ok: true };
export const refused = (reason: string): VerifyResult => ({ ok: false, reason });

/** One header's value (the first, if repeated); names are matched case-insensitively. */
export function header(headers: FeedHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Constant-time equality of a presented credential and the secret. Both are hashed first, so the
 * comparison neither leaks the secret's length nor depends on where the strings differ.
 */
export function secretEquals(presented: string, secret: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(secret, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/**
 * `<Scheme> <token>` in an Authorization-style header, the scheme case-insensitive; the token is
 * compared with the secret in constant time.
 */
export function verifySchemeToken(headers: FeedHeaders, headerName: string, scheme: string, secret: string): VerifyResult {
  const value = header(headers, headerName);
  if (value === undefined) return refused(`no ${headerName} header`);
  const m = new RegExp(`^${scheme}\\s+(\\S+)\\s*$`, 'i').exec(value);
  if (!m) return refused(`${headerName} is not "${scheme} <token>"`);
  return secretEquals(m[1], secret) ? verified : refused(`wrong ${scheme} token`);
}
