import { cassoLegacy } from './casso-legacy.js';

const NOW = new Date('2026-11-27T03:00:00Z');
const TOKEN = 'w3bkulq38wbqdSYd';

const item = (over: Record<string, unknown> = {}) => ({
  id: 5789,
  tid: 'FT26331000123456',
  description: 'OC7K4M9P2XG chuyen tien/mua ca phe \u0111\u1eb7c s\u1ea3n',
  amount: 370000,
  cusum_balance: 1070904,
  when: '2026-11-27 10:02:37',
  bank_sub_acc_id: '1023456789',
  subAccId: '1023456789',
  ...over,
});

describe('casso_legacy verify', () => {
  it('accepts the Secure-Token', () => {
    expect(cassoLegacy.verify({ 'secure-token': TOKEN }, {}, TOKEN, NOW)).toEqual({ ok: true });
  });
  it.each<[string, Record<string, string>]>([
    ['no header', {}],
    ['a wrong token', { 'secure-token': 'w3bkulq38wbqdSYe' }],
    ['the token in Authorization', { authorization: `Bearer ${TOKEN}` }],
  ])('refuses %s', (_case, headers) => {
    const r = cassoLegacy.verify(headers, {}, TOKEN, NOW);
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).not.toContain(TOKEN);
  });
});

describe('casso_legacy parse', () => {
  it('normalises several transactions; a negative amount is money out; a date alone is midnight', () => {
    const out = item({ id: 5790, tid: 'TF2104152997602811', amount: -350000, when: '2026-11-27', bank_sub_acc_id: undefined, subAccId: '1023456789' });
    const r = cassoLegacy.parse({ error: 0, data: [item(), out] });
    expect(r).toEqual({
      kind: 'transactions',
      transactions: [
        expect.objectContaining({
          source: 'casso_legacy',
          externalId: '1023456789:5789',
          accountNumber: '1023456789',
          direction: 'in',
          amountVnd: 370000,
          content: 'OC7K4M9P2XG chuyen tien/mua ca phe \u0111\u1eb7c s\u1ea3n',
          referenceCode: 'FT26331000123456',
          bookedAt: new Date('2026-11-27T03:02:37Z'),
          raw: item(),
        }),
        expect.objectContaining({ externalId: '1023456789:5790', direction: 'out', amountVnd: 350000, referenceCode: 'TF2104152997602811', bookedAt: new Date('2026-11-26T17:00:00Z') }),
      ],
    });
  });

  it("the test call (a transaction with id 0) and an empty call store nothing", () => {
    const test = item({ id: 0, tid: 'MA_GIAO_DICH_THU_NGHIEM', description: 'giao dich thu nghiem', bank_sub_acc_id: '88888888' });
    expect(cassoLegacy.parse({ error: 0, data: [test] })).toMatchObject({ kind: 'test' });
    expect(cassoLegacy.parse({ error: 0, data: [] })).toMatchObject({ kind: 'test' });
  });

  it.each<[string, unknown, string[]]>([
    ['the V2 shape', { error: 0, data: item() }, ['data']],
    ['an error from Casso', { error: 2, data: [item()] }, ['error']],
    ['a test transaction among real ones', { error: 0, data: [item(), item({ id: 0 })] }, ['data.1.id']],
    ['a bad second transaction', { error: 0, data: [item(), item({ amount: '1.5', when: 'hôm qua', bank_sub_acc_id: 'abc' })] }, ['data.1.amount', 'data.1.when', 'data.1.bank_sub_acc_id']],
    ['no account at all', { error: 0, data: [item({ bank_sub_acc_id: null, subAccId: undefined })] }, ['data.0.subAccId']],
    ['a transaction that is not an object', { error: 0, data: ['x'] }, ['data.0']],
  ])('%s → problems naming the fields', (_case, body, fields) => {
    const r = cassoLegacy.parse(body);
    expect(r.kind).toBe('invalid');
    if (r.kind === 'invalid') expect(r.problems.map((p) => p.field).sort()).toEqual([...fields].sort());
  });
});
