import { addMonths, isCalendarDate, isCertificateValid, isPurchasable, levelForStars, resolveCertificate } from './ocop.js';

describe('isCalendarDate', () => {
  it.each(['2025-06-15', '2024-02-29', '2000-02-29', '2025-12-31', '2025-01-01'])('accepts %s', (d) => {
    expect(isCalendarDate(d)).toBe(true);
  });
  it.each(['2025-02-29', '1900-02-29', '2025-13-01', '2025-00-10', '2025-04-31', '2025-6-15', '15/06/2025', '2025-06-15T00:00:00Z', '', 20250615, null])(
    'rejects %p',
    (d) => {
      expect(isCalendarDate(d)).toBe(false);
    },
  );
});

describe('addMonths', () => {
  it.each([
    ['2025-06-15', 36, '2028-06-15'],
    ['2024-02-29', 36, '2027-02-28'], // no 29 February in 2027: clamps
    ['2024-02-29', 48, '2028-02-29'],
    ['2025-01-31', 1, '2025-02-28'],
    ['2025-11-30', 3, '2026-02-28'],
    ['2025-12-31', 36, '2028-12-31'],
    ['2025-03-31', -1, '2025-02-28'],
  ])('%s + %i months = %s', (d, n, out) => {
    expect(addMonths(d, n)).toBe(out);
  });
});

describe('levelForStars', () => {
  it('3★ and 4★ are provincial, 5★ national', () => {
    expect(levelForStars(3)).toBe('provincial');
    expect(levelForStars(4)).toBe('provincial');
    expect(levelForStars(5)).toBe('national');
  });
});

describe('resolveCertificate', () => {
  const today = '2026-01-10';

  it('derives level and defaults expiresAt to certifiedAt + 36 months', () => {
    expect(resolveCertificate({ stars: 4, certifiedAt: '2025-06-15' }, today)).toEqual({
      ok: true,
      level: 'provincial',
      certifiedAt: '2025-06-15',
      expiresAt: '2028-06-15',
    });
    expect(resolveCertificate({ stars: 5, certifiedAt: '2024-02-29', level: 'national' }, today)).toMatchObject({ ok: true, level: 'national', expiresAt: '2027-02-28' });
  });

  it('accepts an earlier expiresAt, up to the 36-month limit itself', () => {
    expect(resolveCertificate({ stars: 3, certifiedAt: '2025-06-15', expiresAt: '2026-06-15' }, today)).toMatchObject({ ok: true, expiresAt: '2026-06-15' });
    expect(resolveCertificate({ stars: 3, certifiedAt: '2025-06-15', expiresAt: '2028-06-15' }, today)).toMatchObject({ ok: true });
  });

  it.each([
    [{ stars: 5 as const, certifiedAt: '2025-06-15', level: 'provincial' }, 'ocop.level', /national/],
    [{ stars: 3 as const, certifiedAt: '2025-06-15', level: 'national' }, 'ocop.level', /provincial/],
    [{ stars: 4 as const, certifiedAt: '2025-06-15', expiresAt: '2025-06-15' }, 'ocop.expiresAt', /after certifiedAt/],
    [{ stars: 4 as const, certifiedAt: '2025-06-15', expiresAt: '2025-01-01' }, 'ocop.expiresAt', /after certifiedAt/],
    [{ stars: 4 as const, certifiedAt: '2025-06-15', expiresAt: '2028-06-16' }, 'ocop.expiresAt', /at most 36 months.*2028-06-15/],
    [{ stars: 4 as const, certifiedAt: '2026-01-11' }, 'ocop.certifiedAt', /future/],
  ])('rejects %j naming %s', (input, field, problem) => {
    const r = resolveCertificate(input, today);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems).toEqual([{ field, problem: expect.stringMatching(problem) }]);
    }
  });

  it('reports every problem at once', () => {
    const r = resolveCertificate({ stars: 5, level: 'provincial', certifiedAt: '2026-02-01', expiresAt: '2030-01-01' }, today);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.field)).toEqual(['ocop.level', 'ocop.certifiedAt', 'ocop.expiresAt']);
  });

  it('skips the future check when today is null (an unchanged stored date)', () => {
    expect(resolveCertificate({ stars: 4, certifiedAt: '2030-01-01' }, null)).toMatchObject({ ok: true });
  });
});

describe('isPurchasable', () => {
  const today = '2026-03-15';
  it('needs active, a certificate valid today (last day included) and stock', () => {
    expect(isCertificateValid('2026-03-15', today)).toBe(true);
    expect(isCertificateValid('2026-03-14', today)).toBe(false);
    expect(isPurchasable({ status: 'active', expiresAt: '2026-03-15', stockQty: 1 }, today)).toBe(true);
    expect(isPurchasable({ status: 'active', expiresAt: '2026-03-14', stockQty: 1 }, today)).toBe(false);
    expect(isPurchasable({ status: 'active', expiresAt: '2027-01-01', stockQty: 0 }, today)).toBe(false);
    expect(isPurchasable({ status: 'archived', expiresAt: '2027-01-01', stockQty: 5 }, today)).toBe(false);
  });
});
