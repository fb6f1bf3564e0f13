import { foldVietnamese } from '../../common/vn-text.js';
import communes from './communes.json' with { type: 'json' };
import provinces from './provinces.json' with { type: 'json' };

/**
 * The shipped region data: built by scripts/build-regions.js from shared/data (see SOURCES.md).
 * If a rebuild from a newer upstream changes these counts, update them here and in SOURCES.md.
 */
describe('regions data', () => {
  const provinceCodes = new Set(provinces.map((p) => p.code));

  it('has the 34 provinces of the two-level administration (7 cities, 27 provinces)', () => {
    expect(provinces).toHaveLength(34);
    expect(provinces.filter((p) => p.type === 'city')).toHaveLength(7);
    expect(provinces.filter((p) => p.type === 'province')).toHaveLength(27);
    expect(provinces.every((p) => p.type === 'city' || p.type === 'province')).toBe(true);
  });

  it('has 3,321 communes: 2,611 Xã, 697 Phường, 13 Đặc khu', () => {
    expect(communes).toHaveLength(3321);
    const count = (t: string) => communes.filter((c) => c.type === t).length;
    expect(count('commune')).toBe(2611);
    expect(count('ward')).toBe(697);
    expect(count('special_zone')).toBe(13);
  });

  it('spells every full name as its unit + name, the unit agreeing with the type', () => {
    const unit: Record<string, string> = {
      city: 'Thành phố',
      province: 'Tỉnh',
      commune: 'Xã',
      ward: 'Phường',
      special_zone: 'Đặc khu',
    };
    const mismatches = [...provinces, ...communes].filter((u) => u.fullName !== `${unit[u.type]} ${u.name}`);
    expect(mismatches).toEqual([]);
  });

  it('uses string codes with their leading zeros: 2 digits for provinces, 5 for communes', () => {
    for (const p of provinces) expect(p.code).toMatch(/^\d{2}$/);
    for (const c of communes) expect(c.code).toMatch(/^\d{5}$/);
    expect(provinces[0].code).toBe('01');
    expect(communes[0].code).toBe('00004');
  });

  it('has unique codes', () => {
    expect(provinceCodes.size).toBe(provinces.length);
    expect(new Set(communes.map((c) => c.code)).size).toBe(communes.length);
  });

  it("puts each commune in a province that exists, and gives every province communes", () => {
    for (const c of communes) expect(provinceCodes.has(c.provinceCode)).toBe(true);
    const withCommunes = new Set(communes.map((c) => c.provinceCode));
    expect(withCommunes.size).toBe(34);
  });

  it('is sorted: provinces by code, communes by province then code', () => {
    const sorted = <T>(xs: T[], key: (x: T) => string) => xs.every((x, i) => i === 0 || key(xs[i - 1]) < key(x));
    expect(sorted(provinces, (p) => p.code)).toBe(true);
    expect(sorted(communes, (c) => `${c.provinceCode}/${c.code}`)).toBe(true);
  });

  it('keeps all text in NFC, trimmed and non-empty', () => {
    const texts = [
      ...provinces.flatMap((p) => [p.name, p.fullName, p.nameEn]),
      ...communes.flatMap((c) => [c.name, c.fullName]),
    ];
    for (const t of texts) {
      expect(t).toBe(t.normalize('NFC'));
      expect(t).toBe(t.trim());
      expect(t.length).toBeGreaterThan(0);
    }
  });

  it('contains well-known units', () => {
    const byName = (name: string) => provinces.find((p) => p.name === name);
    expect(byName('Hà Nội')).toMatchObject({ code: '01', fullName: 'Thành phố Hà Nội', type: 'city' });
    expect(byName('Hồ Chí Minh')).toMatchObject({ code: '79', fullName: 'Thành phố Hồ Chí Minh', type: 'city' });
    expect(byName('Đắk Lắk')).toMatchObject({ code: '66', fullName: 'Tỉnh Đắk Lắk', type: 'province' });
    expect(communes.find((c) => c.code === '00004')).toMatchObject({
      fullName: 'Phường Ba Đình',
      provinceCode: '01',
      type: 'ward',
    });
    expect(communes.find((c) => c.code === '31078')).toMatchObject({
      fullName: 'Đặc khu Phú Quốc',
      provinceCode: '91',
      type: 'special_zone',
    });
  });

  it('can be matched regardless of where the tone mark sits (data spells "Thanh Hoá", users type "Thanh Hóa")', () => {
    const typed = foldVietnamese('thanh hóa');
    expect(provinces.filter((p) => foldVietnamese(p.name) === typed).map((p) => p.code)).toEqual(['38']);
  });
});
