import { createHmac } from 'node:crypto';
import { casso } from './casso.js';

const sign = (key: string, text: string) => createHmac('sha512', key).update(text, 'utf8').digest('hex');
const at = (ms: number) => new Date(ms);

describe('casso (Webhook V2) verify', () => {
  // Casso's published verification vector (github.com/CassoHQ/casso-webhook-v2-verify-signature,
  // php.php, also in python.py, golang.go, dotnet.cs): the dashboard's test call, its checksum key and
  // header. A fact to check against, re-typed here; it does not come from our code. (javascript.js
  // carries another vector, a real transfer, whose signature does not verify under that file's own
  // code either: not used.)
  const publishedTestCall = {
    error: 0,
    data: {
      id: 0,
      reference: 'MA_GIAO_DICH_THU_NGHIEM',
      description: 'giao dich thu nghiem',
      amount: 599000,
      runningBalance: 25000000,
      transactionDateTime: '2024-10-03 15:06:37',
      accountNumber: '88888888',
      bankName: 'VPBank',
      bankAbbreviation: 'VPB',
      virtualAccountNumber: '',
      virtualAccountName: '',
      counterAccountName: 'NGUYEN VAN A',
      counterAccountNumber: '8888888888',
      counterAccountBankId: '970415',
      counterAccountBankName: 'VietinBank',
    },
  };
  const publishedTestKey = 'mgExMrjj4i7a1p8Cs6LmFbpCd8lbw4sSX4LZXPag7TKazeIogtR90tvWYTkwQbvs';
  const publishedTestHeader =
    't=1727948258788,v1=ed0a4bd2e826d5cb69988cdb141e6c1a080e21f3b57eb72cd78192220042b9e7dde0868fc667faea8e224900fa7904e7c88dfa098032fb2d6b6996856e8b7ff3';
  it("accepts Casso's published vector, and nothing else with its header", () => {
    const h = { 'x-casso-signature': publishedTestHeader };
    expect(casso.verify(h, publishedTestCall, publishedTestKey, at(1727948258788 + 1000))).toEqual({ ok: true });
    expect(casso.verify(h, { ...publishedTestCall, data: { ...publishedTestCall.data, amount: 599001 } }, publishedTestKey, at(1727948258788))).toMatchObject({ ok: false });
    expect(casso.verify(h, publishedTestCall, publishedTestKey.slice(1), at(1727948258788))).toMatchObject({ ok: false });
    expect(casso.verify(h, publishedTestCall, publishedTestKey, at(1727948258788 + 5 * 60_000 + 1))).toMatchObject({ ok: false });
  });

  // Our own vector: a Vietnamese memo with "/" and diacritics. The signed text below is written by
  // hand from PHP's json_encode rules ("/" → "\/", non-ASCII → lower-case \uXXXX, keys sorted).
  const key = 'ocop-casso-checksum-key-2026-7f3a9c1e5b';
  const t = 1764720000000;
  const body = {
    error: 0,
    data: {
      id: 4821,
      reference: 'FT26331567890',
      description: 'Thanh to\u00e1n \u0111\u01a1n OC7K/4M9P \u2013 H\u1ee3p t\u00e1c x\u00e3',
      amount: 370000,
      transactionDateTime: '2026-11-27 10:02:37',
      accountNumber: '1023456789',
      bankName: 'Vietcombank',
      bankAbbreviation: 'VCB',
      counterAccountName: 'NGUY\u1ec4N V\u0102N A',
    },
  };
  const phpText =
    '1764720000000.{"data":{"accountNumber":"1023456789","amount":370000,"bankAbbreviation":"VCB","bankName":"Vietcombank",' +
    '"counterAccountName":"NGUY\\u1ec4N V\\u0102N A","description":"Thanh to\\u00e1n \\u0111\\u01a1n OC7K\\/4M9P \\u2013 H\\u1ee3p t\\u00e1c x\\u00e3",' +
    '"id":4821,"reference":"FT26331567890","transactionDateTime":"2026-11-27 10:02:37"},"error":0}';
  const jsText =
    '1764720000000.{"data":{"accountNumber":"1023456789","amount":370000,"bankAbbreviation":"VCB","bankName":"Vietcombank",' +
    `"counterAccountName":"${body.data.counterAccountName}","description":"${body.data.description}",` +
    '"id":4821,"reference":"FT26331567890","transactionDateTime":"2026-11-27 10:02:37"},"error":0}';
  const header = (text: string, k = key) => ({ 'x-casso-signature': `t=${t},v1=${sign(k, text)}` });
  const now = at(t + 30_000);

  it.each([
    ['PHP json_encode escaping (\\/ and \\uXXXX)', phpText],
    ['Python json.dumps escaping (\\uXXXX, "/" as is)', phpText.replace(/\\\//g, '/')],
    ['JSON.stringify (UTF-8 as is)', jsText],
  ])('accepts a signature over the %s of a memo with "/" and Vietnamese letters', (_case, text) => {
    expect(casso.verify(header(text), body, key, now)).toEqual({ ok: true });
  });

  it.each<[string, Record<string, string>, unknown, string, Date, RegExp]>([
    ['the wrong key', header(phpText, 'another-key'), body, key, now, /does not match/],
    ['a tampered amount', header(phpText), { ...body, data: { ...body.data, amount: 3700000 } }, key, now, /does not match/],
    ['a tampered memo', header(phpText), { ...body, data: { ...body.data, description: 'Thanh toan don OC7K/4M9Q' } }, key, now, /does not match/],
    ['keys not sorted', header(`${t}.${JSON.stringify(body)}`), body, key, now, /does not match/],
    ['t more than 5 minutes ago', header(phpText), body, key, at(t + 5 * 60_000 + 1), /5 minutes/],
    ['t more than 5 minutes ahead', header(phpText), body, key, at(t - 5 * 60_000 - 1), /5 minutes/],
    ['t in seconds instead of milliseconds', { 'x-casso-signature': `t=${t / 1000},v1=${sign(key, phpText)}` }, body, key, now, /5 minutes/],
    ['no header', {}, body, key, now, /no X-Casso-Signature/],
    ['a malformed header', { 'x-casso-signature': `v1=${sign(key, phpText)}` }, body, key, now, /is not "t=/],
    ['a truncated signature', { 'x-casso-signature': `t=${t},v1=${sign(key, phpText).slice(0, 64)}` }, body, key, now, /is not "t=/],
  ])('refuses %s', (_case, headers, b, k, when, reason) => {
    const r = casso.verify(headers, b, k, when);
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(reason) });
    expect(JSON.stringify(r)).not.toContain(k);
  });

  it('accepts t exactly 5 minutes away', () => {
    expect(casso.verify(header(phpText), body, key, at(t + 5 * 60_000))).toEqual({ ok: true });
    expect(casso.verify(header(phpText), body, key, at(t - 5 * 60_000))).toEqual({ ok: true });
  });
});

describe('casso (Webhook V2) parse', () => {
  const data = {
    id: 218897,
    reference: 'FT24364030863634',
    description: 'OC7K4M9P2XG thanh toan',
    amount: 370000,
    runningBalance: 16775000,
    transactionDateTime: '2026-11-27 07:00:00',
    accountNumber: '1023 456 789',
    bankName: 'MBBank',
    bankAbbreviation: 'MBB',
    counterAccountName: 'NGUYEN VAN A',
    counterAccountNumber: '0011001234567',
    someNewField: { added: 'later' },
  };

  it('normalises a transfer in (Vietnam time to UTC, account digits, bank reference, Casso id)', () => {
    expect(casso.parse({ error: 0, data })).toEqual({
      kind: 'transactions',
      transactions: [
        {
          source: 'casso',
          externalId: '1023456789:218897',
          gateway: 'MBBank',
          bankName: 'MBB',
          accountNumber: '1023456789',
          direction: 'in',
          amountVnd: 370000,
          content: 'OC7K4M9P2XG thanh toan',
          referenceCode: 'FT24364030863634',
          counterpartyName: 'NGUYEN VAN A',
          counterpartyAccount: '0011001234567',
          bookedAt: new Date('2026-11-27T00:00:00Z'),
          raw: data,
        },
      ],
    });
  });

  it('a negative amount is money out; amounts may come as strings', () => {
    const r = casso.parse({ error: 0, data: { ...data, amount: '-193000' } });
    expect(r).toMatchObject({ kind: 'transactions', transactions: [{ direction: 'out', amountVnd: 193000 }] });
  });

  it('a missing reference is null (Agribank, Eximbank give none)', () => {
    const r = casso.parse({ error: 0, data: { ...data, reference: '' } });
    expect(r).toMatchObject({ kind: 'transactions', transactions: [{ referenceCode: null }] });
  });

  it("the dashboard's test call (id 0) stores nothing", () => {
    expect(casso.parse({ error: 0, data: { ...data, id: 0, reference: 'MA_GIAO_DICH_THU_NGHIEM' } })).toMatchObject({ kind: 'test' });
  });

  it.each<[string, unknown, string[]]>([
    ['not an object', [1, 2], ['body']],
    ['an error reported by Casso', { error: 1, data }, ['error']],
    ['no data', { error: 0 }, ['data']],
    ['data as a list (the legacy shape)', { error: 0, data: [data] }, ['data']],
    [
      'bad fields',
      { error: 0, data: { ...data, amount: 12.5, accountNumber: 1023456789, transactionDateTime: '27/11/2026', id: 'x y' } },
      ['data.id', 'data.amount', 'data.accountNumber', 'data.transactionDateTime'],
    ],
    ['a zero amount', { error: 0, data: { ...data, amount: 0 } }, ['data.amount']],
  ])('%s → problems naming the fields', (_case, b, fields) => {
    const r = casso.parse(b);
    expect(r.kind).toBe('invalid');
    if (r.kind === 'invalid') expect(r.problems.map((p) => p.field).sort()).toEqual([...fields].sort());
  });
});
