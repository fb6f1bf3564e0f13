import { bodyObject, FieldReader, isObject } from '../fields.js';
import { type BankFeedProvider, type FeedTransaction, header, type ParseResult, refused, secretEquals, verified } from '../provider.js';
import { cassoError, readCassoTransaction } from './casso.js';

/**
 * Casso's first webhook (before V2). What we learned, and where:
 * - Body: `{ error: 0, data: [ { id, tid, description, amount, cusum_balance, when,
 *   bank_sub_acc_id, subAccId, … } ] }`, several transactions per call; `tid` is the bank's
 *   transaction code, `when` the time the bank booked it, `bank_sub_acc_id` the bank account —
 *   https://casso.vn/tich-hop-webhook-tuy-chinh-vao-casso/ ("Cấu trúc dữ liệu gửi qua Webhook").
 *   Casso's own sample call sends `"when": "2020-11-02"` (a date alone) and `subAccId` —
 *   https://github.com/CassoHQ/casso-webhook-handler-sample (test.sh); later calls also carry
 *   `bankName`, `bankAbbreviation`, `corresponsiveName`, `corresponsiveAccount`, … (a test call
 *   logged by an integrator, below). Money out is a negative `amount` (Casso's transactions API:
 *   https://developer.casso.vn/v/english-v2-new/casso-api/api/lay-giao-dich).
 * - Authentication: the "Key bảo mật" (security key) is sent as header `Secure-Token: <key>`
 *   (casso.vn page above, "Bảo mật giao dịch"; webhook_handler.php of the sample repository).
 * - `error` ≠ 0 means Casso failed on its side (webhook_handler.php stops there).
 * - Test call ("Gọi thử"): one transaction with `id: 0`, `tid: "MA_GIAO_DICH_THU_NGHIEM"`,
 *   `description: "giao dich thu nghiem"`, `bank_sub_acc_id: "88888888"` (as logged by an
 *   integrator's database dump found through code search; V2's test call has the same placeholders).
 *   A call whose transactions all have id 0, or none at all, is answered 200 and stores nothing.
 *
 * Rows are stored under their own source: nothing published says a legacy id and a V2 id of one
 * transfer are the same number, and merging two different transfers would drop one. The same
 * transfer reported by both still dedups on its bank reference (`tid` / `reference`).
 */
export const CASSO_LEGACY_SOURCE = 'casso_legacy';
const MAX_TRANSACTIONS = 1000;

export function parseCassoLegacy(body: unknown): ParseResult {
  const o = bodyObject(body);
  if (Array.isArray(o)) return { kind: 'invalid', problems: o };
  const failed = cassoError(o);
  if (failed) return failed;
  if (!Array.isArray(o.data)) return { kind: 'invalid', problems: [{ field: 'data', problem: 'must be an array of transactions' }] };
  if (o.data.length > MAX_TRANSACTIONS) return { kind: 'invalid', problems: [{ field: 'data', problem: `must hold at most ${MAX_TRANSACTIONS} transactions` }] };
  const isTest = (item: unknown) => isObject(item) && (item.id === 0 || item.id === '0');
  if (o.data.every(isTest)) return { kind: 'test', why: o.data.length ? 'Casso test call (id 0)' : 'no transactions' };

  const list = new FieldReader('data');
  const transactions: FeedTransaction[] = [];
  o.data.forEach((item, i) => {
    if (!isObject(item)) return list.problem(String(i), 'must be a transaction object');
    const r = list.at(i);
    if (isTest(item)) return r.problem('id', 'a test transaction (id 0) cannot come with real ones');
    const present = (v: unknown) => v !== undefined && v !== null && v !== '';
    const txn = readCassoTransaction(r, item, CASSO_LEGACY_SOURCE, {
      account: present(item.bank_sub_acc_id) ? 'bank_sub_acc_id' : 'subAccId',
      reference: 'tid',
      bookedAt: 'when',
      counterpartyName: 'corresponsiveName',
      counterpartyAccount: 'corresponsiveAccount',
    });
    if (txn) transactions.push(txn);
  });
  return list.problems.length ? { kind: 'invalid', problems: list.problems } : { kind: 'transactions', transactions };
}

export const cassoLegacy: BankFeedProvider = {
  name: 'casso_legacy',
  description: "Casso's first webhook: several transactions per call, Secure-Token: <secret>",
  authHeader: { name: 'Secure-Token', description: 'Casso\'s "Key bảo mật" (security key): the feed secret' },
  verify: (headers, _body, secret) => {
    const token = header(headers, 'secure-token');
    if (token === undefined) return refused('no Secure-Token header');
    return secretEquals(token, secret) ? verified : refused('wrong Secure-Token');
  },
  parse: parseCassoLegacy,
};
