import { sepay } from './sepay.js';

const NOW = new Date('2026-11-27T03:00:00Z');
const SECRET = 'sepay-feed-secret-Zq81mXv0';

const notification = (over: Record<string, unknown> = {}) => ({
  id: 92704,
  gateway: 'Vietcombank',
  transactionDate: '2026-11-27 10:02:37',
  accountNumber: '1023456789',
  code: null,
  content: 'MBVCB.3278907687.OC7K4M9P2XG thanh toan don hang/ship',
  transferType: 'in',
  transferAmount: 370000,
  accumulated: 19077000,
  subAccount: null,
  referenceCode: 'MBVCB.3278907687',
  description: '',
  ...over,
});

describe('sepay verify', () => {
  it.each([`Apikey ${SECRET}`, `apikey   ${SECRET}`, `APIKEY ${SECRET} `])('accepts %p', (value) => {
    expect(sepay.verify({ authorization: value }, notification(), SECRET, NOW)).toEqual({ ok: true });
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ['no header', {}, /no authorization header/],
    ['the wrong key', { authorization: 'Apikey sepay-feed-secret-Zq81mXv1' }, /wrong Apikey/],
    ['a prefix of the key', { authorization: `Apikey ${SECRET.slice(0, -1)}` }, /wrong Apikey/],
    ['another scheme', { authorization: `Bearer ${SECRET}` }, /is not "Apikey <token>"/],
    ['the key alone', { authorization: SECRET }, /is not "Apikey <token>"/],
  ])('refuses %s, without echoing the secret', (_case, headers, reason) => {
    const r = sepay.verify(headers, notification(), SECRET, NOW);
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(reason) });
    expect(JSON.stringify(r)).not.toContain(SECRET.slice(0, 10));
  });
});

describe('sepay parse', () => {
  it('normalises a notification: Vietnam time, the platform-webhook identity, the bank reference', () => {
    const body = notification();
    expect(sepay.parse(body)).toEqual({
      kind: 'transactions',
      transactions: [
        {
          source: 'webhook',
          externalId: '1023456789:Vietcombank:92704',
          gateway: 'Vietcombank',
          bankName: 'Vietcombank',
          accountNumber: '1023456789',
          direction: 'in',
          amountVnd: 370000,
          content: 'MBVCB.3278907687.OC7K4M9P2XG thanh toan don hang/ship',
          referenceCode: 'MBVCB.3278907687',
          bookedAt: new Date('2026-11-27T03:02:37Z'),
          raw: body,
        },
      ],
    });
  });

  it('takes form-encoded values (strings) and money out', () => {
    const r = sepay.parse(notification({ id: '92704', transferAmount: '10000', transferType: 'out', accountNumber: '0123.456.789', referenceCode: '' }));
    expect(r).toMatchObject({
      kind: 'transactions',
      transactions: [{ externalId: '0123456789:Vietcombank:92704', amountVnd: 10000, direction: 'out', accountNumber: '0123456789', referenceCode: null }],
    });
  });

  it.each<[string, unknown, string[]]>([
    ['not an object', 'id=1', ['body']],
    ['a fractional amount and an unknown direction', notification({ transferAmount: 12.5, transferType: 'sideways' }), ['transferAmount', 'transferType']],
    ['a negative amount', notification({ transferAmount: -5 }), ['transferAmount']],
    ['an impossible date', notification({ transactionDate: '2026-02-30 10:00:00' }), ['transactionDate']],
    ['a date in another format', notification({ transactionDate: '27/11/2026 10:00' }), ['transactionDate']],
    ['an account number as a number', notification({ accountNumber: 1023456789 }), ['accountNumber']],
    ['missing id and gateway', notification({ id: undefined, gateway: '' }), ['id', 'gateway']],
    ['a memo that is not text', notification({ content: 42 }), ['content']],
  ])('%s → problems naming the fields', (_case, body, fields) => {
    const r = sepay.parse(body);
    expect(r.kind).toBe('invalid');
    if (r.kind === 'invalid') expect(r.problems.map((p) => p.field).sort()).toEqual([...fields].sort());
  });

  it('tolerates fields SePay may add', () => {
    expect(sepay.parse(notification({ brandNewField: { x: 1 } })).kind).toBe('transactions');
  });
});
