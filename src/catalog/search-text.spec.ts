import { buildSearchExtra, leadingText, MAX_QUERY_TOKENS, provinceSearchNames, searchTokens, toTsQuery } from './search-text.js';

describe('searchTokens', () => {
  it.each([
    ['ca phe', ['ca', 'phe']],
    ['Cà phê', ['ca', 'phe']],
    ['CÀ PHÊ', ['ca', 'phe']],
    ['Đắk Lắk', ['dak', 'lak']],
    ['đ', ['d']],
    ['Hoà', ['hoa']],
    ['Hòa', ['hoa']],
    ['  nước   mắm\tPhú-Quốc!! ', ['nuoc', 'mam', 'phu', 'quoc']],
    ["trà 'shan' & tuyết | !x:* <-> (y)", ['tra', 'shan', 'tuyet', 'x', 'y']],
    ['Gạo ST25 hộp 500g', ['gao', 'st25', 'hop', '500g']],
    ['Cà phê'.normalize('NFD'), ['ca', 'phe']],
  ])('%j → %j', (q, tokens) => {
    expect(searchTokens(q)).toEqual(tokens);
  });

  it.each(['', '   ', '!!!', '&|:*()', '李小龙', '—'])('finds no usable word in %j', (q) => {
    expect(searchTokens(q)).toEqual([]);
  });

  it(`keeps at most ${MAX_QUERY_TOKENS} words`, () => {
    expect(searchTokens('a b c d e f g h i j k')).toHaveLength(MAX_QUERY_TOKENS);
  });
});

describe('toTsQuery', () => {
  it('ANDs the words, the last one as a prefix', () => {
    expect(toTsQuery(['ca', 'phe'])).toBe('ca & phe:*');
    expect(toTsQuery(['d'])).toBe('d:*');
    expect(toTsQuery(['nuoc', 'mam', 'phu', 'quoc'])).toBe('nuoc & mam & phu & quoc:*');
  });
  it('restricts every word to a weight when asked', () => {
    expect(toTsQuery(['ca', 'phe'], 'A')).toBe('ca:A & phe:*A');
  });
  it('refuses unsanitized input', () => {
    expect(() => toTsQuery([])).toThrow(RangeError);
    expect(() => toTsQuery(["ca'"])).toThrow(RangeError);
    expect(() => toTsQuery(['Cà'])).toThrow(RangeError);
  });
});

describe('buildSearchExtra', () => {
  it('folds the cooperative, the province and the start of the description', () => {
    expect(buildSearchExtra('Hợp tác xã Cà phê Ea Tu', 'Đắk Lắk', 'Rang mộc,  không tẩm ướp.')).toBe('hop tac xa ca phe ea tu dak lak rang moc, khong tam uop.');
  });
  it('keeps only about 300 characters of the description, cut between words', () => {
    const description = 'mật ong '.repeat(100);
    const extra = buildSearchExtra('HTX', 'Huế', description);
    expect(extra.length).toBeLessThanOrEqual('htx hue '.length + 300);
    expect(extra.endsWith('mat ong') || extra.endsWith('mat')).toBe(true);
  });
  it('leadingText leaves short text alone', () => {
    expect(leadingText('ngắn', 300)).toBe('ngắn');
  });
});

describe('provinceSearchNames', () => {
  it('adds the English name only when it folds differently', () => {
    expect(provinceSearchNames({ name: 'Hà Nội', nameEn: 'Hanoi' })).toBe('Hà Nội Hanoi');
    expect(provinceSearchNames({ name: 'Đắk Lắk', nameEn: 'Dak Lak' })).toBe('Đắk Lắk');
  });
});
