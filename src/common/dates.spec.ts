import { isCalendarDay, isUtcInstant } from './dates.js';

describe('isCalendarDay', () => {
  it.each([
    ['2026-02-28', true],
    ['2028-02-29', true],
    ['2026-12-31', true],
    ['2026-02-29', false],
    ['2026-02-31', false],
    ['2026-04-31', false],
    ['2026-13-01', false],
    ['2026-00-10', false],
    ['2026-01-00', false],
    ['0000-01-01', false],
    ['2026-1-01', false],
    ['2026-01-01T00:00:00Z', false],
    [' 2026-01-01', false],
    ['', false],
    [20260101, false],
    [null, false],
  ])('%p → %p', (s, ok) => expect(isCalendarDay(s)).toBe(ok));
});

describe('isUtcInstant', () => {
  it.each([
    ['2026-03-01T07:15:00Z', true],
    ['2026-03-01T07:15:00.123Z', true],
    ['2026-03-01T07:15:00.123456Z', true],
    [new Date(Date.UTC(2026, 1, 28, 23, 59, 59)).toISOString(), true],
    ['2026-03-01T07:15:00.1234567Z', false],
    ['2026-03-01T24:00:00Z', false],
    ['2026-03-01T23:60:00Z', false],
    ['2026-03-01T23:59:60Z', false],
    ['2026-02-30T00:00:00Z', false],
    ['2026-03-01T07:15:00+07:00', false],
    ['not-a-date', false],
    ['2026-03-01', false],
    [1700000000000, false],
    [{}, false],
  ])('%p → %p', (s, ok) => expect(isUtcInstant(s)).toBe(ok));
});
