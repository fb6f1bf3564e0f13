import { parseVietnamDateTime } from './bank-webhook.js';

describe('parseVietnamDateTime', () => {
  it.each([
    ['2026-11-27 10:02:37', '2026-11-27T03:02:37.000Z'],
    ['2026-11-27T23:30:00', '2026-11-27T16:30:00.000Z'],
    ['2026-11-27 00:15', '2026-11-26T17:15:00.000Z'],
    ['2026-11-27T10:02:37Z', '2026-11-27T10:02:37.000Z'],
    ['2026-11-27T10:02:37+0700', '2026-11-27T03:02:37.000Z'],
  ])('%s → %s', (input, iso) => {
    expect(parseVietnamDateTime(input).toISOString()).toBe(iso);
  });

  it.each(['27/11/2026 10:00', '2026-02-30 10:00:00', 'yesterday', ''])('rejects %p naming the field', (input) => {
    expect(() => parseVietnamDateTime(input)).toThrow(expect.objectContaining({ details: [expect.objectContaining({ field: 'transactionDate' })] }));
  });
});
