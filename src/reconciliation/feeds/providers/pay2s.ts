import { bodyObject, FieldReader, isObject } from '../fields.js';
import { type BankFeedProvider, type FeedTransaction, type ParseResult, verifySchemeToken } from '../provider.js';

/**
 * Pay2S (pay2s.vn). What we learned, and where (https://docs.pay2s.vn/webhook/tai-lieu-ky-thuat.html):
 * - `POST` with `Authorization: Bearer <token>` and body `{ transactions: [ { id: "1788052",
 *   gateway: "ACB", transactionDate: "2025-04-01 00:02:18", transactionNumber: "10418",
 *   accountNumber, content, transferType: "IN" | "OUT", transferAmount: 50000, checksum } ] }`:
 *   several transactions per call, the id a string, the amount a number, the time Vietnam time.
 * - Pay2S retries every 60 s, up to 6 times, until the answer is HTTP 200 with `{"success": true}`.
 * - `checksum` (32 hex digits in the sample) has no published algorithm; we could not derive it from
 *   the sample (it is no MD5 of the sample's fields in any order we tried), so it is not checked:
 *   the Bearer token authenticates the call. It stays in the stored body (`raw`).
 * - `transactionNumber` is the bank's transaction number, stored as the bank reference.
 * - No test call is documented; a call with no transactions stores nothing and is answered 200.
 */
export const PAY2S_SOURCE = 'pay2s';
const MAX_TRANSACTIONS = 1000;

export function parsePay2s(body: unknown): ParseResult {
  const o = bodyObject(body);
  if (Array.isArray(o)) return { kind: 'invalid', problems: o };
  if (!Array.isArray(o.transactions)) return { kind: 'invalid', problems: [{ field: 'transactions', problem: 'must be an array of transactions' }] };
  if (o.transactions.length > MAX_TRANSACTIONS) {
    return { kind: 'invalid', problems: [{ field: 'transactions', problem: `must hold at most ${MAX_TRANSACTIONS} transactions` }] };
  }
  if (!o.transactions.length) return { kind: 'test', why: 'no transactions' };
  const list = new FieldReader('transactions');
  const transactions: FeedTransaction[] = [];
  o.transactions.forEach((item, i) => {
    if (!isObject(item)) {
      list.problem(String(i), 'must be a transaction object');
      return;
    }
    const r = list.at(i);
    const id = r.id(item, 'id');
    const gateway = r.string(item, 'gateway', { required: true, max: 100 });
    const bookedAt = r.dateTime(item, 'transactionDate');
    const referenceCode = r.string(item, 'transactionNumber', { max: 100 });
    const accountNumber = r.account(item, 'accountNumber');
    const content = r.text(item, 'content');
    const direction = r.oneOf(item, 'transferType', ['IN', 'OUT'] as const);
    const amountVnd = r.amount(item, 'transferAmount', { signed: false });
    r.string(item, 'checksum', { max: 200 });
    if (list.problems.length) return;
    transactions.push({
      source: PAY2S_SOURCE,
      // Scoped by account (see SEPAY_SOURCE): a feed cannot claim another account's id.
      externalId: `${accountNumber}:${id}`,
      gateway: gateway!,
      bankName: gateway!,
      accountNumber: accountNumber!,
      direction: direction === 'IN' ? 'in' : 'out',
      amountVnd: amountVnd!,
      content: content!,
      referenceCode: referenceCode ?? null,
      bookedAt: bookedAt!,
      raw: item,
    });
  });
  return list.problems.length ? { kind: 'invalid', problems: list.problems } : { kind: 'transactions', transactions };
}

export const pay2s: BankFeedProvider = {
  name: 'pay2s',
  description: 'Pay2S: several transactions per call, Authorization: Bearer <secret>',
  authHeader: { name: 'Authorization', description: 'Pay2S token: `Bearer <feed secret>`' },
  verify: (headers, _body, secret) => verifySchemeToken(headers, 'authorization', 'Bearer', secret),
  parse: parsePay2s,
};
