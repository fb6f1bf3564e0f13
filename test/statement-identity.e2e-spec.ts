/**
 * Issue 9 end to end: statements as banks produce them (Excel, legacy encodings, camt batches),
 * "nothing merged, nothing lost" (a transfer's identity), and reversals that take a credit back.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../src/common/clock.js';
import { checkLedger } from '../src/ledger/ledger.service.js';
import { vcbStyle, write } from './fixtures/statements/excel.js';
import { encodeAs } from './fixtures/statements/helpers.js';
import { bearer, createTestApp, type TestApp } from './harness/app.js';
import { buyer, createCooperative, createProduct, type CreatedCooperative } from './harness/fixtures.js';

const FIXTURES = join(process.cwd(), 'test/fixtures/statements');
const WEBHOOK_KEY = 'test-bank-webhook-key-0123456789';

describe('statements: identity, reversals, Excel, encodings (e2e)', () => {
  let t: TestApp;
  const clock = new ManualClock(new Date('2026-11-27T02:00:00Z'));
  let a: CreatedCooperative;

  beforeAll(async () => {
    t = await createTestApp({ clock, env: { BANK_WEBHOOK_API_KEY: WEBHOOK_KEY } });
    a = await createCooperative(t, { taxCode: '0300588569' }); // account 1023456789
  });
  afterAll(async () => {
    expect(await checkLedger({ query: async (sql) => (await t.db.query(sql)).rows })).toMatchObject({ ok: true });
    await t.close();
  });

  const upload = (file: Buffer, name: string, query: Record<string, string> = {}) =>
    t.http.post('/reconciliation/statements').query({ wait: 'true', accountNumber: '1023456789', ...query }).set(bearer(t.adminKey)).attach('file', file, name);
  const count = async () => (await t.db.query('SELECT count(*)::int AS n FROM bank_transactions')).rows[0].n as number;

  async function orders(n: number, price: number) {
    const p = await createProduct(t, a.key, { priceVnd: price, stockQty: 100 });
    const out: Array<{ id: string; ref: string }> = [];
    for (let i = 0; i < n; i++) {
      const res = await t.http.post('/checkout').send({ buyer: buyer(), items: [{ productId: p, qty: 1 }], paymentMethod: 'vietqr' }).expect(201);
      out.push({ id: res.body.orders[0].id, ref: res.body.orders[0].payment.reference });
    }
    return out;
  }
  const order = async (id: string) =>
    (await t.db.query(`SELECT o.status, o.review_reason, p.status AS payment_status, p.received_vnd::int AS received FROM orders o JOIN payments p ON p.order_id = o.id WHERE o.id = $1`, [id])).rows[0];
  const mt940 = (lines: string[], opening = 0) => {
    let balance = opening;
    for (const l of lines) {
      const m = /^:61:\d{6}(?:\d{4})?(RC|RD|C|D)(\d+),/.exec(l);
      if (m) balance += (m[1] === 'C' || m[1] === 'RD' ? 1 : -1) * Number(m[2]);
    }
    return Buffer.from([':20:E2E', ':25:1023456789', `:60F:C261126VND${opening},`, ...lines, `:62F:C261127VND${balance},`, '-', ''].join('\r\n'));
  };

  /**
   * A camt.053.001.04 statement of 27/11/2026 whose balances add up. A reversal keeps the reversed
   * entry's CdtDbtInd, as German and Swiss banks write it (CRDT + RvslInd takes back a credit, as
   * MT940's RC does); the parser tells that reading from the ISO one by these balances.
   */
  const camt053 = (entries: Array<{ side: 'CRDT' | 'DBIT'; amount: number; ref: string; memo: string; reversal?: boolean }>, opening = 0) => {
    const closing = entries.reduce((b, e) => b + ((e.side === 'CRDT') !== (e.reversal === true) ? e.amount : -e.amount), opening);
    const bal = (type: string, v: number) =>
      `<Bal><Tp><CdOrPrtry><Cd>${type}</Cd></CdOrPrtry></Tp><Amt Ccy="VND">${Math.abs(v)}</Amt><CdtDbtInd>${v < 0 ? 'DBIT' : 'CRDT'}</CdtDbtInd><Dt><Dt>2026-11-27</Dt></Dt></Bal>`;
    const ntry = (e: (typeof entries)[number]) =>
      `<Ntry><Amt Ccy="VND">${e.amount}</Amt><CdtDbtInd>${e.side}</CdtDbtInd>${e.reversal ? '<RvslInd>true</RvslInd>' : ''}<Sts>BOOK</Sts>` +
      `<BookgDt><Dt>2026-11-27</Dt></BookgDt><AcctSvcrRef>${e.ref}</AcctSvcrRef><NtryDtls><TxDtls><RmtInf><Ustrd>${e.memo}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`;
    return Buffer.from(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04"><BkToCstmrStmt>',
        '<GrpHdr><MsgId>E2E-CAMT</MsgId><CreDtTm>2026-11-27T18:00:00+07:00</CreDtTm></GrpHdr>',
        '<Stmt><Id>E2E-CAMT-1</Id><Acct><Id><Othr><Id>1023456789</Id></Othr></Id><Ccy>VND</Ccy></Acct>',
        bal('OPBD', opening),
        bal('CLBD', closing),
        ...entries.map(ntry),
        '</Stmt></BkToCstmrStmt></Document>',
        '',
      ].join('\n'),
    );
  };

  it('an Excel (.xlsx) statement goes through the same import: matched, and the same file again adds nothing', async () => {
    const [o1, o2] = await orders(2, 370_000);
    const wb = vcbStyle({ paid: o1.ref, second: o2.ref });
    // The second transfer pays only half: underpaid, the order stays pending.
    wb.Sheets.SaoKe.E12 = { t: 'n', v: 185_000 };
    const res = await upload(write(wb), 'SaoKe_1023456789.xlsx').expect(201);
    expect(res.body).toMatchObject({ status: 'completed', format: 'xlsx', linesRead: 3, inserted: 3, duplicates: 0, matched: 2, unmatched: 0 });
    expect(await order(o1.id)).toMatchObject({ status: 'paid', received: 370_000 });
    expect(await order(o2.id)).toMatchObject({ status: 'pending_payment', received: 185_000 });
    const again = await upload(write(wb), 'SaoKe_1023456789 (1).xlsx').expect(201);
    expect(again.body).toMatchObject({ inserted: 0, duplicates: 3 });
    // .xls through the same path
    const xls = await upload(write(vcbStyle({ paid: o1.ref, second: o2.ref }, '1023456789'), 'biff8'), 'SaoKe.xls').expect(201);
    expect(xls.body).toMatchObject({ format: 'xls', linesRead: 3 });
  });

  it('?encoding= reads a Windows-1258 CSV; an unknown encoding is a 400 naming the parameter', async () => {
    const csv = 'transaction_id,booked_at,direction,amount,description\nENC-1,27/11/2026 08:00:00,in,5000,Nộp tiền mặt Nguyễn Thị Hường\n';
    const res = await upload(encodeAs(csv, 'windows-1258'), 'sao-ke.csv', { encoding: 'windows-1258' }).expect(201);
    expect(res.body).toMatchObject({ encoding: 'windows-1258', inserted: 1 });
    const row = (await t.db.query(`SELECT content FROM bank_transactions WHERE reference_code = 'ENC-1'`)).rows[0];
    expect(row.content).toBe('Nộp tiền mặt Nguyễn Thị Hường');
    const bad = await upload(Buffer.from(csv), 'x.csv', { encoding: 'koi8-r' }).expect(400);
    expect(bad.body.details).toEqual([expect.objectContaining({ field: 'encoding' })]);
    // Forced UTF-8 on Windows-1258 bytes: the line is named, nothing is stored.
    const before = await count();
    const wrong = await upload(encodeAs(csv.replace('ENC-1', 'ENC-2'), 'windows-1258'), 'x.csv', { encoding: 'utf-8' }).expect(400);
    expect(wrong.body.details[0]).toMatchObject({ field: 'line 2', problem: 'the bytes are not valid UTF-8 text' });
    expect(await count()).toBe(before);
  });

  it('two transfers that share a bank reference but differ in direction or amount are two; a batch keeps every transaction', async () => {
    const res = await upload(readFileSync(join(FIXTURES, 'camt/camt054-v04-notifications.xml')), 'n.xml').expect(201);
    expect(res.body).toMatchObject({ inserted: 2, duplicates: 0 });
    const shared = await t.db.query(`SELECT direction FROM bank_transactions WHERE reference_code = 'FT24309000000701' ORDER BY direction`);
    expect(shared.rows.map((r) => r.direction)).toEqual(['in', 'out']);

    const csv = ['transaction_id,booked_at,direction,amount,description', 'SHARED-9,27/11/2026 08:00,in,100000,tien hang', 'SHARED-9,27/11/2026 08:00,in,2000,phi', 'SHARED-9,27/11/2026 08:00,in,100000,tien hang'].join('\n');
    const r2 = await upload(Buffer.from(csv), 'shared.csv').expect(201);
    // same reference, other amount: another transfer; all five the same: the same transfer listed twice
    expect(r2.body).toMatchObject({ linesRead: 3, inserted: 2, duplicates: 1 });

    const batch = await upload(readFileSync(join(FIXTURES, 'camt/camt053-v08-batches.xml')), 'b.xml').expect(201);
    // 7 lines: a zero line skipped, 3 batch transactions (two share their own reference), a batch as
    // one line, a reversal of one of the batch's credits, a reversal of a debit.
    expect(batch.body).toMatchObject({ linesRead: 7, skipped: 1, inserted: 6, duplicates: 0, reversals: 2 });
    const ids = await t.db.query(`SELECT reference_code FROM bank_transactions WHERE statement_import_id = $1 AND NOT reversal ORDER BY reference_code`, [batch.body.id]);
    expect(ids.rows.map((r) => r.reference_code)).toEqual(['BATCH-241105-01/3', 'BATCH-241106-02', 'FT24310000000601/1', 'FT24310000000601/2']);
  });

  it('the same transfer from the notification and later on the statement is stored once; on another day it is kept and flagged', async () => {
    const [o] = await orders(1, 215_000);
    const webhook = {
      id: 'E2E-91', gateway: 'Vietcombank', transactionDate: '2026-11-27 09:05:00', accountNumber: '1023456789', code: null,
      content: `IBFT ${o.ref}`, transferType: 'in', transferAmount: 215_000, referenceCode: 'FT26331000009191', description: '',
    };
    await t.http.post('/webhooks/bank-transactions').set('Authorization', `Apikey ${WEBHOOK_KEY}`).send(webhook).expect(200);
    expect(await order(o.id)).toMatchObject({ status: 'paid', received: 215_000 });
    const stmt = await upload(mt940([':61:2611271127C215000,NTRFNONREF//FT26331000009191', `:86:IBFT ${o.ref}`]), 'same.sta').expect(201);
    expect(stmt.body).toMatchObject({ inserted: 0, duplicates: 1 });

    // The same reference, direction and amount, booked another day: cannot tell → kept, flagged, pays nothing.
    const later = await upload(Buffer.from(mt940([':61:2611281128C215000,NTRFNONREF//FT26331000009191', `:86:IBFT ${o.ref}`]).toString().replace(':62F:C261127', ':62F:C261128')), 'later.sta');
    expect(later.status).toBe(201);
    expect(later.body).toMatchObject({ inserted: 1, flagged: 1, unmatched: 1, matched: 0 });
    const flagged = (await t.db.query(`SELECT id, outcome, outcome_reason, possible_duplicate_of FROM bank_transactions WHERE statement_import_id = $1`, [later.body.id])).rows[0];
    expect(flagged).toMatchObject({ outcome: 'unmatched', outcome_reason: 'possible_duplicate' });
    const view = await t.http.get(`/reconciliation/transactions/${flagged.id}`).set(bearer(t.adminKey)).expect(200);
    expect(view.body.possibleDuplicateOf).toBe(flagged.possible_duplicate_of);
    expect(view.body.reviewReason).toMatch(/possibly the same transfer as bank transaction/);
    expect(await order(o.id)).toMatchObject({ status: 'paid', received: 215_000 });
  });

  it('a reversal (RC) takes back the credit that paid an order: order flagged, payment reduced, ledger corrected, nothing paid', async () => {
    const [paid, over] = await orders(2, 150_000);
    const first = await upload(
      mt940([
        ':61:2611271127C150000,NTRFNONREF//FT26331000007001', `:86:Thanh toan ${paid.ref}`,
        ':61:2611271127C200000,NTRFNONREF//FT26331000007002', `:86:Thanh toan ${over.ref}`,
      ]),
      'paid.sta',
    ).expect(201);
    expect(first.body).toMatchObject({ matched: 2 });
    const balanceBefore = (await t.http.get(`/cooperatives/${a.id}/balance`).set(bearer(t.adminKey)).expect(200)).body;
    expect(balanceBefore.owedToBuyersVnd).toBeGreaterThanOrEqual(50_000); // the overpayment is owed back
    const paidTransitions = async () => (await t.db.query(`SELECT count(*)::int AS n FROM order_events WHERE to_status = 'paid' AND from_status IS DISTINCT FROM to_status`)).rows[0].n as number;
    const paidBefore = await paidTransitions();

    const rev = await upload(
      mt940([
        ':61:2611271127RC150000,NTRFNONREF//FT26331000007001', ':86:Hoan tra giao dich do ngan hang chuyen nham',
        ':61:2611271127RC200000,NTRFNONREF//RV26331000000002', `:86:Hoan tra GD FT26331000007002 ${over.ref}`,
        ':61:2611271127RD9000,NCHGNONREF//RV26331000000003', ':86:Hoan phi',
      ], 350_000),
      'reversals.sta',
    ).expect(201);
    expect(rev.body).toMatchObject({ inserted: 3, reversals: 3, matched: 0, flagged: 3 });
    for (const o of [paid, over]) {
      const now = await order(o.id);
      expect(now).toMatchObject({ status: 'paid', payment_status: 'pending', received: 0 });
      expect(now.review_reason).toMatch(/the bank reversed transfer FT2633100000700[12]/);
      const api = await t.http.get(`/orders/${o.id}`).set(bearer(t.adminKey)).expect(200);
      expect(api.body.review).toEqual({ reason: now.review_reason, flaggedAt: expect.any(String) });
    }
    const events = await t.db.query(`SELECT reason FROM order_events WHERE order_id = $1 AND reason LIKE 'review:%'`, [paid.id]);
    expect(events.rows).toHaveLength(1);
    expect(await paidTransitions()).toBe(paidBefore); // nothing newly paid
    const rows = await t.db.query(`SELECT outcome, reverses_id, direction FROM bank_transactions WHERE statement_import_id = $1 ORDER BY amount_vnd`, [rev.body.id]);
    expect(rows.rows.map((r) => r.outcome)).toEqual(['reversal', 'reversal', 'reversal']);
    expect(rows.rows[1].reverses_id).not.toBeNull(); // RC 150,000 → FT…7001
    const originals = await t.db.query(`SELECT reversed_by_id FROM bank_transactions WHERE reference_code IN ('FT26331000007001','FT26331000007002') AND NOT reversal`);
    expect(originals.rows.every((r) => r.reversed_by_id !== null)).toBe(true);
    // The overpayment owed back went with the credit: a correcting journal, the ledger balances.
    const balanceAfter = (await t.http.get(`/cooperatives/${a.id}/balance`).set(bearer(t.adminKey)).expect(200)).body;
    expect(balanceAfter.owedToBuyersVnd).toBe(balanceBefore.owedToBuyersVnd - 50_000);
    expect(balanceAfter.dueFromCooperativeVnd).toBe(balanceBefore.dueFromCooperativeVnd - 50_000);
    const journal = await t.db.query(`SELECT count(*)::int AS n FROM ledger_journals WHERE kind = 'bank_reversal'`);
    expect(journal.rows[0].n).toBe(1);
    expect((await checkLedger({ query: async (sql) => (await t.db.query(sql)).rows })).ok).toBe(true);
    // The same reversal file again changes nothing.
    const again = await upload(
      mt940([
        ':61:2611271127RC150000,NTRFNONREF//FT26331000007001', ':86:Hoan tra giao dich do ngan hang chuyen nham',
        ':61:2611271127RC200000,NTRFNONREF//RV26331000000002', `:86:Hoan tra GD FT26331000007002 ${over.ref}`,
        ':61:2611271127RD9000,NCHGNONREF//RV26331000000003', ':86:Hoan phi',
      ], 350_000),
      'reversals (1).sta',
    ).expect(201);
    expect(again.body).toMatchObject({ inserted: 0, duplicates: 3 });
  });

  it('a camt.053 reversal (RvslInd on the credit entry) takes back the credit that paid an order, as RC does', async () => {
    const [paid, over] = await orders(2, 150_000);
    const first = await upload(
      camt053([
        { side: 'CRDT', amount: 150_000, ref: 'FT26331000008001', memo: `Thanh toan ${paid.ref}` },
        { side: 'CRDT', amount: 200_000, ref: 'FT26331000008002', memo: `Thanh toan ${over.ref}` },
      ]),
      'paid.xml',
    ).expect(201);
    expect(first.body).toMatchObject({ format: 'camt053', matched: 2 });
    const balance = async () => (await t.http.get(`/cooperatives/${a.id}/balance`).set(bearer(t.adminKey)).expect(200)).body;
    const journals = async () => (await t.db.query(`SELECT count(*)::int AS n FROM ledger_journals WHERE kind = 'bank_reversal'`)).rows[0].n as number;
    const paidTransitions = async () => (await t.db.query(`SELECT count(*)::int AS n FROM order_events WHERE to_status = 'paid' AND from_status IS DISTINCT FROM to_status`)).rows[0].n as number;
    const balanceBefore = await balance();
    const journalsBefore = await journals();
    const paidBefore = await paidTransitions();

    const reversals = camt053(
      [
        { side: 'CRDT', reversal: true, amount: 150_000, ref: 'FT26331000008001', memo: 'Hoan tra giao dich do ngan hang chuyen nham' },
        { side: 'CRDT', reversal: true, amount: 200_000, ref: 'RV26331000000012', memo: `Hoan tra GD FT26331000008002 ${over.ref}` },
        { side: 'DBIT', reversal: true, amount: 9_000, ref: 'RV26331000000013', memo: 'Hoan phi' },
      ],
      350_000,
    );
    const rev = await upload(reversals, 'reversals.xml').expect(201);
    // Two credits taken back (each order flagged), a debit given back whose debit is not on file (flagged).
    expect(rev.body).toMatchObject({ inserted: 3, reversals: 3, matched: 0, flagged: 3 });
    for (const o of [paid, over]) {
      const now = await order(o.id);
      expect(now).toMatchObject({ status: 'paid', payment_status: 'pending', received: 0 });
      expect(now.review_reason).toMatch(/the bank reversed transfer FT2633100000800[12]/);
    }
    expect(await paidTransitions()).toBe(paidBefore); // nothing newly paid
    const rows = await t.db.query(`SELECT outcome, reverses_id, direction FROM bank_transactions WHERE statement_import_id = $1 ORDER BY amount_vnd`, [rev.body.id]);
    expect(rows.rows.map((r) => [r.outcome, r.direction])).toEqual([
      ['reversal', 'in'],
      ['reversal', 'out'],
      ['reversal', 'out'],
    ]);
    const originals = await t.db.query(`SELECT reversed_by_id FROM bank_transactions WHERE reference_code IN ('FT26331000008001','FT26331000008002') AND NOT reversal`);
    expect(originals.rows).toHaveLength(2);
    expect(originals.rows.every((r) => r.reversed_by_id !== null)).toBe(true);
    // The 50,000 overpayment owed back went with the credit: one correcting journal, the ledger balances.
    const balanceAfter = await balance();
    expect(balanceAfter.owedToBuyersVnd).toBe(balanceBefore.owedToBuyersVnd - 50_000);
    expect(balanceAfter.dueFromCooperativeVnd).toBe(balanceBefore.dueFromCooperativeVnd - 50_000);
    expect(await journals()).toBe(journalsBefore + 1);
    expect((await checkLedger({ query: async (sql) => (await t.db.query(sql)).rows })).ok).toBe(true);
    // The same reversal file again changes nothing.
    const again = await upload(reversals, 'reversals (1).xml').expect(201);
    expect(again.body).toMatchObject({ inserted: 0, duplicates: 3 });
  });
});
