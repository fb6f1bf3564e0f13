import { bearer, createTestApp, type TestApp } from './harness/app.js';
import { cooperativeBody, createCooperative, VALID_TAX_CODES } from './harness/fixtures.js';

describe('cooperatives (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const count = async () => (await t.db.query('SELECT count(*)::int AS n FROM cooperatives')).rows[0].n as number;

  it('creates a cooperative, normalising phone, email and the account as banks print it', async () => {
    const res = await t.http.post('/cooperatives').set(bearer(t.adminKey)).send(cooperativeBody()).expect(201);
    expect(res.body).toMatchObject({
      name: 'Hợp tác xã Cà phê Ea Kao',
      kind: 'cooperative',
      taxCode: '0300588569',
      provinceCode: '66',
      provinceName: 'Tỉnh Đắk Lắk',
      communeCode: '24169',
      communeName: 'Phường Ea Kao',
      phone: '0912345678',
      email: 'lienhe@htx-eakao.vn',
      bankAccount: { bankBin: '970436', bankName: 'Vietcombank', accountNumber: '1023456789', accountName: 'HOP TAC XA CA PHE EA KAO' },
    });
    const row = (await t.db.query('SELECT * FROM cooperatives WHERE id = $1', [res.body.id])).rows[0];
    expect(row.bank_account_name).toBe('HOP TAC XA CA PHE EA KAO');
    const got = await t.http.get(`/cooperatives/${res.body.id}`).expect(200);
    expect(got.body).toEqual(res.body);
  });

  it('accepts a branch tax code (10-3)', async () => {
    const res = await t.http.post('/cooperatives').set(bearer(t.adminKey)).send(cooperativeBody({ taxCode: `${VALID_TAX_CODES[0]}-001` })).expect(201);
    expect(res.body.taxCode).toBe('0300588569-001');
  });

  it('409 on a duplicate tax code, and nothing stored', async () => {
    const before = await count();
    const res = await t.http.post('/cooperatives').set(bearer(t.adminKey)).send(cooperativeBody({ name: 'Another' })).expect(409);
    expect(res.body).toMatchObject({ statusCode: 409, code: 'duplicate_tax_code', details: [{ field: 'taxCode', problem: 'is already registered' }] });
    expect(await count()).toBe(before);
  });

  it.each([
    [{ taxCode: '0300588568' }, 'taxCode'],
    [{ taxCode: '030058856' }, 'taxCode'],
    [{ taxCode: '0300588569-000' }, 'taxCode'],
    [{ communeCode: '00004' }, 'communeCode'], // Ba Đình is in Hà Nội, not Đắk Lắk
    [{ provinceCode: '99' }, 'provinceCode'],
    [{ kind: 'company' }, 'kind'],
    [{ phone: '12345' }, 'phone'],
    [{ email: 'not-an-email' }, 'email'],
    [{ bankAccount: { bankBin: '999999', accountNumber: '1023456789', accountName: 'HTX' } }, 'bankAccount.bankBin'],
    [{ bankAccount: { bankBin: '970436', accountNumber: '12AB', accountName: 'HTX' } }, 'bankAccount.accountNumber'],
    [{ bankAccount: { bankBin: '970436', accountNumber: '1023456789', accountName: '!!' } }, 'bankAccount.accountName'],
    [{ name: 'x' }, 'name'],
    [{ extra: 1 }, 'extra'],
  ])('400 for %j naming %s, nothing stored', async (override, field) => {
    const before = await count();
    const res = await t.http.post('/cooperatives').set(bearer(t.adminKey)).send(cooperativeBody({ taxCode: VALID_TAX_CODES[3], ...override })).expect(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(res.body.details.every((d: { problem: string }) => d.problem.length > 3)).toBe(true);
    expect(await count()).toBe(before);
  });

  it('names every invalid field at once', async () => {
    const res = await t.http
      .post('/cooperatives')
      .set(bearer(t.adminKey))
      .send({ name: '', kind: 'x', taxCode: 5, provinceCode: '1', communeCode: 'a', address: '', bankAccount: {} })
      .expect(400);
    const fields = res.body.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'kind', 'taxCode', 'provinceCode', 'communeCode', 'address', 'bankAccount.bankBin', 'bankAccount.accountNumber', 'bankAccount.accountName']));
  });

  it('lists with cursor pagination and filters', async () => {
    await createCooperative(t, { taxCode: VALID_TAX_CODES[1], provinceCode: '01', communeCode: '00577', name: 'HTX Gốm Bát Tràng' });
    await createCooperative(t, { taxCode: VALID_TAX_CODES[2], provinceCode: '91', communeCode: '31078', name: 'HTX Nước mắm Phú Quốc' });
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await t.http
        .get('/cooperatives')
        .query(cursor ? { limit: 1, cursor } : { limit: 1 })
        .expect(200);
      expect(res.body.items.length).toBeLessThanOrEqual(1);
      all.push(...res.body.items.map((c) => c.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(await count());
    const hn = await t.http.get('/cooperatives').query({ provinceCode: '01' }).expect(200);
    expect(hn.body.items.map((c: { name: string }) => c.name)).toEqual(['HTX Gốm Bát Tràng']);
    await t.http.get('/cooperatives').query({ limit: 101 }).expect(400);
    await t.http.get('/cooperatives').query({ limit: 'ten' }).expect(400);
  });

  describe('ownership', () => {
    let a: Awaited<ReturnType<typeof createCooperative>>;
    let b: Awaited<ReturnType<typeof createCooperative>>;
    beforeAll(async () => {
      a = await createCooperative(t, { taxCode: VALID_TAX_CODES[4], name: 'HTX A' });
      b = await createCooperative(t, { taxCode: '0301447426', name: 'HTX B' });
    });

    it('a cooperative updates itself; re-validates the merged record', async () => {
      const res = await t.http.patch(`/cooperatives/${a.id}`).set(bearer(a.key)).send({ address: 'Số 1 Lê Duẩn' }).expect(200);
      expect(res.body.address).toBe('Số 1 Lê Duẩn');
      const bad = await t.http.patch(`/cooperatives/${a.id}`).set(bearer(a.key)).send({ communeCode: '00004' }).expect(400);
      expect(bad.body.details[0].field).toBe('communeCode');
    });

    it('only an admin changes the tax code', async () => {
      const res = await t.http.patch(`/cooperatives/${a.id}`).set(bearer(a.key)).send({ taxCode: '0301447426' }).expect(400);
      expect(res.body.details).toEqual([{ field: 'taxCode', problem: 'only an admin may change the tax code' }]);
      // and the admin hits the unique constraint → 409
      await t.http.patch(`/cooperatives/${a.id}`).set(bearer(t.adminKey)).send({ taxCode: '0301447426' }).expect(409);
    });

    it('403 on another cooperative; 401 anonymous', async () => {
      await t.http.patch(`/cooperatives/${b.id}`).set(bearer(a.key)).send({ address: 'x y z' }).expect(403);
      await t.http.post(`/cooperatives/${b.id}/api-keys`).set(bearer(a.key)).send({ name: 'steal' }).expect(403);
      await t.http.patch(`/cooperatives/${b.id}`).send({ address: 'x y z' }).expect(401);
      expect((await t.db.query('SELECT address FROM cooperatives WHERE id = $1', [b.id])).rows[0].address).not.toBe('x y z');
    });

    it('a cooperative key cannot create cooperatives', async () => {
      await t.http.post('/cooperatives').set(bearer(a.key)).send(cooperativeBody({ taxCode: '0100100079' })).expect(403);
    });

    it('a cooperative lists and revokes only its own keys', async () => {
      const extra = await t.http.post(`/cooperatives/${a.id}/api-keys`).set(bearer(a.key)).send({ name: 'second' }).expect(201);
      expect(extra.body).toMatchObject({ role: 'cooperative', cooperativeId: a.id });
      const list = await t.http.get('/api-keys').set(bearer(a.key)).expect(200);
      expect(list.body.items.every((k: { cooperativeId: string }) => k.cooperativeId === a.id)).toBe(true);
      const bKeys = await t.http.get('/api-keys').set(bearer(b.key)).expect(200);
      await t.http.delete(`/api-keys/${bKeys.body.items[0].id}`).set(bearer(a.key)).expect(403);
      await t.http.delete(`/api-keys/${extra.body.id}`).set(bearer(a.key)).expect(200);
      await t.http.get('/me').set(bearer(extra.body.key)).expect(401);
      await t.http.get('/me').set(bearer(a.key)).expect(200);
    });

    it('404 for an unknown cooperative, 400 for a malformed id', async () => {
      await t.http.get('/cooperatives/7d1c5d2e-8c7a-4a51-9f7e-2f8f4b9c1a11').expect(404);
      await t.http.get('/cooperatives/123').expect(400);
      await t.http.post('/cooperatives/7d1c5d2e-8c7a-4a51-9f7e-2f8f4b9c1a11/api-keys').set(bearer(t.adminKey)).send({ name: 'k' }).expect(404);
    });
  });
});
