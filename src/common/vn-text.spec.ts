import { bankAccountName, foldVietnamese } from './vn-text.js';

describe('foldVietnamese', () => {
  it.each([
    ['Cà phê', 'ca phe'],
    ['Đắk Lắk', 'dak lak'],
    ['đường', 'duong'],
    ['ĐƯỜNG', 'duong'],
    ['Thành phố Hồ Chí Minh', 'thanh pho ho chi minh'],
    ['Nước mắm Phú Quốc', 'nuoc mam phu quoc'],
    ['Mật ong bạc hà', 'mat ong bac ha'],
    ['  Trà   Shan\ttuyết\n cổ thụ  ', 'tra shan tuyet co thu'],
    ['ÂĂÊÔƠƯ âăêôơư', 'aaeoou aaeoou'],
    ['Ðà Lạt', 'da lat'], // U+00D0 look-alike for Đ
    ['', ''],
    ['   ', ''],
  ])('folds %j to %j', (input, folded) => {
    expect(foldVietnamese(input)).toBe(folded);
  });

  it('ignores where the tone mark sits (old "Hoà/Thuỷ" vs new "Hòa/Thủy")', () => {
    expect(foldVietnamese('Tỉnh Thanh Hoá')).toBe(foldVietnamese('Tỉnh Thanh Hóa'));
    expect(foldVietnamese('Khánh Hoà')).toBe(foldVietnamese('Khánh Hòa'));
    expect(foldVietnamese('Thuỷ')).toBe(foldVietnamese('Thủy'));
  });

  it('gives the same result for NFC and NFD input', () => {
    const s = 'Hợp tác xã Nông nghiệp Tân Lập';
    expect(foldVietnamese(s.normalize('NFD'))).toBe(foldVietnamese(s.normalize('NFC')));
  });

  it('is idempotent', () => {
    const once = foldVietnamese('  Bánh  Đậu Xanh Hải Dương ');
    expect(foldVietnamese(once)).toBe(once);
  });
});

describe('bankAccountName', () => {
  it.each([
    ['Hợp tác xã Nông nghiệp Tân Lập', 'HOP TAC XA NONG NGHIEP TAN LAP'],
    ['Nguyễn Văn Đức', 'NGUYEN VAN DUC'],
    ['ĐẶNG THỊ HƯƠNG', 'DANG THI HUONG'],
    ['  trần   quốc  tuấn ', 'TRAN QUOC TUAN'],
    ['Công ty TNHH A&B (Việt Nam)', 'CONG TY TNHH A B VIET NAM'],
    ['HTX Dịch vụ Nông nghiệp số 2', 'HTX DICH VU NONG NGHIEP SO 2'],
    ['Cơ sở sản xuất nước mắm Hồng Đức - Phú Quốc', 'CO SO SAN XUAT NUOC MAM HONG DUC PHU QUOC'],
    ['Hộ kinh doanh Lê Thị Bích', 'HO KINH DOANH LE THI BICH'],
  ])('prints %j as %j', (input, printed) => {
    expect(bankAccountName(input)).toEqual({ ok: true, value: printed });
  });

  it('only ever yields A–Z, 0–9 and single inner spaces', () => {
    const r = bankAccountName(' Ông  Bà-Nội_Ngoại\t“Quê” @ 3 miền! ');
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value).toMatch(/^[A-Z0-9]+( [A-Z0-9]+)*$/);
  });

  it.each([[''], ['   '], ['---'], ['!!! ...'], ['李小龙']])('rejects %j, which has nothing left', (input) => {
    const r = bankAccountName(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(/at least one letter or digit/);
  });
});
