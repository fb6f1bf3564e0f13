import {
  addDays,
  bucketOf,
  daysBetween,
  bucketsOf,
  buildSeries,
  type Counters,
  coverPeriod,
  figures,
  isIsoDate,
  isoWeek,
  monthEnd,
  planPeriod,
  rankMarkets,
  resolvePeriod,
  share,
  topStalls,
  ZERO,
} from './market-stats.js';

const c = (p: Partial<Counters>): Counters => ({ ...ZERO, ...p });

/** `n` pseudo-random periods within 2024–2026, one in three short (≤ 40 days). */
function* randomPeriods(seed: number, n: number): Generator<[string, string]> {
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < n; i++) {
    const from = addDays('2024-01-01', Math.floor(rand() * 800));
    yield [from, addDays(from, Math.floor(rand() * (i % 3 === 0 ? 40 : 500)))];
  }
}

describe('share', () => {
  it.each([
    [1, 3, 0.3333],
    [2, 3, 0.6667],
    [1, 8, 0.125],
    [1, 1, 1],
    [0, 5, 0],
    [5, 0, null],
    [0, 0, null],
    // half-up at the 5th decimal: 0.00005 → 0.0001; 0.12345 → 0.1235 (float math gives 0.1234)
    [1, 20000, 0.0001],
    [12345, 100000, 0.1235],
    [1, 7, 0.1429],
    // large VND sums stay exact
    [123_456_789_012, 987_654_321_098, 0.125],
  ])('share(%d, %d) = %p', (n, d, expected) => {
    expect(share(n, d)).toBe(expected);
  });

  it('agrees with exact BigInt arithmetic on both sides of the fast path (random and boundary values)', () => {
    const exact = (n: number, d: number) => Number((BigInt(n) * 20000n + BigInt(d)) / (2n * BigInt(d))) / 10000;
    let seed = 3;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const cases: Array<[number, number]> = [
      [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
      [Number.MAX_SAFE_INTEGER - 1, Number.MAX_SAFE_INTEGER],
      [225_179_981_368_524, 450_359_962_737_049], // 2·n·10^4 + d just above 2^53
      [225_179_981_368_524, 225_179_981_368_524],
    ];
    for (let i = 0; i < 2000; i++) {
      const d = 1 + Math.floor(rand() * 10 ** (1 + (i % 15)));
      cases.push([Math.floor(rand() * (d + 1)), d]);
    }
    for (const [n, d] of cases) expect([n, d, share(n, d)]).toEqual([n, d, exact(n, d)]);
  });

  it('refuses negative or fractional input', () => {
    expect(() => share(-1, 2)).toThrow(RangeError);
    expect(() => share(1.5, 2)).toThrow(RangeError);
  });
});

describe('calendar helpers', () => {
  it('validates real dates only', () => {
    expect(isIsoDate('2026-02-28')).toBe(true);
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isIsoDate('2026-3-1')).toBe(false);
    expect(isIsoDate('01/03/2026')).toBe(false);
  });

  it('adds days across months and leap years', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(monthEnd('2028-02-10')).toBe('2028-02-29');
    expect(monthEnd('2026-12-31')).toBe('2026-12-31');
  });

  it.each([
    // ISO 8601 week-numbering edge cases
    ['2026-01-01', 2026, 1, '2025-12-29'], // Thursday
    ['2025-12-29', 2026, 1, '2025-12-29'], // Monday of 2026-W01
    ['2021-01-03', 2020, 53, '2020-12-28'], // Sunday, belongs to 2020-W53
    ['2027-01-01', 2026, 53, '2026-12-28'], // Friday, 2026 has 53 weeks
    ['2026-03-01', 2026, 9, '2026-02-23'], // Sunday
    ['2026-03-02', 2026, 10, '2026-03-02'], // Monday
    ['2024-12-30', 2025, 1, '2024-12-30'],
  ])('isoWeek(%s) = %d-W%d from %s', (day, year, week, monday) => {
    expect(isoWeek(day)).toEqual({ year, week, monday });
  });

  it('labels buckets', () => {
    expect(bucketOf('2026-03-01', 'day')).toEqual({ period: '2026-03-01', from: '2026-03-01', to: '2026-03-01' });
    expect(bucketOf('2026-03-01', 'week')).toEqual({ period: '2026-W09', from: '2026-02-23', to: '2026-03-01' });
    expect(bucketOf('2026-02-14', 'month')).toEqual({ period: '2026-02', from: '2026-02-01', to: '2026-02-28' });
  });

  it('clips buckets to the period', () => {
    expect(bucketsOf('2026-02-26', '2026-03-03', 'week')).toEqual([
      { period: '2026-W09', from: '2026-02-26', to: '2026-03-01' },
      { period: '2026-W10', from: '2026-03-02', to: '2026-03-03' },
    ]);
    expect(bucketsOf('2026-01-15', '2026-03-10', 'month').map((b) => [b.period, b.from, b.to])).toEqual([
      ['2026-01', '2026-01-15', '2026-01-31'],
      ['2026-02', '2026-02-01', '2026-02-28'],
      ['2026-03', '2026-03-01', '2026-03-10'],
    ]);
    expect(bucketsOf('2026-03-01', '2026-03-03', 'day').map((b) => b.period)).toEqual(['2026-03-01', '2026-03-02', '2026-03-03']);
  });
});

describe('planPeriod: whole months from monthly rollups, the fewest days from daily ones', () => {
  const none: Array<{ from: string; to: string }> = [];
  it.each([
    ['a whole month', '2026-03-01', '2026-03-31', { months: { from: '2026-03-01', to: '2026-03-01' }, dayRanges: none, minusDayRanges: none }],
    ['10 days of 31: the days', '2026-03-05', '2026-03-14', { months: null, dayRanges: [{ from: '2026-03-05', to: '2026-03-14' }], minusDayRanges: none }],
    [
      '16 days of 31: the month minus 15 days',
      '2026-03-05',
      '2026-03-20',
      {
        months: { from: '2026-03-01', to: '2026-03-01' },
        dayRanges: none,
        minusDayRanges: [
          { from: '2026-03-01', to: '2026-03-04' },
          { from: '2026-03-21', to: '2026-03-31' },
        ],
      },
    ],
    [
      '26 days of 31: the month minus 5 days',
      '2026-03-03',
      '2026-03-28',
      {
        months: { from: '2026-03-01', to: '2026-03-01' },
        dayRanges: none,
        minusDayRanges: [
          { from: '2026-03-01', to: '2026-03-02' },
          { from: '2026-03-29', to: '2026-03-31' },
        ],
      },
    ],
    [
      'a year ending on the 27th',
      '2025-03-28',
      '2026-03-27',
      {
        months: { from: '2025-04-01', to: '2026-03-01' },
        dayRanges: [{ from: '2025-03-28', to: '2025-03-31' }],
        minusDayRanges: [{ from: '2026-03-28', to: '2026-03-31' }],
      },
    ],
    [
      '30 days across two months (15 + 15)',
      '2026-02-14',
      '2026-03-15',
      { months: { from: '2026-02-01', to: '2026-02-01' }, dayRanges: [{ from: '2026-03-01', to: '2026-03-15' }], minusDayRanges: [{ from: '2026-02-01', to: '2026-02-13' }] },
    ],
    [
      '30 days across two months (10 + 20)',
      '2026-01-22',
      '2026-02-20',
      { months: { from: '2026-02-01', to: '2026-02-01' }, dayRanges: [{ from: '2026-01-22', to: '2026-01-31' }], minusDayRanges: [{ from: '2026-02-21', to: '2026-02-28' }] },
    ],
    [
      '30 days ending on the 27th',
      '2026-10-29',
      '2026-11-27',
      { months: { from: '2026-11-01', to: '2026-11-01' }, dayRanges: [{ from: '2026-10-29', to: '2026-10-31' }], minusDayRanges: [{ from: '2026-11-28', to: '2026-11-30' }] },
    ],
    ['a month and 10 days', '2026-01-01', '2026-02-10', { months: { from: '2026-01-01', to: '2026-01-01' }, dayRanges: [{ from: '2026-02-01', to: '2026-02-10' }], minusDayRanges: none }],
    [
      'starting late in December',
      '2025-12-20',
      '2026-02-28',
      { months: { from: '2026-01-01', to: '2026-02-01' }, dayRanges: [{ from: '2025-12-20', to: '2025-12-31' }], minusDayRanges: none },
    ],
    ['one day', '2026-03-31', '2026-03-31', { months: null, dayRanges: [{ from: '2026-03-31', to: '2026-03-31' }], minusDayRanges: none }],
  ])('%s: %s … %s', (_name, from, to, plan) => {
    expect(planPeriod(from, to)).toEqual(plan);
  });

  it('counts every day of the period exactly once and no other day (random periods)', () => {
    for (const [from, to] of randomPeriods(7, 300)) {
      const plan = planPeriod(from, to);
      const weight = new Map<string, number>();
      const add = (d: string, w: number) => weight.set(d, (weight.get(d) ?? 0) + w);
      for (const r of plan.dayRanges) for (let d = r.from; d <= r.to; d = addDays(d, 1)) add(d, 1);
      for (const r of plan.minusDayRanges) for (let d = r.from; d <= r.to; d = addDays(d, 1)) add(d, -1);
      if (plan.months) for (let m = plan.months.from; m <= plan.months.to; m = addDays(monthEnd(m), 1)) for (let d = m; d <= monthEnd(m); d = addDays(d, 1)) add(d, 1);
      for (const [d, w] of weight) expect([d, w]).toEqual([d, d >= from && d <= to ? 1 : 0]);
      for (let d = from; d <= to; d = addDays(d, 1)) expect(weight.get(d)).toBe(1);
      // never more daily rows than the naive plan would read
      const dailyDays = [...plan.dayRanges, ...plan.minusDayRanges].reduce((a, r) => a + daysBetween(r.from, r.to) + 1, 0);
      expect(dailyDays).toBeLessThanOrEqual(daysBetween(from, to) + 1);
    }
  });
});

describe('coverPeriod: whole months plus the days of partial months, nothing subtracted (for sets)', () => {
  it.each([
    ['a whole month', '2026-03-01', '2026-03-31', { months: { from: '2026-03-01', to: '2026-03-01' }, dayRanges: [] }],
    ['part of one month', '2026-03-05', '2026-03-28', { months: null, dayRanges: [{ from: '2026-03-05', to: '2026-03-28' }] }],
    ['30 days ending on the 1st', '2026-11-02', '2026-12-01', { months: null, dayRanges: [{ from: '2026-11-02', to: '2026-12-01' }] }],
    [
      'a year ending on the 1st',
      '2025-12-02',
      '2026-12-01',
      {
        months: { from: '2026-01-01', to: '2026-11-01' },
        dayRanges: [
          { from: '2025-12-02', to: '2025-12-31' },
          { from: '2026-12-01', to: '2026-12-01' },
        ],
      },
    ],
    ['from a 1st to mid-month', '2026-01-01', '2026-02-10', { months: { from: '2026-01-01', to: '2026-01-01' }, dayRanges: [{ from: '2026-02-01', to: '2026-02-10' }] }],
    ['to the end of February', '2025-12-20', '2026-02-28', { months: { from: '2026-01-01', to: '2026-02-01' }, dayRanges: [{ from: '2025-12-20', to: '2025-12-31' }] }],
    ['a leap February', '2028-02-01', '2028-02-29', { months: { from: '2028-02-01', to: '2028-02-01' }, dayRanges: [] }],
    ['one day', '2026-03-31', '2026-03-31', { months: null, dayRanges: [{ from: '2026-03-31', to: '2026-03-31' }] }],
  ])('%s: %s … %s', (_name, from, to, cover) => {
    expect(coverPeriod(from, to)).toEqual(cover);
  });

  it('covers every day of the period exactly once and no other day (random periods)', () => {
    for (const [from, to] of randomPeriods(11, 300)) {
      const cover = coverPeriod(from, to);
      const seen = new Map<string, number>();
      const add = (d: string) => seen.set(d, (seen.get(d) ?? 0) + 1);
      for (const r of cover.dayRanges) for (let d = r.from; d <= r.to; d = addDays(d, 1)) add(d);
      if (cover.months) for (let m = cover.months.from; m <= cover.months.to; m = addDays(monthEnd(m), 1)) for (let d = m; d <= monthEnd(m); d = addDays(d, 1)) add(d);
      expect(seen.size).toBe(daysBetween(from, to) + 1);
      for (const [d, times] of seen) expect([d, times, d >= from && d <= to]).toEqual([d, 1, true]);
      expect(cover.dayRanges.length).toBeLessThanOrEqual(2);
    }
  });
});

describe('figures', () => {
  it('sums cashless (qr + card) and computes both shares', () => {
    expect(figures(c({ qrCount: 3, qrValue: 150_000, cardCount: 1, cardValue: 200_000, cashCount: 4, cashValue: 50_000 }))).toEqual({
      qrCount: 3,
      qrValueVnd: 150_000,
      cardCount: 1,
      cardValueVnd: 200_000,
      cashCount: 4,
      cashValueVnd: 50_000,
      cashlessCount: 4,
      cashlessValueVnd: 350_000,
      transactionCount: 8,
      valueVnd: 400_000,
      cashlessShareByCount: 0.5,
      cashlessShareByValue: 0.875,
    });
  });

  it('has null shares without transactions', () => {
    const f = figures(ZERO);
    expect(f.cashlessShareByCount).toBeNull();
    expect(f.cashlessShareByValue).toBeNull();
  });
});

describe('buildSeries', () => {
  const days = [
    { day: '2026-02-27', ...c({ qrCount: 1, qrValue: 10_000 }) },
    { day: '2026-03-01', ...c({ cashCount: 2, cashValue: 30_000 }) },
    { day: '2026-03-02', ...c({ cardCount: 1, cardValue: 70_000 }) },
    { day: '2026-04-01', ...c({ qrCount: 9, qrValue: 9 }) }, // outside the period: ignored
  ];

  it('zero-fills every day', () => {
    const s = buildSeries(days, '2026-02-27', '2026-03-02', 'day');
    expect(s.map((p) => [p.period, p.transactionCount, p.valueVnd, p.cashlessShareByValue])).toEqual([
      ['2026-02-27', 1, 10_000, 1],
      ['2026-02-28', 0, 0, null],
      ['2026-03-01', 2, 30_000, 0],
      ['2026-03-02', 1, 70_000, 1],
    ]);
  });

  it('groups ISO weeks and months', () => {
    const weeks = buildSeries(days, '2026-02-27', '2026-03-02', 'week');
    expect(weeks.map((p) => [p.period, p.from, p.to, p.cashlessCount, p.cashCount, p.cashlessShareByCount])).toEqual([
      ['2026-W09', '2026-02-27', '2026-03-01', 1, 2, 0.3333],
      ['2026-W10', '2026-03-02', '2026-03-02', 1, 0, 1],
    ]);
    const months = buildSeries(days, '2026-02-27', '2026-03-02', 'month');
    expect(months.map((p) => [p.period, p.valueVnd, p.cashlessShareByValue])).toEqual([
      ['2026-02', 10_000, 1],
      ['2026-03', 100_000, 0.7],
    ]);
  });
});

describe('topStalls', () => {
  it('orders by cashless value, then count, then code; leaves out stalls without cashless sales', () => {
    const rows = [
      { stallId: 'a', code: 'A-2', ...c({ qrValue: 100, qrCount: 1 }) },
      { stallId: 'b', code: 'A-1', ...c({ cardValue: 100, cardCount: 1 }) },
      { stallId: 'c', code: 'B-1', ...c({ qrValue: 60, qrCount: 2, cardValue: 40, cardCount: 1 }) },
      { stallId: 'd', code: 'C-1', ...c({ cashValue: 1_000_000, cashCount: 10 }) },
      { stallId: 'e', code: 'D-1', ...c({ qrValue: 500, qrCount: 1 }) },
    ];
    expect(topStalls(rows).map((r) => r.stallId)).toEqual(['e', 'c', 'b', 'a']);
    expect(topStalls(rows, 2).map((r) => r.stallId)).toEqual(['e', 'c']);
  });
});

describe('rankMarkets', () => {
  it('ranks by cashless share by value then by count; ties share a rank; markets without sales last', () => {
    const ranked = rankMarkets([
      { marketId: 'm1', name: 'Chợ A', ...c({ qrCount: 1, qrValue: 50, cashCount: 1, cashValue: 50 }) }, // 0.5 / 0.5
      { marketId: 'm2', name: 'Chợ B', ...c({ qrCount: 3, qrValue: 90, cashCount: 1, cashValue: 10 }) }, // 0.9 / 0.75
      { marketId: 'm3', name: 'Chợ C', ...c({}) }, // no sales
      { marketId: 'm4', name: 'Chợ D', ...c({ cardCount: 2, cardValue: 100, cashCount: 2, cashValue: 100 }) }, // 0.5 / 0.5 (tie with m1)
      { marketId: 'm5', name: 'Chợ E', ...c({ qrCount: 1, qrValue: 90, cashCount: 2, cashValue: 10 }) }, // 0.9 / 0.3333
    ]);
    expect(ranked.map((r) => [r.marketId, r.rank])).toEqual([
      ['m2', 1],
      ['m5', 2],
      ['m4', 3], // more cashless value than m1
      ['m1', 3],
      ['m3', 5],
    ]);
  });
});

describe('resolvePeriod', () => {
  const today = '2026-03-15';
  it('defaults to the 30 days ending today', () => {
    expect(resolvePeriod({}, today)).toEqual({ ok: true, from: '2026-02-14', to: '2026-03-15' });
    expect(resolvePeriod({ to: '2026-01-31' }, today)).toEqual({ ok: true, from: '2026-01-02', to: '2026-01-31' });
    expect(resolvePeriod({ from: '2026-03-01' }, today)).toEqual({ ok: true, from: '2026-03-01', to: '2026-03-15' });
  });

  it('names the wrong field', () => {
    expect(resolvePeriod({ from: '2026-02-30' }, today)).toEqual({ ok: false, problems: [{ field: 'from', problem: 'must be a date YYYY-MM-DD' }] });
    expect(resolvePeriod({ from: '2026-03-10', to: '2026-03-01' }, today)).toEqual({ ok: false, problems: [{ field: 'from', problem: 'must not be after to (2026-03-01)' }] });
    expect(resolvePeriod({ from: '2020-01-01', to: '2026-03-01' }, today)).toEqual({ ok: false, problems: [{ field: 'to', problem: 'the period may cover at most 1100 days' }] });
  });

  it('allows a period that ends after today (a whole current month)', () => {
    expect(resolvePeriod({ from: '2026-03-01', to: '2026-03-31' }, today)).toEqual({ ok: true, from: '2026-03-01', to: '2026-03-31' });
  });
});
