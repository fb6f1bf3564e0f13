import { parseAccountNumber, parseDecimalVnd, parseStatementDate, parseVndAmountText } from './values.js';

describe('parseVndAmountText: amounts as Vietnamese bank exports print them', () => {
  it.each([
    ['1250000', 1250000, null],
    ['1.250.000', 1250000, null],
    ['1,250,000', 1250000, null],
    ['1 250 000', 1250000, null],
    ['1\u00A0250\u00A0000', 1250000, null], // NBSP (Excel, vi-VN)
    ['1\u202F250\u202F000', 1250000, null], // narrow NBSP (Intl vi-VN)
    ["1'250'000", 1250000, null],
    ['1.250.000 VND', 1250000, null],
    ['1.250.000 VNĐ', 1250000, null],
    ['1.250.000đ', 1250000, null],
    ['1.250.000 ₫', 1250000, null],
    ['VND 1,250,000', 1250000, null],
    ['+1,250,000', 1250000, 'plus'],
    ['-500.000', 500000, 'minus'],
    ['- 500.000', 500000, 'minus'],
    ['(500,000)', 500000, 'minus'],
    ['500.000-', 500000, 'minus'],
    ['1,250,000 CR', 1250000, 'plus'],
    ['500,000 Dr', 500000, 'minus'],
    ['1.250.000,00', 1250000, null],
    ['1,250,000.00', 1250000, null],
    ['1250000.00', 1250000, null],
    ['1250000,0', 1250000, null],
    ['1 250 000,00', 1250000, null],
    ['1.250', 1250, null], // VND has no minor unit: a thousands separator
    ['1,250', 1250, null],
    ['2.200', 2200, null],
    ['0', 0, null],
    ['  880.000  ', 880000, null],
    ['1.000.000.000.000', 1_000_000_000_000, null],
  ])('%j → %d (%s)', (text, value, sign) => {
    expect(parseVndAmountText(text)).toEqual({ ok: true, value: { value, sign } });
  });

  it.each([
    ['12.5', 'amount "12.5" is not a whole number of VND'],
    ['1,5', 'amount "1,5" is not a whole number of VND'],
    ['1.250.000,50', 'amount "1.250.000,50" is not a whole number of VND'],
    ['1,250,000.01', 'amount "1,250,000.01" is not a whole number of VND'],
    ['0.500', 'amount "0.500" is not a whole number of VND'],
    ['12.00 USD', 'amount "12.00 USD" is in USD, not VND'],
    ['USD 12', 'amount "USD 12" is in USD, not VND'],
    ['EUR1.000,00', 'amount "EUR1.000,00" is in EUR, not VND'],
    ['abc', 'amount "abc" is not a number'],
    ['1.25.000', 'amount "1.25.000" is not a number'],
    ['1,250.000,00', 'amount "1,250.000,00" is not a number'],
    ['12 50', 'amount "12 50" is not a number'],
    ['1.2.3', 'amount "1.2.3" is not a number'],
    ['--5', 'amount "--5" is not a number'],
    ['-500 CR', 'amount "-500 CR" is not a number'],
    ['CR', 'amount "CR" is not a number'],
    ['1e6', 'amount "1e6" is not a number'],
    ['', 'amount is empty'],
    ['1.000.000.000.001', 'amount "1.000.000.000.001" exceeds 1,000,000,000,000 VND'],
  ])('%j is refused: %s', (text, problem) => {
    expect(parseVndAmountText(text)).toEqual({ ok: false, problem });
  });
});

describe('parseDecimalVnd: ISO 20022 / MT940 decimals', () => {
  it.each([
    ['1250000', '.', 1250000],
    ['1250000.00', '.', 1250000],
    ['1250000.', '.', 1250000],
    ['1250000,', ',', 1250000],
    ['1250000,00', ',', 1250000],
  ] as const)('%j (%s) → %d', (text, mark, value) => {
    expect(parseDecimalVnd(text, mark)).toEqual({ ok: true, value });
  });
  it.each([
    ['12.5', '.', 'amount "12.5" is not a whole number of VND'],
    ['880000,50', ',', 'amount "880000,50" is not a whole number of VND'],
    ['1,250,000', '.', 'amount "1,250,000" is not a number'],
    ['-5', '.', 'amount "-5" is not a number'],
    ['', ',', 'amount "" is not a number'],
  ] as const)('%j (%s) is refused', (text, mark, problem) => {
    expect(parseDecimalVnd(text, mark)).toEqual({ ok: false, problem });
  });
});

describe('parseStatementDate: Vietnam time unless a zone is written', () => {
  it.each([
    ['01/03/2024', '2024-02-29T17:00:00.000Z'],
    ['1/3/2024', '2024-02-29T17:00:00.000Z'],
    ['01/03/2024 08:15:22', '2024-03-01T01:15:22.000Z'],
    ['01/03/2024 08:15', '2024-03-01T01:15:00.000Z'],
    ['01-03-2024 08:15:22', '2024-03-01T01:15:22.000Z'],
    ['01.03.2024', '2024-02-29T17:00:00.000Z'],
    ['29/02/2024', '2024-02-28T17:00:00.000Z'],
    ['2024-03-01', '2024-02-29T17:00:00.000Z'],
    ['2024-03-01T08:15:22', '2024-03-01T01:15:22.000Z'],
    ['2024-03-01 08:15:22', '2024-03-01T01:15:22.000Z'],
    ['2024-03-01T08:15:22+07:00', '2024-03-01T01:15:22.000Z'],
    ['2024-03-01T08:15:22.250+07:00', '2024-03-01T01:15:22.250Z'],
    ['2024-03-01T01:15:22Z', '2024-03-01T01:15:22.000Z'],
    ['2024-03-01T03:15:22+0200', '2024-03-01T01:15:22.000Z'],
  ])('%j → %s', (text, iso) => {
    const parsed = parseStatementDate(text);
    expect(parsed.ok && parsed.value.toISOString()).toBe(iso);
  });

  it.each(['31/02/2024', '29/02/2023', '32/01/2024', '01/13/2024', '01/03/2024 24:00:00', '2024-02-30', '03/01/24', 'hôm qua'])(
    '%j is refused',
    (text) => {
      expect(parseStatementDate(text)).toEqual({
        ok: false,
        problem: `date ${JSON.stringify(text)} is not a valid date (expected dd/MM/yyyy, dd/MM/yyyy HH:mm:ss or ISO 8601)`,
      });
    },
  );
});

describe('parseAccountNumber', () => {
  it.each([
    ['1023456789', '1023456789'],
    [' 0011 0012 34567 ', '0011001234567'],
    ["'0011001234567", '0011001234567'],
    ['="0011001234567"', '0011001234567'],
    ['1903-1234-5670-12', '19031234567012'],
  ])('%j → %s', (text, digits) => {
    expect(parseAccountNumber(text)).toEqual({ ok: true, value: digits });
  });
  it.each(['VN12BFTV1023456789', 'abc', '', '12'])('%j is refused', (text) => {
    expect(parseAccountNumber(text).ok).toBe(false);
  });
});
