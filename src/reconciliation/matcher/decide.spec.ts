import { decide, sameAccount, type CandidateOrder, type Decision, type DecideInput, type StallAccount } from './decide.js';

const COOP = { accountNumber: '1903456789012', bankBin: '970407' }; // Techcombank
const OTHER_COOP = { accountNumber: '0071000123456', bankBin: '970436' }; // Vietcombank
const STALL: StallAccount = { stallId: 'stall-a12', accountNumber: '0123456789', bankBin: '970422' }; // MB

const order = (over: Partial<CandidateOrder> = {}): CandidateOrder => ({
  orderId: 'order-1',
  reference: 'OC7K4M9P2XG',
  status: 'pending_payment',
  totalVnd: 450_000,
  paidVnd: 0,
  account: COOP,
  ...over,
});

const credit = (amountVnd: number, account: { accountNumber: string; bankBin?: string } = COOP) => ({
  amountVnd,
  direction: 'in' as const,
  ...account,
});

const input = (over: Partial<DecideInput>): DecideInput => ({
  transaction: credit(450_000),
  candidates: [order()],
  stallAccounts: [STALL],
  ...over,
});

describe('decide', () => {
  it.each<[string, DecideInput, Decision]>([
    // Amounts
    ['exact amount → paid', input({}), { outcome: 'paid', orderId: 'order-1', receivedVnd: 450_000 }],
    [
      'short → underpaid, shortfall shown',
      input({ transaction: credit(400_000) }),
      { outcome: 'underpaid', orderId: 'order-1', shortfallVnd: 50_000 },
    ],
    [
      'over → overpaid, excess to refund',
      input({ transaction: credit(500_000) }),
      { outcome: 'overpaid', orderId: 'order-1', excessVnd: 50_000 },
    ],
    [
      'second transfer completing a split payment → paid',
      input({ transaction: credit(150_000), candidates: [order({ paidVnd: 300_000 })] }),
      { outcome: 'paid', orderId: 'order-1', receivedVnd: 450_000 },
    ],
    [
      'second transfer still short → underpaid by the remainder',
      input({ transaction: credit(100_000), candidates: [order({ paidVnd: 300_000 })] }),
      { outcome: 'underpaid', orderId: 'order-1', shortfallVnd: 50_000 },
    ],
    [
      'second transfer overshooting → overpaid by the excess over the total',
      input({ transaction: credit(200_000), candidates: [order({ paidVnd: 300_000 })] }),
      { outcome: 'overpaid', orderId: 'order-1', excessVnd: 50_000 },
    ],
    // Late: the whole transfer is to refund
    ...(['expired', 'cancelled', 'refunded'] as const).map((status): [string, DecideInput, Decision] => [
      `order ${status} → late`,
      input({ candidates: [order({ status })] }),
      { outcome: 'late', orderId: 'order-1', reason: `order_${status}`, refundVnd: 450_000 },
    ]),
    ...(['paid', 'processing', 'shipped', 'completed'] as const).map((status): [string, DecideInput, Decision] => [
      `order already ${status} → late, already_paid`,
      input({ candidates: [order({ status, paidVnd: 450_000 })] }),
      { outcome: 'late', orderId: 'order-1', reason: 'already_paid', refundVnd: 450_000 },
    ]),
    [
      'pending order already fully received → late, already_paid',
      input({ transaction: credit(10_000), candidates: [order({ paidVnd: 450_000 })] }),
      { outcome: 'late', orderId: 'order-1', reason: 'already_paid', refundVnd: 10_000 },
    ],
    [
      'expired order partly paid before → late, this transfer refunded',
      input({ transaction: credit(150_000), candidates: [order({ status: 'expired', paidVnd: 300_000 })] }),
      { outcome: 'late', orderId: 'order-1', reason: 'order_expired', refundVnd: 150_000 },
    ],
    // Accounts
    [
      'reference of an order paid into another account → unmatched wrong_account',
      input({ transaction: credit(450_000, OTHER_COOP) }),
      { outcome: 'unmatched', reason: 'wrong_account' },
    ],
    [
      'same account number at another bank → unmatched wrong_account',
      input({ transaction: credit(450_000, { accountNumber: COOP.accountNumber, bankBin: '970436' }) }),
      { outcome: 'unmatched', reason: 'wrong_account' },
    ],
    [
      'statement without bank BIN, account number formatted → matched by number',
      input({ transaction: credit(450_000, { accountNumber: '1903 4567 8901 2' }) }),
      { outcome: 'paid', orderId: 'order-1', receivedVnd: 450_000 },
    ],
    // Several references
    [
      'same order referenced twice (deduplicated) → paid',
      input({ candidates: [order(), order()] }),
      { outcome: 'paid', orderId: 'order-1', receivedVnd: 450_000 },
    ],
    [
      'two orders on this account → ambiguous',
      input({ transaction: credit(900_000), candidates: [order(), order({ orderId: 'order-2', reference: 'OC3HQ7RW2N7' })] }),
      { outcome: 'unmatched', reason: 'ambiguous' },
    ],
    [
      'two orders, one on another account → still ambiguous (a human decides)',
      input({ candidates: [order(), order({ orderId: 'order-2', account: OTHER_COOP })] }),
      { outcome: 'unmatched', reason: 'ambiguous' },
    ],
    // Stalls and nothing
    [
      'credit to a stall account, no reference → stall_credit',
      input({ transaction: credit(35_000, STALL), candidates: [] }),
      { outcome: 'stall_credit', stallId: 'stall-a12' },
    ],
    [
      'credit to a stall account whose memo names an order of another account → stall_credit',
      input({ transaction: credit(35_000, STALL) }),
      { outcome: 'stall_credit', stallId: 'stall-a12' },
    ],
    [
      'stall without a bank BIN → matched by number',
      input({ transaction: credit(35_000, STALL), candidates: [], stallAccounts: [{ stallId: 's-9', accountNumber: '0123456789' }] }),
      { outcome: 'stall_credit', stallId: 's-9' },
    ],
    [
      'two stalls sharing the account → ambiguous',
      input({ transaction: credit(35_000, STALL), candidates: [], stallAccounts: [STALL, { ...STALL, stallId: 'stall-b03' }] }),
      { outcome: 'unmatched', reason: 'ambiguous' },
    ],
    [
      'an order reference wins over a stall on the same account',
      input({ stallAccounts: [{ stallId: 'stall-x', ...COOP }] }),
      { outcome: 'paid', orderId: 'order-1', receivedVnd: 450_000 },
    ],
    [
      'no reference, not a stall → unmatched no_reference',
      input({ candidates: [] }),
      { outcome: 'unmatched', reason: 'no_reference' },
    ],
    // Direction and amount
    [
      'outgoing transfer → ignored, whatever it names',
      input({ transaction: { ...credit(450_000), direction: 'out' } }),
      { outcome: 'ignored_outgoing' },
    ],
    // A reporter that speaks only for some accounts (a bank feed and its owner's accounts)
    [
      'credit to an allowed account → decided as usual',
      input({ allowedAccounts: [OTHER_COOP, COOP] }),
      { outcome: 'paid', orderId: 'order-1', receivedVnd: 450_000 },
    ],
    [
      'credit to another account → unmatched foreign_account, even naming an order on that account',
      input({ allowedAccounts: [OTHER_COOP] }),
      { outcome: 'unmatched', reason: 'foreign_account' },
    ],
    [
      'credit to a stall account the reporter does not speak for → foreign_account, no stall credit',
      input({ transaction: credit(90_000, STALL), candidates: [], allowedAccounts: [COOP] }),
      { outcome: 'unmatched', reason: 'foreign_account' },
    ],
    [
      'same number at another bank than the allowed one → foreign_account',
      input({ allowedAccounts: [{ accountNumber: COOP.accountNumber, bankBin: '970436' }] }),
      { outcome: 'unmatched', reason: 'foreign_account' },
    ],
    ['no allowed account at all → foreign_account', input({ allowedAccounts: [] }), { outcome: 'unmatched', reason: 'foreign_account' }],
    [
      'outgoing from a foreign account → still ignored as outgoing',
      input({ transaction: { ...credit(450_000), direction: 'out' }, allowedAccounts: [OTHER_COOP] }),
      { outcome: 'ignored_outgoing' },
    ],
    ...[0, -450_000, 450_000.5, Number.NaN, 2 ** 53].map((amount): [string, DecideInput, Decision] => [
      `amount ${amount} → unmatched invalid_amount`,
      input({ transaction: credit(amount) }),
      { outcome: 'unmatched', reason: 'invalid_amount' },
    ]),
  ])('%s', (_case, given, expected) => {
    expect(decide(given)).toEqual(expected);
  });

  it('does not mutate its input', () => {
    const given = input({ candidates: [order({ paidVnd: 100_000 })] });
    const copy = structuredClone(given);
    decide(given);
    expect(given).toEqual(copy);
  });
});

describe('sameAccount', () => {
  it.each([
    [{ accountNumber: '0123456789' }, { accountNumber: '0123-456.789' }, true],
    [{ accountNumber: '0123456789', bankBin: '970422' }, { accountNumber: '0123456789', bankBin: '970422' }, true],
    [{ accountNumber: '0123456789', bankBin: '970422' }, { accountNumber: '0123456789' }, true],
    [{ accountNumber: '0123456789', bankBin: '970422' }, { accountNumber: '0123456789', bankBin: '970407' }, false],
    [{ accountNumber: '0123456789' }, { accountNumber: '123456789' }, false], // leading zeros matter
    [{ accountNumber: 'vqrq0001abc' }, { accountNumber: 'VQRQ0001ABC' }, true],
    [{ accountNumber: '' }, { accountNumber: ' ' }, false],
  ])('%j ~ %j = %s', (a, b, expected) => {
    expect(sameAccount(a, b)).toBe(expected);
  });
});
