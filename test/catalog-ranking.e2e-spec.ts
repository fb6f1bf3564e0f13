/**
 * Search ranking on real OCOP product names (SPEC: a product whose name starts with the searched
 * words ranks before one that only mentions them). Products of two cooperatives of the Central
 * Highlands: a coffee cooperative in Đắk Lắk and a farm cooperative in Đà Lạt (Lâm Đồng).
 *
 * Stars and creation times are chosen so that any ranking other than the SPEC's fails: the honey
 * that mentions coffee has more stars and is newer than the coffees.
 */
import { ManualClock } from '../src/common/clock.js';
import { bearer, createTestApp, type TestApp } from './harness/app.js';
import { createCooperative, type CreatedCooperative, productBody } from './harness/fixtures.js';

const START = '2026-01-10T03:00:00.000Z';

describe('search ranking on real OCOP product names (e2e)', () => {
  let t: TestApp;
  const clock = new ManualClock(new Date(START));
  const id: Record<string, string> = {};
  let eaKaoId: string;

  async function create(coop: CreatedCooperative, key: string, name: string, stars: 3 | 4 | 5, extra: Record<string, unknown> = {}): Promise<void> {
    const body = productBody({ name, ...extra });
    const res = await t.http
      .post('/products')
      .set(bearer(coop.key))
      .send({ ...body, ocop: { ...(body.ocop as object), stars } });
    if (res.status !== 201) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
    id[key] = res.body.id;
    clock.advance(1000); // strictly newer than the previous one
  }

  async function search(query: Record<string, string | number>, limit = 100): Promise<string[]> {
    const res = await t.http.get('/products').query({ limit, ...query });
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    return res.body.items.map((p: { name: string }) => p.name);
  }

  /** Every page of `limit` items, following nextCursor. */
  async function walk(query: Record<string, string | number>, limit: number): Promise<string[]> {
    const out: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 50; i++) {
      const res = await t.http.get('/products').query({ ...query, limit, ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      out.push(...res.body.items.map((p: { name: string }) => p.name));
      if (!res.body.nextCursor) return out;
      cursor = res.body.nextCursor;
    }
    throw new Error('too many pages');
  }

  beforeAll(async () => {
    t = await createTestApp({ clock });
    const eaKao = await createCooperative(t); // "Hợp tác xã Cà phê Ea Kao", Đắk Lắk
    eaKaoId = eaKao.id;
    const dalat = await createCooperative(t, {
      name: 'Hợp tác xã Nông nghiệp Cầu Đất',
      taxCode: '0100109106',
      provinceCode: '68',
      communeCode: '24805',
      address: 'Thôn Trường Sơn, phường Xuân Trường - Đà Lạt',
      bankAccount: { bankBin: '970436', accountNumber: '1029 876 543', accountName: 'HTX Nong nghiep Cau Dat' },
    });
    const plain = { description: '' };
    await create(eaKao, 'robusta', 'Cà phê Robusta Buôn Ma Thuột', 4, { description: 'Hạt Robusta chín đỏ, rang mộc.' });
    await create(dalat, 'arabica', 'Cà phê Arabica Cầu Đất', 4, { description: 'Arabica trồng ở độ cao 1.600 m, sơ chế ướt.' });
    await create(dalat, 'weasel', 'Cà phê chồn Đà Lạt', 3, plain);
    await create(dalat, 'flowerTea', 'Trà hoa cà phê', 4, { description: 'Hoa cà phê sấy lạnh, pha cùng mật ong.' });
    await create(eaKao, 'honey', 'Mật ong hoa cà phê', 5, { description: 'Mật ong nguyên chất từ vườn cà phê mùa hoa nở.' });
    await create(eaKao, 'pepper', 'Hồ tiêu đen Ea Kao', 5, plain); // only its cooperative's name says coffee
    await create(dalat, 'avocado', 'Bơ sáp Lâm Đồng', 3, { description: 'Bơ sáp trồng xen trong vườn cà phê.' }); // only its description does
    await create(dalat, 'limes', 'Chanh đào ngâm mật ong', 4, plain);
    await create(dalat, 'strawberries', 'Dâu tây Đà Lạt', 4, plain);
  });

  afterAll(async () => {
    await t.close();
  });

  const COFFEE = [
    // the name starts with "cà phê": most stars first, then newest
    'Cà phê Arabica Cầu Đất',
    'Cà phê Robusta Buôn Ma Thuột',
    'Cà phê chồn Đà Lạt',
    // the name holds "cà phê" further on
    'Mật ong hoa cà phê',
    'Trà hoa cà phê',
    // only the cooperative or the description mentions it
    'Hồ tiêu đen Ea Kao',
    'Bơ sáp Lâm Đồng',
  ];

  it('"ca phe": names that start with the words, then names that hold them, then the rest', async () => {
    expect(await search({ q: 'ca phe' })).toEqual(COFFEE);
  });

  it('diacritics, case and an unfinished last word do not change the ranking', async () => {
    for (const q of ['Cà phê', 'CÀ PHÊ', 'Cà phê'.normalize('NFD'), 'ca ph', 'cà  phê!']) {
      expect(await search({ q })).toEqual(COFFEE);
    }
  });

  it('"mat ong": the honey first, then limes in honey, then what only describes honey', async () => {
    expect(await search({ q: 'mat ong' })).toEqual(['Mật ong hoa cà phê', 'Chanh đào ngâm mật ong', 'Trà hoa cà phê']);
  });

  it('"d" finds "đ": "dau tay da lat" finds the strawberries, "da lat" ranks the names before the cooperative\'s address', async () => {
    expect(await search({ q: 'dau tay da lat' })).toEqual(['Dâu tây Đà Lạt']);
    // "Đà Lạt" is in two names (at the end); the Cầu Đất cooperative's address is not searched.
    expect(await search({ q: 'da lat' })).toEqual(['Dâu tây Đà Lạt', 'Cà phê chồn Đà Lạt']);
    expect(await search({ q: 'ĐÀ LẠT' })).toEqual(['Dâu tây Đà Lạt', 'Cà phê chồn Đà Lạt']);
  });

  it('a longer query narrows to the names that start with all its words', async () => {
    expect(await search({ q: 'ca phe arabica' })).toEqual(['Cà phê Arabica Cầu Đất']);
    expect(await search({ q: 'ca phe r' })).toEqual(['Cà phê Robusta Buôn Ma Thuột']);
  });

  it('pages through the tiers with cursors, without duplicates or gaps', async () => {
    for (const limit of [1, 2, 3]) expect(await walk({ q: 'ca phe' }, limit)).toEqual(COFFEE);
  });

  it('with filters the ranking is the same (one-pass plan), restricted to what the filters keep', async () => {
    // A price filter that keeps everything takes the one-pass plan: same order as the tier walk.
    expect(await search({ q: 'ca phe', minPriceVnd: 1 })).toEqual(COFFEE);
    for (const limit of [1, 3]) expect(await walk({ q: 'ca phe', minPriceVnd: 1 }, limit)).toEqual(COFFEE);
    expect(await search({ q: 'ca phe', provinceCode: '68' })).toEqual(['Cà phê Arabica Cầu Đất', 'Cà phê chồn Đà Lạt', 'Trà hoa cà phê', 'Bơ sáp Lâm Đồng']);
    expect(await search({ q: 'ca phe', minStars: 4 })).toEqual(['Cà phê Arabica Cầu Đất', 'Cà phê Robusta Buôn Ma Thuột', 'Mật ong hoa cà phê', 'Trà hoa cà phê', 'Hồ tiêu đen Ea Kao']);
    expect(await search({ q: 'ca phe', cooperativeId: eaKaoId })).toEqual([
      'Cà phê Robusta Buôn Ma Thuột',
      'Mật ong hoa cà phê',
      'Hồ tiêu đen Ea Kao',
    ]);
  });

  it('a renamed product moves to its new tier', async () => {
    const res = await t.http.patch(`/products/${id.pepper}`).set(bearer(t.adminKey)).send({ name: 'Cà phê tiêu Ea Kao' });
    expect(res.status).toBe(200);
    expect((await search({ q: 'ca phe' }))[0]).toBe('Cà phê tiêu Ea Kao'); // 5★, first of the first tier
    await t.http.patch(`/products/${id.pepper}`).set(bearer(t.adminKey)).send({ name: 'Hồ tiêu đen Ea Kao' }).expect(200);
    expect(await search({ q: 'ca phe' })).toEqual(COFFEE);
  });
});
