import { pay2s } from './pay2s.js';

const NOW = new Date('2026-11-27T03:00:00Z');
const TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJ1c2VyIjoib2NvcCJ9.c2lnbmF0dXJl';

const txn = (over: Record<string, unknown> = {}) => ({
  id: '1788052',
  gateway: 'ACB',
  transactionDate: '2026-11-27 00:02:18',
  transactionNumber: '10418',
  accountNumber: '12805521',
  content: 'OC7K4M9P2XG GD 789604-271126 00:05:38',
  transferType: 'IN',
  transferAmount: 50000,
  checksum: '7e2b3bbc03d1083017e3d2a96d3b8e01',
  ...over,
});

describe('pay2s verify', () => {
  it('accepts the Bearer token', () => {
    expect(pay2s.verify({ authorization: `Bearer ${TOKEN}` }, {}, TOKEN, NOW)).toEqual({ ok: true });
  });
  it.each<[string, Record<string, string>]>([
    ['no header', {}],
    ['a wrong token', { authorization: `Bearer ${TOKEN}x` }],
    ['another scheme', { authorization: `Apikey ${TOKEN}` }],
  ])('refuses %s', (_case, headers) => {
    const r = pay2s.verify(headers, {}, TOKEN, NOW);
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).not.toContain(TOKEN);
  });
});

describe('pay2s parse', () => {
  it('normalises several transactions (IN/OUT, string ids, the bank number as reference, the body kept)', () => {
    const r = pay2s.parse({ transactions: [txn(), txn({ id: 1788053, transferType: 'out', transferAmount: '120000', transactionNumber: '10419' })] });
    expect(r).toEqual({
      kind: 'transactions',
      transactions: [
        {
          source: 'pay2s',
          externalId: '12805521:1788052',
          gateway: 'ACB',
          bankName: 'ACB',
          accountNumber: '12805521',
          direction: 'in',
          amountVnd: 50000,
          content: 'OC7K4M9P2XG GD 789604-271126 00:05:38',
          referenceCode: '10418',
          bookedAt: new Date('2026-11-26T17:02:18Z'),
          raw: txn(),
        },
        expect.objectContaining({ externalId: '12805521:1788053', direction: 'out', amountVnd: 120000, referenceCode: '10419' }),
      ],
    });
  });

  it('an empty call stores nothing', () => {
    expect(pay2s.parse({ transactions: [] })).toMatchObject({ kind: 'test' });
  });

  it.each<[string, unknown, string[]]>([
    ['no list', { transaction: txn() }, ['transactions']],
    ['a bad direction and amount', { transactions: [txn({ transferType: 'CREDIT', transferAmount: 0 })] }, ['transactions.0.transferType', 'transactions.0.transferAmount']],
    ['a bad date in the second', { transactions: [txn(), txn({ transactionDate: '2026-13-01 00:00:00' })] }, ['transactions.1.transactionDate']],
    ['a missing gateway and account', { transactions: [txn({ gateway: null, accountNumber: undefined })] }, ['transactions.0.gateway', 'transactions.0.accountNumber']],
  ])('%s → problems naming the fields', (_case, body, fields) => {
    const r = pay2s.parse(body);
    expect(r.kind).toBe('invalid');
    if (r.kind === 'invalid') expect(r.problems.map((p) => p.field).sort()).toEqual([...fields].sort());
  });
});
