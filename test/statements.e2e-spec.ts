import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../src/common/clock.js';
import { checkLedger } from '../src/ledger/ledger.service.js';
import { bearer, createTestApp, type TestApp } from './harness/app.js';
import { buyer, createCooperative, createProduct, type CreatedCooperative } from './harness/fixtures.js';

const FIXTURES = join(process.cwd(), 'test/fixtures/statements');

describe('statement imports (e2e)', () => {
  let t: TestApp;
  const clock = new ManualClock(new Date('2026-11-27T02:00:00Z'));
  let a: CreatedCooperative;
  let other: CreatedCooperative;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createCooperative(t, { taxCode: '0300588569' }); // account 1023456789, like the fixtures
    other = await createCooperative(t, { taxCode: '0100109106', bankAccount: { bankBin: '970422', accountNumber: '0881000123456', accountName: 'HTX B' } });
  });
  afterAll(async () => {
    expect((await checkLedger({ query: async (sql) => (await t.db.query(sql)).rows })).ok).toBe(true);
    await t.close();
  });

  const upload = (file: Buffer | string, name: string, query: Record<string, string> = {}, key = t.adminKey) =>
    t.http
      .post('/reconciliation/statements')
      .query({ wait: 'true', ...query })
      .set(bearer(key))
      .attach('file', typeof file === 'string' ? readFileSync(join(FIXTURES, file)) : file, name);
  const count = async () => (await t.db.query('SELECT count(*)::int AS n FROM bank_transactions')).rows[0].n as number;

  async function orders(n: number, price = 100000) {
    const p = await createProduct(t, a.key, { priceVnd: price, stockQty: 100 });
    const out: Array<{ id: string; ref: string }> = [];
    for (let i = 0; i < n; i++) {
      const res = await t.http.post('/checkout').send({ buyer: buyer(), items: [{ productId: p, qty: 1 }], paymentMethod: 'vietqr' }).expect(201);
      out.push({ id: res.body.orders[0].id, ref: res.body.orders[0].payment.reference });
    }
    return out;
  }

  it('imports a canonical CSV, matches memos in bank shapes, and importing it again adds nothing', async () => {
    const os = await orders(3);
    const csv = [
      'transaction_id,booked_at,account_number,direction,amount,description',
      `S-1,2026-11-27 09:10:00,1023456789,in,100000,MBVCB.5123456789.012345.${os[0].ref.toLowerCase()} thanh toan.CT tu 0011001234567 NGUYEN VAN A`,
      `S-2,2026-11-27 09:11:00,1023456789,in,"60,000",IBFT ${os[1].ref.slice(0, 6)} ${os[1].ref.slice(6)} lan 1`,
      `S-3,2026-11-27 09:12:00,1023456789,in,40000,IBFT ${os[1].ref} lan 2`,
      `S-4,2026-11-27 09:13:00,1023456789,in,100000,chuyen tien khong ghi noi dung`,
      `S-5,2026-11-27 09:14:00,1023456789,out,20000,phi dich vu`,
      `,2026-11-27 09:15:00,1023456789,in,100000,Thanh toán đơn ${os[2].ref}`,
    ].join('\n');
    const res = await upload(Buffer.from(csv), 'sao-ke.csv').expect(201);
    expect(res.body).toMatchObject({ status: 'completed', format: 'csv', linesRead: 6, inserted: 6, duplicates: 0, matched: 4, unmatched: 1 });
    const st = await t.db.query(`SELECT o.id, o.status FROM orders o WHERE o.id = ANY($1::uuid[])`, [os.map((o) => o.id)]);
    expect(st.rows.every((r) => r.status === 'paid')).toBe(true);
    const got = await t.http.get(`/reconciliation/statements/${res.body.id}`).set(bearer(t.adminKey)).expect(200);
    expect(got.body).toMatchObject({ id: res.body.id, status: 'completed', inserted: 6 });

    const before = await count();
    const again = await upload(Buffer.from(csv), 'sao-ke (1).csv').expect(201);
    expect(again.body).toMatchObject({ status: 'completed', linesRead: 6, inserted: 0, duplicates: 6 });
    expect(await count()).toBe(before);
  });

  it('an admin imports a statement of several accounts (no accountNumber): every account is kept, each order paid', async () => {
    const [oa] = await orders(1, 120000);
    const pb = await createProduct(t, other.key, { priceVnd: 90000, stockQty: 10 });
    const ob = (await t.http.post('/checkout').send({ buyer: buyer(), items: [{ productId: pb, qty: 1 }], paymentMethod: 'vietqr' }).expect(201)).body.orders[0];
    const csv = [
      'transaction_id,booked_at,account_number,direction,amount,description',
      `M-1,2026-11-27 09:05:00,1023456789,in,120000,IBFT ${oa.ref}`,
      `M-2,2026-11-27 09:06:00,0881000123456,in,90000,IBFT ${ob.payment.reference}`,
    ].join('\n');
    const res = await upload(Buffer.from(csv), 'hai-tai-khoan.csv').expect(201);
    expect(res.body).toMatchObject({ status: 'completed', linesRead: 2, inserted: 2, matched: 2, error: null });
    const st = await t.db.query(`SELECT status FROM orders WHERE id = ANY($1::uuid[])`, [[oa.id, ob.id]]);
    expect(st.rows.map((r) => r.status)).toEqual(['paid', 'paid']);
  });

  it('an import cut short and run again ends in the same state as one uninterrupted run', async () => {
    const os = await orders(4, 50000);
    const lines = os.map((o, i) => `R-${i},2026-11-27 09:0${i}:00,1023456789,in,50000,IBFT ${o.ref}`);
    const header = 'transaction_id,booked_at,account_number,direction,amount,description';
    // The first half lands (as if the process died after its batch committed), then the whole file.
    await upload(Buffer.from([header, ...lines.slice(0, 2)].join('\n')), 'half.csv').expect(201);
    const full = await upload(Buffer.from([header, ...lines].join('\n')), 'full.csv').expect(201);
    expect(full.body).toMatchObject({ inserted: 2, duplicates: 2 });
    const rows = await t.db.query(`SELECT external_id, outcome FROM bank_transactions WHERE external_id LIKE '1023456789:R-%' ORDER BY external_id`);
    expect(rows.rows).toEqual(lines.map((_, i) => ({ external_id: `1023456789:R-${i}:in:50000:2026-11-27`, outcome: 'paid' })));
    const paid = await t.db.query(`SELECT count(*)::int AS n FROM orders WHERE id = ANY($1::uuid[]) AND status = 'paid'`, [os.map((o) => o.id)]);
    expect(paid.rows[0].n).toBe(4);
  });

  it.each([
    ['vcb-export.csv', 'csv', '1023456789'],
    ['techcombank-export.csv', 'csv', '19031234567012'],
    ['camt053.xml', 'camt053', '1023456789'],
    ['camt054.xml', 'camt054', '19031234567012'],
    ['statement.mt940', 'mt940', '1023456789'],
  ])('imports the realistic %s fixture (%s)', async (file, format, account) => {
    const res = await upload(file, file, { accountNumber: account });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    expect(res.body).toMatchObject({ status: 'completed', format });
    expect(res.body.linesRead).toBeGreaterThan(0);
    expect(res.body.inserted + res.body.duplicates).toBe(res.body.linesRead);
  });

  it.each([
    ['canonical-bad-amount.csv', /line \d+/],
    ['vcb-bad-date.csv', /line \d+/],
    ['camt053-foreign-currency.xml', /entry \d+|VND/],
    ['camt053-truncated.xml', /./],
    ['mt940-bad-amount.mt940', /transaction \d+|line \d+/],
  ])('rejects the broken %s with a 400 naming the line, and stores nothing', async (file, re) => {
    const before = await count();
    const imports = (await t.db.query('SELECT count(*)::int AS n FROM statement_imports')).rows[0].n;
    const res = await upload(`broken/${file}`, file, { accountNumber: '1023456789' }).expect(400);
    expect(res.body.details[0].field).toMatch(re);
    expect(res.body.details[0].problem.length).toBeGreaterThan(3);
    expect(await count()).toBe(before);
    expect((await t.db.query('SELECT count(*)::int AS n FROM statement_imports')).rows[0].n).toBe(imports);
  });

  it('a cooperative imports only its own account; a missing file is 400; anonymous 401', async () => {
    await upload('canonical.csv', 'canonical.csv', { accountNumber: '1023456789' }, other.key).expect(403);
    const mismatch = await upload('canonical.csv', 'canonical.csv', {}, other.key);
    expect([400, 403]).toContain(mismatch.status); // the file's account column is not theirs
    await t.http.post('/reconciliation/statements').set(bearer(t.adminKey)).expect(400);
    await t.http.post('/reconciliation/statements').attach('file', Buffer.from('x'), 'x.csv').expect(401);
    const own = await upload('canonical.csv', 'canonical.csv', {}, a.key).expect(201);
    expect(own.body.accountNumber).toBe('1023456789');
    await t.http.get(`/reconciliation/statements/${own.body.id}`).set(bearer(other.key)).expect(403);
  });

  it('answers 202 at once without wait, then shows progress to completion', async () => {
    const res = await t.http.post('/reconciliation/statements').set(bearer(t.adminKey)).attach('file', readFileSync(join(FIXTURES, 'canonical.csv')), 'canonical-2.csv').expect(202);
    expect(res.body.status).toBe('processing');
    let status = 'processing';
    for (let i = 0; i < 50 && status === 'processing'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = (await t.http.get(`/reconciliation/statements/${res.body.id}`).set(bearer(t.adminKey)).expect(200)).body.status;
    }
    expect(status).toBe('completed');
  });
});
