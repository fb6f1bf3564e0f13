import { bodyObject, FieldReader } from '../fields.js';
import { type BankFeedProvider, type ParseResult, verifySchemeToken } from '../provider.js';

/**
 * SePay (sepay.vn). What we learned, and where:
 * - Body: one transaction per call, `{ id, gateway, transactionDate, accountNumber, code, content,
 *   transferType: "in" | "out", transferAmount, accumulated, subAccount, referenceCode, description }`;
 *   `id` is SePay's transaction id ("use for deduplication"), `referenceCode` the bank's reference
 *   (e.g. "FT24012345678"), `gateway` the bank's name ("Vietcombank"), `transactionDate`
 *   "2024-07-02 11:08:33" — https://developer.sepay.vn/en/sepay-webhooks/bat-dau-nhanh (sample
 *   payload) and https://developer.sepay.vn/en/sepay-webhooks/tich-hop-webhook. Times are Vietnam
 *   time: SePay writes no offset and its CLI documents its times "in Vietnam time"
 *   (https://developer.sepay.vn/en/agents/cli/giao-dich).
 * - Authentication "API Key": header `Authorization: Apikey <key>`
 *   (https://developer.sepay.vn/en/sepay-webhooks/tao-webhook, step 3). SePay also offers
 *   HMAC-SHA256, OAuth 2.0 and none; a feed uses the API key.
 * - Success is HTTP 200/201 with body `{"success": true}`; anything else is retried up to 7 times
 *   on a Fibonacci schedule (about 33 minutes) — https://developer.sepay.vn/en/sepay-webhooks/test-mode/so-sanh-voi-live
 *   and https://developer.sepay.vn/en/sepay-webhooks/xu-ly-loi.
 * - The body may also be sent form-encoded (https://developer.sepay.vn/en/tien-ich-khac/test-mode/tao-webhook,
 *   "Payload format"): then every value is a string, so amounts and ids are accepted as digit strings.
 * - Test calls: the dashboard's "Gửi thử" (test send) and Test mode send transactions shaped like
 *   real ones (…/test-mode/so-sanh-voi-live: "JSON payload format: Identical"); nothing marks them,
 *   so SePay has no test call to recognise. A test transaction to the owner's account is stored like
 *   any other (it names no order, so it is unmatched and can be ignored).
 *
 * The platform-wide `POST /webhooks/bank-transactions` takes the same body and parses it here.
 */

/**
 * Rows of SePay notifications are stored under this source with external id
 * "<account>:<gateway>:<id>", whether they came through a feed or the platform webhook: the same
 * SePay transaction delivered both ways is one row. The id is scoped by the account so that a feed
 * (which speaks only for its owner's accounts) cannot take another account's transaction id ahead
 * of the real transaction and have it dropped as a redelivery.
 */
export const SEPAY_SOURCE = 'webhook';

export function parseSepayNotification(body: unknown): ParseResult {
  const o = bodyObject(body);
  if (Array.isArray(o)) return { kind: 'invalid', problems: o };
  const r = new FieldReader();
  const id = r.id(o, 'id');
  const gateway = r.string(o, 'gateway', { required: true, max: 100 });
  const bookedAt = r.dateTime(o, 'transactionDate');
  const accountNumber = r.account(o, 'accountNumber');
  const content = r.text(o, 'content');
  const direction = r.oneOf(o, 'transferType', ['in', 'out'] as const);
  const amount = r.amount(o, 'transferAmount', { signed: false });
  const referenceCode = r.string(o, 'referenceCode', { max: 100 });
  r.string(o, 'code', { max: 100 });
  r.text(o, 'description', 2000);
  if (r.problems.length) return { kind: 'invalid', problems: r.problems };
  return {
    kind: 'transactions',
    transactions: [
      {
        source: SEPAY_SOURCE,
        externalId: `${accountNumber}:${gateway}:${id}`,
        gateway: gateway!,
        bankName: gateway!,
        accountNumber: accountNumber!,
        direction: direction!,
        amountVnd: amount!,
        content: content!,
        referenceCode: referenceCode ?? null,
        bookedAt: bookedAt!,
        raw: body,
      },
    ],
  };
}

export const sepay: BankFeedProvider = {
  name: 'sepay',
  description: 'SePay: one transaction per call, Authorization: Apikey <secret>',
  authHeader: { name: 'Authorization', description: 'SePay "API Key" authentication: `Apikey <feed secret>`' },
  verify: (headers, _body, secret) => verifySchemeToken(headers, 'authorization', 'Apikey', secret),
  parse: parseSepayNotification,
};
