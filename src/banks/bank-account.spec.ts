import { validateAccountNumber } from './bank-account.js';

describe('validateAccountNumber', () => {
  it.each([
    ['123456'], // shortest accepted
    ['0011001234567'], // 13 digits
    ['113366668888'], // the NAPAS/vietqr.io sample account
    ['0912345678'], // phone-number style account
    ['1234567890123456789'], // 19 digits, the longest accepted
    ['000000'], // leading zeros are part of the number
  ])('accepts %j', (n) => {
    expect(validateAccountNumber(n)).toBeNull();
  });

  it.each([
    ['', /required/],
    ['12345', /6–19 digits long \(got 5\)/],
    ['12345678901234567890', /6–19 digits long \(got 20\)/],
    ['0011 0012 3456', /digits only/],
    ['0011-001-234567', /digits only/],
    [' 0011001234567', /digits only/],
    ['0011001234567\n', /digits only/],
    ['NGUYENVANA', /digits only/],
    ['12345a', /digits only/],
    ['１２３４５６７', /digits only/], // full-width digits
    ['-123456', /digits only/],
    ['1e10', /digits only/],
  ])('rejects %j', (n, problem) => {
    expect(validateAccountNumber(n)).toMatch(problem);
  });
});
