import { foldVietnamese, normalizeMemo, normalizeMemoWithPositions } from './normalize.js';

describe('normalizeMemo', () => {
  it.each([
    ['Thanh toán đơn hàng OC7K4M9P2XG', 'THANHTOANDONHANGOC7K4M9P2XG'],
    ['ĐẶT HÀNG OCOP – mã oc-7k4m 9p2x.g', 'DATHANGOCOPMAOC7K4M9P2XG'],
    ['Nguyễn Thị Ngọc Ánh chuyển khoản', 'NGUYENTHINGOCANHCHUYENKHOAN'],
    ['Ưu đãi Phở Bò Lạng Sơn', 'UUDAIPHOBOLANGSON'],
    ['MBVCB.5123456789.123456.OC7K4M9P2XG.CT tu 0011004123456', 'MBVCB5123456789123456OC7K4M9P2XGCTTU0011004123456'],
    ['oc\t7k4m\n9p2x\u00a0g', 'OC7K4M9P2XG'], // tabs, newlines, no-break space
    ['Thanh toa\u0301n \u0111o\u031b\u0301n', 'THANHTOANDON'], // already decomposed input (NFD)
    ['Ðơn hàng', 'DONHANG'], // U+00D0 typed for Đ
    ['Straße café', 'STRASSECAFE'],
    ['“OC7K4M9P2XG” — 500.000₫ (5%)', 'OC7K4M9P2XG5000005'],
    ['Ｏ Ｃ 中文 😀', ''], // full-width and non-Latin characters are dropped, not guessed
    ['', ''],
  ])('%j → %j', (memo, expected) => {
    expect(normalizeMemo(memo)).toBe(expected);
  });

  it('maps every normalised character back to its position in the original memo', () => {
    const memo = 'Đơn hàng: oc-7k4m 9p2x g 😀 ạ';
    const { text, positions } = normalizeMemoWithPositions(memo);
    expect(text).toBe('DONHANGOC7K4M9P2XGA');
    expect(positions).toHaveLength(text.length);
    text.split('').forEach((ch, i) => {
      expect(normalizeMemo(memo[positions[i]])).toBe(ch);
    });
    const start = positions[text.indexOf('OC')];
    expect(memo.slice(start, positions[text.indexOf('OC') + 10] + 1)).toBe('oc-7k4m 9p2x g');
    expect(positions[text.length - 1]).toBe(memo.length - 1); // after a surrogate pair: UTF-16 offsets
  });
});

describe('foldVietnamese', () => {
  it.each([
    ['  Cà phê   Buôn Ma Thuột ĐẶC BIỆT ', 'ca phe buon ma thuot dac biet'],
    ['Mật ong hoa nhãn Hưng Yên', 'mat ong hoa nhan hung yen'],
    ['Đường phèn Quảng Ngãi', 'duong phen quang ngai'],
    ['Nước mắm Phú Quốc\n\t40 độ đạm', 'nuoc mam phu quoc 40 do dam'],
    ['Trà Shan Tuyết – Hà Giang (500g)', 'tra shan tuyet – ha giang (500g)'],
    ['NGUYỄN VĂN ĐỨC', 'nguyen van duc'],
    ['Tho\u0309 ca\u0302\u0300m', 'tho cam'], // decomposed input
    ['', ''],
  ])('%j → %j', (text, expected) => {
    expect(foldVietnamese(text)).toBe(expected);
  });

  it('is idempotent and agrees with normalizeMemo on letters and digits', () => {
    for (const s of ['Bánh pía Sóc Trăng', 'Gạo ST25 Đồng Tháp', 'Chè Thái Nguyên']) {
      expect(foldVietnamese(foldVietnamese(s))).toBe(foldVietnamese(s));
      expect(normalizeMemo(foldVietnamese(s))).toBe(normalizeMemo(s));
    }
  });
});
