import { KEYS_SHOWN_ONCE, welcomeLines, welcomeRows } from './welcome.js';

const base = 'http://localhost:3000';
const market = '0b6c1f7e-3d1a-4c57-9a59-0e3f7d0d2a11';
const keys = [
  { who: 'cooperative "HTX Cà phê Ea Tu"', key: 'ocop_sk_coop', page: '/seller' },
  { who: 'manager of "Chợ 4.0 Trung tâm Buôn Ma Thuột"', key: 'ocop_sk_mgr', page: `/manage/markets/${market}` },
];

describe('welcome rows', () => {
  it('gives every page with the key that opens it on the seeding start', () => {
    expect(welcomeRows(base, keys, market)).toEqual([
      { page: 'shop', label: 'Shop', url: `${base}/` },
      { page: 'seller', label: 'Seller center', url: `${base}/seller`, key: 'ocop_sk_coop', who: keys[0].who },
      { page: 'market-office', label: 'Market office', url: `${base}/manage/markets/${market}`, key: 'ocop_sk_mgr', who: keys[1].who },
      { page: 'docs', label: 'API docs', url: `${base}/docs` },
    ]);
  });

  it('lists the pages without keys on later starts, and says where keys come from', () => {
    const lines = welcomeLines(welcomeRows(base, [], market));
    expect(lines.map((l) => l.msg)).toEqual([
      `Shop           ${base}/`,
      `Seller center  ${base}/seller`,
      `Market office  ${base}/manage/markets/${market}`,
      `API docs       ${base}/docs`,
      KEYS_SHOWN_ONCE,
    ]);
  });

  it('has no market office row without a demo market', () => {
    expect(welcomeRows(base, [], null).map((r) => r.page)).toEqual(['shop', 'seller', 'docs']);
  });

  it('aligns keys and names whose they are; JSON fields carry page, url and key', () => {
    const lines = welcomeLines(welcomeRows(base, keys, market));
    expect(lines).toHaveLength(4);
    const seller = lines[1];
    expect(seller.msg).toBe(`Seller center  ${`${base}/seller`.padEnd(`${base}/manage/markets/${market}`.length)}  key ocop_sk_coop  (${keys[0].who})`);
    expect(seller.fields).toEqual({ page: 'seller', url: `${base}/seller`, apiKey: 'ocop_sk_coop', keyOf: keys[0].who });
    expect(lines[2].msg).toContain(`key ocop_sk_mgr  (${keys[1].who})`);
  });
});
