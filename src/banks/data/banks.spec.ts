import banks from './banks.json' with { type: 'json' };

/** The shipped NAPAS / VietQR bank list (see SOURCES.md for origin and edits). */
describe('banks data', () => {
  const byBin = new Map(banks.map((b) => [b.bin, b]));

  it('has the VietQR list (58 rows from vietnam-qr-pay 1.5.1)', () => {
    expect(banks.length).toBe(58);
  });

  it('has 6-digit string BINs, unique', () => {
    for (const b of banks) expect(b.bin).toMatch(/^\d{6}$/);
    expect(byBin.size).toBe(banks.length);
  });

  it('has unique codes and non-empty NFC names', () => {
    expect(new Set(banks.map((b) => b.code)).size).toBe(banks.length);
    for (const b of banks) {
      for (const t of [b.code, b.shortName, b.name]) {
        expect(t.trim()).toBe(t);
        expect(t.length).toBeGreaterThan(0);
        expect(t).toBe(t.normalize('NFC'));
      }
    }
  });

  it('has only well-formed SWIFT codes where present', () => {
    for (const b of banks as Array<{ swiftCode?: string }>) {
      if (b.swiftCode !== undefined) expect(b.swiftCode).toMatch(/^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/);
    }
  });

  it.each([
    ['970436', 'Vietcombank', 'Ngân hàng TMCP Ngoại Thương Việt Nam'],
    ['970415', 'VietinBank', 'Ngân hàng TMCP Công thương Việt Nam'],
    ['970418', 'BIDV', 'Ngân hàng TMCP Đầu tư và Phát triển Việt Nam'],
    ['970405', 'Agribank', 'Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam'],
    ['970407', 'Techcombank', 'Ngân hàng TMCP Kỹ thương Việt Nam'],
    ['970422', 'MB Bank', 'Ngân hàng TMCP Quân đội'],
    ['970416', 'ACB', 'Ngân hàng TMCP Á Châu'],
    ['970432', 'VPBank', 'Ngân hàng TMCP Việt Nam Thịnh Vượng'],
    ['970423', 'TPBank', 'Ngân hàng TMCP Tiên Phong'],
    ['970403', 'Sacombank', 'Ngân hàng TMCP Sài Gòn Thương Tín'],
    ['970446', 'Co-op Bank', 'Ngân hàng Hợp tác xã Việt Nam'],
    ['970449', 'LPBank', 'Ngân hàng TMCP Lộc Phát Việt Nam'],
    ['970414', 'MBV', 'Ngân hàng TNHH MTV Việt Nam Hiện Đại'],
    ['970406', 'Vikki Bank', 'Ngân hàng TNHH MTV Số Vikki'],
  ])('maps BIN %s to %s', (bin, shortName, name) => {
    expect(byBin.get(bin)).toMatchObject({ shortName, name });
  });

  it('keeps the VCB code and SWIFT for Vietcombank', () => {
    expect(byBin.get('970436')).toEqual({
      bin: '970436',
      code: 'VCB',
      shortName: 'Vietcombank',
      name: 'Ngân hàng TMCP Ngoại Thương Việt Nam',
      swiftCode: 'BFTVVNVX',
    });
  });
});
