import { createHmac, timingSafeEqual } from 'node:crypto';
import { bodyObject, FieldReader, isObject, type Json } from '../fields.js';
import { type BankFeedProvider, type FeedTransaction, header, type ParseResult, refused, verified, type VerifyResult } from '../provider.js';
import { JSON_STRINGIFY, PHP_JSON_ENCODE, PYTHON_JSON_DUMPS, sortedJson } from '../sorted-json.js';

/**
 * Casso, Webhook V2 (signed). What we learned, and where:
 * - Body: `{ error: 0, data: { id, reference, description, amount, runningBalance,
 *   transactionDateTime: "2024-10-03 15:06:37", accountNumber, bankName, bankAbbreviation,
 *   virtualAccountNumber, virtualAccountName, counterAccountName, counterAccountNumber,
 *   counterAccountBankId, counterAccountBankName } }`, one transaction per call — Casso's reference
 *   code, https://github.com/CassoHQ/casso-webhook-v2-verify-signature (php.php, javascript.js).
 * - Fields (https://developer.casso.vn/tai-nguyen-khac/chi-tiet-cac-truong-cua-mot-giao-dich): the
 *   Casso id is unique across Casso; `reference` is the bank's own reference shown in internet
 *   banking — "may repeat in some cases", and absent at some banks (Agribank, Eximbank);
 *   `counterAccount*` are filled only where the bank gives them. Money out is a negative `amount`
 *   (the transactions API lists debits as e.g. -193000:
 *   https://developer.casso.vn/v/english-v2-new/casso-api/api/lay-giao-dich).
 * - Signature (README.md of the repository above): header `X-Casso-Signature: t=<unix ms>,v1=<hex>`;
 *   v1 = hex HMAC-SHA512 with the integration's "Key bảo mật" (checksum key) over
 *   `t + "." + JSON of the whole body with object keys sorted A→Z, recursively`. How that JSON is
 *   escaped: see sorted-json.ts. The published vector of php.php (body, key, header) is checked in
 *   casso.spec.ts.
 * - Replay: a `t` more than 5 minutes from our clock is refused (SPEC "Bank feeds").
 * - Test call: the dashboard's test sends `data.id = 0` with placeholder data
 *   (reference "MA_GIAO_DICH_THU_NGHIEM", account "88888888"), signed like any call (php.php's
 *   vector is that test call). Answered 200, nothing stored.
 * - Times are Vietnam time without an offset, like every Vietnamese bank feed.
 */
export const CASSO_SOURCE = 'casso';
const MAX_SKEW_MS = 5 * 60_000;
const SIGNATURE = /^\s*t=(\d{1,16}),\s*v1=([0-9a-fA-F]{128})\s*$/;

/** The texts a Casso signature may be over (one per published escaping, duplicates removed). */
export function cassoSignedTexts(t: string, body: unknown): string[] {
  return [...new Set([PHP_JSON_ENCODE, PYTHON_JSON_DUMPS, JSON_STRINGIFY].map((e) => `${t}.${sortedJson(body, e)}`))];
}

export function verifyCassoSignature(headers: Parameters<BankFeedProvider['verify']>[0], body: unknown, secret: string, now: Date): VerifyResult {
  const value = header(headers, 'x-casso-signature');
  if (value === undefined) return refused('no X-Casso-Signature header');
  const m = SIGNATURE.exec(value);
  if (!m) return refused('X-Casso-Signature is not "t=<unix ms>,v1=<128 hex digits>"');
  const [, t, v1] = m;
  if (Math.abs(now.getTime() - Number(t)) > MAX_SKEW_MS) return refused('X-Casso-Signature t is more than 5 minutes from now (stale or replayed)');
  const presented = Buffer.from(v1, 'hex');
  // Every candidate is computed and compared, so the time taken does not tell which one matched.
  let ok = false;
  for (const text of cassoSignedTexts(t, body)) {
    const expected = createHmac('sha512', secret).update(text, 'utf8').digest();
    ok = timingSafeEqual(expected, presented) || ok;
  }
  return ok ? verified : refused('X-Casso-Signature does not match the body');
}

/** Where V2 and the legacy webhook put the fields they share under other names. */
export interface CassoFieldNames {
  account: string;
  reference: string;
  bookedAt: string;
  counterpartyName: string;
  counterpartyAccount: string;
}

/** `error` ≠ 0: Casso reports a failure on its side (no transaction to store). */
export function cassoError(o: Json): ParseResult | undefined {
  return o.error !== 0 && o.error !== undefined ? { kind: 'invalid', problems: [{ field: 'error', problem: 'Casso reports an error (error ≠ 0): nothing stored' }] } : undefined;
}

/**
 * One Casso transaction, V2 or legacy: the id is Casso's, a negative amount is money out, the time
 * is Vietnam time (a date alone: midnight). Undefined when a field is wrong (the problems are in `r`).
 */
export function readCassoTransaction(r: FieldReader, item: Json, source: string, names: CassoFieldNames): FeedTransaction | undefined {
  const before = r.problems.length;
  const id = r.id(item, 'id');
  const amount = r.amount(item, 'amount', { signed: true });
  const accountNumber = r.account(item, names.account);
  const content = r.text(item, 'description');
  const bookedAt = r.dateTime(item, names.bookedAt, { dateOnly: true });
  const referenceCode = r.string(item, names.reference, { max: 100 });
  const bankName = r.string(item, 'bankName', { max: 100 });
  const bankAbbreviation = r.string(item, 'bankAbbreviation', { max: 20 });
  const counterpartyName = r.string(item, names.counterpartyName, { max: 200 });
  const counterpartyAccount = r.string(item, names.counterpartyAccount, { max: 40 });
  if (r.problems.length > before) return undefined;
  return {
    source,
    // Scoped by account (see SEPAY_SOURCE): a feed cannot claim another account's id.
    externalId: `${accountNumber}:${id}`,
    gateway: bankName ?? bankAbbreviation ?? null,
    bankName: bankAbbreviation ?? bankName ?? null,
    accountNumber: accountNumber!,
    direction: amount! < 0 ? 'out' : 'in',
    amountVnd: Math.abs(amount!),
    content: content!,
    referenceCode: referenceCode ?? null,
    counterpartyName: counterpartyName ?? null,
    counterpartyAccount: counterpartyAccount ?? null,
    bookedAt: bookedAt!,
    raw: item,
  };
}

export function parseCassoV2(body: unknown): ParseResult {
  const o = bodyObject(body);
  if (Array.isArray(o)) return { kind: 'invalid', problems: o };
  const failed = cassoError(o);
  if (failed) return failed;
  const data = o.data;
  if (!isObject(data)) return { kind: 'invalid', problems: [{ field: 'data', problem: 'must be the transaction object' }] };
  if (data.id === 0 || data.id === '0') return { kind: 'test', why: 'Casso test call (data.id = 0)' };
  const r = new FieldReader('data');
  const txn = readCassoTransaction(r, data, CASSO_SOURCE, {
    account: 'accountNumber',
    reference: 'reference',
    bookedAt: 'transactionDateTime',
    counterpartyName: 'counterAccountName',
    counterpartyAccount: 'counterAccountNumber',
  });
  return txn ? { kind: 'transactions', transactions: [txn] } : { kind: 'invalid', problems: r.problems };
}

export const casso: BankFeedProvider = {
  name: 'casso',
  description: 'Casso Webhook V2: one transaction per call, signed (X-Casso-Signature: t=<unix ms>,v1=<HMAC-SHA512>)',
  authHeader: {
    name: 'X-Casso-Signature',
    description: '`t=<unix ms>,v1=<hex HMAC-SHA512(feed secret = Casso checksum key, t + "." + body JSON with keys sorted)>`; t within 5 minutes',
  },
  verify: verifyCassoSignature,
  parse: parseCassoV2,
};
