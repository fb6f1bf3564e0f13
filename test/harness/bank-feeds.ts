import { createHmac } from 'node:crypto';
import type { Clock } from '../../src/common/clock.js';
import { PHP_JSON_ENCODE, sortedJson } from '../../src/reconciliation/feeds/sorted-json.js';
import { bearer, type TestApp } from './app.js';

/** Bank-feed providers (README "Bank feeds"). */
export const FEED_PROVIDERS = ['sepay', 'casso', 'casso_legacy', 'pay2s'] as const;
export type FeedProvider = (typeof FEED_PROVIDERS)[number];

export interface CreatedFeed {
  id: string;
  provider: string;
  name: string;
  webhookUrl: string;
  /** Shown once, in the creation answer. */
  secret: string;
}

/** Connects a feed for a cooperative or a market (with the owner's key); `secret` as the provider issued it, else generated. */
export async function createFeed(
  t: TestApp,
  owner: { coop?: { id: string; key: string }; market?: { id: string; key: string } },
  provider: string,
  secret?: string,
): Promise<CreatedFeed> {
  const path = owner.coop ? `/cooperatives/${owner.coop.id}/bank-feeds` : `/markets/${owner.market!.id}/bank-feeds`;
  const key = owner.coop ? owner.coop.key : owner.market!.key;
  const res = await t.http
    .post(path)
    .set(bearer(key))
    .send({ provider, name: `${provider} feed`, ...(secret ? { secret } : {}) })
    .expect(201);
  return res.body as CreatedFeed;
}

/** X-Casso-Signature as Casso's PHP reference computes it (keys sorted, json_encode escaping), at `t0` (unix ms). */
export function cassoSignature(secret: string, body: unknown, t0: number): string {
  return `t=${t0},v1=${createHmac('sha512', secret).update(`${t0}.${sortedJson(body, PHP_JSON_ENCODE)}`).digest('hex')}`;
}

/** The headers a provider sends to authenticate `body` with `secret` (README "Bank feeds", authentication). */
export function feedAuthHeaders(provider: FeedProvider, secret: string, body: unknown, nowMs: number): Record<string, string> {
  switch (provider) {
    case 'sepay':
      return { Authorization: `Apikey ${secret}` };
    case 'casso':
      return { 'X-Casso-Signature': cassoSignature(secret, body, nowMs) };
    case 'casso_legacy':
      return { 'Secure-Token': secret };
    case 'pay2s':
      return { Authorization: `Bearer ${secret}` };
  }
}

/**
 * Bodies of the providers' calls, as each provider sends them, for the account 1023456789
 * (Vietcombank) at the clock's time: every call gets a new transaction id and bank reference.
 */
export function feedCalls(clock: Clock, firstId = 5000) {
  let seq = firstId;
  /** Vietnam local time of the clock, plus `minutes`, as the providers write it. */
  const vnNow = (minutes = 1) => new Date(clock.now().getTime() + (7 * 60 + minutes) * 60_000).toISOString().slice(0, 19).replace('T', ' ');

  /** One SePay transaction (also the platform webhook's body). */
  const sepayBody = (over: Record<string, unknown> = {}) => {
    seq += 1;
    return {
      id: seq,
      gateway: 'Vietcombank',
      transactionDate: vnNow(),
      accountNumber: '1023456789',
      code: null,
      content: 'chuyen tien',
      transferType: 'in',
      transferAmount: 370000,
      accumulated: 19077000,
      subAccount: null,
      referenceCode: `FT26331${seq}`,
      description: '',
      ...over,
    };
  };
  /** A Casso Webhook V2 call: `{ error, data }`, `data` overriding the transaction's fields. */
  const cassoBody = (data: Record<string, unknown> = {}) => {
    seq += 1;
    return {
      error: 0,
      data: {
        id: seq,
        reference: `FT26331${seq}`,
        description: 'chuyen tien',
        amount: 370000,
        runningBalance: 25000000,
        transactionDateTime: vnNow(),
        accountNumber: '1023456789',
        bankName: 'Vietcombank',
        bankAbbreviation: 'VCB',
        virtualAccountNumber: '',
        virtualAccountName: '',
        counterAccountName: 'NGUY\u1ec4N TH\u1eca LAN',
        counterAccountNumber: '0011001234567',
        counterAccountBankId: '970415',
        counterAccountBankName: 'VietinBank',
        ...data,
      },
    };
  };
  /** One transaction of a legacy Casso call (`{ error: 0, data: [items] }`). */
  const legacyItem = (over: Record<string, unknown> = {}) => {
    seq += 1;
    return { id: seq, tid: `TF2611${seq}`, description: 'chuyen tien', amount: 370000, cusum_balance: 1070904, when: vnNow(), bank_sub_acc_id: '1023456789', subAccId: '1023456789', ...over };
  };
  /** One transaction of a Pay2S call (`{ transactions: [items] }`). */
  const pay2sItem = (over: Record<string, unknown> = {}) => {
    seq += 1;
    return {
      id: String(seq),
      gateway: 'Vietcombank',
      transactionDate: vnNow(),
      transactionNumber: `99${seq}`,
      accountNumber: '1023456789',
      content: 'chuyen tien',
      transferType: 'IN',
      transferAmount: 370000,
      checksum: '0f'.repeat(16),
      ...over,
    };
  };
  /** A call of `provider` carrying one incoming transfer (memo and amount overridable). */
  const oneTransfer = (provider: FeedProvider, memo = 'chuyen tien', amount = 370000): unknown => {
    switch (provider) {
      case 'sepay':
        return sepayBody({ content: memo, transferAmount: amount });
      case 'casso':
        return cassoBody({ description: memo, amount });
      case 'casso_legacy':
        return { error: 0, data: [legacyItem({ description: memo, amount })] };
      case 'pay2s':
        return { transactions: [pay2sItem({ content: memo, transferAmount: amount })] };
    }
  };
  return { vnNow, sepayBody, cassoBody, legacyItem, pay2sItem, oneTransfer };
}
