import { buildProductListQuery, keysetOf, namePrefixPattern, type ProductListFilters, type ProductRow } from './product-queries.js';

const base: ProductListFilters = { tokens: null, includeInactive: false, sort: 'newest' };
const ID = '7d1c5d2e-8c7a-4a51-9f7e-2f8f4b9c1a11';

/** Every $n placeholder has a parameter and every parameter is used. */
function placeholders(sql: string): number[] {
  return [...new Set([...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);
}

describe('buildProductListQuery', () => {
  it('lists active, unexpired products newest first, one more row than the page', () => {
    const q = buildProductListQuery(base, '2026-01-10', 20);
    expect(q.sql).toContain(`p.status = 'active'`);
    expect(q.sql).toContain('p.ocop_expires_at >= $1::date');
    expect(q.sql).toMatch(/ORDER BY p\.created_at DESC, p\.id DESC\s+LIMIT \$2/);
    expect(q.params).toEqual(['2026-01-10', 21]);
    expect(q.sql).toContain('JOIN cooperatives c ON c.id = p.cooperative_id');
  });

  it('drops the visibility conditions only for includeInactive', () => {
    const q = buildProductListQuery({ ...base, includeInactive: true, cooperativeId: ID }, '2026-01-10', 5);
    expect(q.sql).not.toContain(`status = 'active'`);
    expect(q.params).toEqual([ID, 6]);
  });

  it('ranks by tier (name starts with the words, name holds them, found elsewhere), one UNION ALL branch per tier', () => {
    const q = buildProductListQuery({ ...base, tokens: ['ca', 'phe'], sort: 'relevance' }, '2026-01-10', 20);
    expect(q.params).toEqual(['2026-01-10', 'ca & phe:*', 21, 'ca phe%']);
    const branches = q.sql.split('UNION ALL');
    expect(branches).toHaveLength(3);
    expect(branches[0]).toMatch(/SELECT p\.\*, 2 AS tier FROM products p[\s\S]*p\.name_key LIKE \$4[\s\S]*ORDER BY p\.ocop_stars DESC, p\.created_at DESC, p\.id DESC\s+LIMIT \$3/);
    expect(branches[1]).toMatch(/1 AS tier[\s\S]*p\.name_vector @@ to_tsquery\('simple', \$2\)[\s\S]*p\.name_key NOT LIKE \$4/);
    expect(branches[2]).toMatch(/0 AS tier[\s\S]*p\.search_vector @@ to_tsquery\('simple', \$2\)[\s\S]*NOT p\.name_vector @@ to_tsquery\('simple', \$2\)/);
    expect(q.sql).not.toContain('ts_rank');
    expect(q.sql).toMatch(/\) tiers\s+LIMIT \$3/);
    expect(q.sql).toMatch(/ORDER BY p\.tier DESC, p\.ocop_stars DESC, p\.created_at DESC, p\.id DESC\s*$/);
    expect(placeholders(q.sql)).toEqual(q.params.map((_, i) => i + 1));
  });

  it('after a relevance cursor, skips the tiers above it and continues its tier after the row', () => {
    const after = { sort: 'relevance', tier: 1, stars: 4, createdAt: '2026-01-10T03:00:00.123456Z', id: ID } as const;
    const q = buildProductListQuery({ ...base, tokens: ['mat', 'ong'], sort: 'relevance' }, '2026-01-10', 20, after);
    const branches = q.sql.split('UNION ALL');
    expect(branches).toHaveLength(2);
    expect(branches[0]).toMatch(/1 AS tier[\s\S]*\(p\.ocop_stars, p\.created_at, p\.id\) < \(\$\d+::smallint, \$\d+::timestamptz, \$\d+::uuid\)/);
    expect(branches[1]).toMatch(/0 AS tier/);
    expect(branches[1]).not.toContain('p.ocop_stars, p.created_at, p.id) <');
    expect(placeholders(q.sql)).toEqual(q.params.map((_, i) => i + 1));
    // In the last tier the name prefix is not needed at all (and an unused $n would fail the statement).
    const last = buildProductListQuery({ ...base, tokens: ['mat', 'ong'], sort: 'relevance' }, '2026-01-10', 20, { ...after, tier: 0 });
    expect(last.sql).not.toContain('UNION ALL');
    expect(last.params).not.toContain('mat ong%');
    expect(placeholders(last.sql)).toEqual(last.params.map((_, i) => i + 1));
  });

  it.each([
    ['provinceCode', { provinceCode: '66' }],
    ['group', { group: 'handicrafts' }],
    ['price', { minPriceVnd: 100_000 }],
    ['cooperative', { cooperativeId: ID }],
  ] as const)('with a %s filter ranks every filtered match in one pass (no index walk to get lost in)', (_, filter) => {
    const q = buildProductListQuery({ ...base, ...filter, tokens: ['ca', 'phe'], sort: 'relevance' }, '2026-01-10', 20);
    expect(q.sql).not.toContain('UNION ALL');
    expect(q.sql).toMatch(/CASE WHEN p\.name_key LIKE \$\d+ THEN 2 WHEN p\.name_vector @@ to_tsquery\('simple', \$2\) THEN 1 ELSE 0 END AS tier/);
    expect(q.sql).toMatch(/ORDER BY tier DESC, ocop_stars DESC, created_at DESC, id DESC\s+LIMIT/);
    expect(placeholders(q.sql)).toEqual(q.params.map((_, i) => i + 1));
  });

  it('minStars keeps the tier walk (it is a range of the stars index)', () => {
    const q = buildProductListQuery({ ...base, minStars: 4, tokens: ['ca', 'phe'], sort: 'relevance' }, '2026-01-10', 20);
    expect(q.sql.split('UNION ALL')).toHaveLength(3);
  });

  it.each([
    ['relevance', { sort: 'relevance', tier: 2, stars: 4, createdAt: '2026-01-10T03:00:00.123456Z', id: ID }, /\(CASE WHEN .* END, p\.ocop_stars, p\.created_at, p\.id\) < \(\$\d+::int, \$\d+::smallint, \$\d+::timestamptz, \$\d+::uuid\)/s],
    ['price_asc', { sort: 'price_asc', priceVnd: 5000, id: ID }, /\(p\.price_vnd, p\.id\) > \(\$\d+::bigint, \$\d+::uuid\)/],
    ['price_desc', { sort: 'price_desc', priceVnd: 5000, id: ID }, /\(p\.price_vnd, p\.id\) < \(\$\d+::bigint, \$\d+::uuid\)/],
    ['newest', { sort: 'newest', createdAt: '2026-01-10T03:00:00.123456Z', id: ID }, /\(p\.created_at, p\.id\) < \(\$\d+::timestamptz, \$\d+::uuid\)/],
    ['stars', { sort: 'stars', stars: 4, createdAt: '2026-01-10T03:00:00.123456Z', id: ID }, /\(p\.ocop_stars, p\.created_at, p\.id\) < \(\$\d+::smallint, \$\d+::timestamptz, \$\d+::uuid\)/],
  ] as const)('continues %s after a keyset with a row comparison matching its ORDER BY', (sort, after, condition) => {
    const f: ProductListFilters = { ...base, sort, tokens: sort === 'relevance' ? ['mat', 'ong'] : null, group: 'food', minStars: 4, minPriceVnd: 1, maxPriceVnd: 9, provinceCode: '66', cooperativeId: ID };
    const q = buildProductListQuery(f, '2026-01-10', 20, after);
    expect(q.sql).toMatch(condition);
    expect(placeholders(q.sql)).toEqual(q.params.map((_, i) => i + 1));
  });

  it('refuses a keyset of another sort and relevance without words', () => {
    expect(() => buildProductListQuery(base, '2026-01-10', 20, { sort: 'price_asc', priceVnd: 1, id: ID })).toThrow(RangeError);
    expect(() => buildProductListQuery({ ...base, sort: 'relevance' }, '2026-01-10', 20)).toThrow(RangeError);
  });
});

describe('keysetOf', () => {
  const row = { id: ID, price_vnd: '185000', ocop_stars: 4, created_key: '2026-01-10T03:00:00.123456Z', tier: 2, created_at: new Date('2026-01-10T03:00:00.123Z') } as unknown as ProductRow;
  it('takes the sort key of the row, with created_at to the microsecond', () => {
    expect(keysetOf('price_asc', row)).toEqual({ sort: 'price_asc', priceVnd: 185000, id: ID });
    expect(keysetOf('newest', row)).toEqual({ sort: 'newest', createdAt: '2026-01-10T03:00:00.123456Z', id: ID });
    expect(keysetOf('stars', row)).toEqual({ sort: 'stars', stars: 4, createdAt: '2026-01-10T03:00:00.123456Z', id: ID });
    expect(keysetOf('relevance', row)).toEqual({ sort: 'relevance', tier: 2, stars: 4, createdAt: '2026-01-10T03:00:00.123456Z', id: ID });
  });
});

describe('namePrefixPattern', () => {
  it.each([
    [['ca', 'phe'], 'ca phe%'],
    [['nuoc', 'mam', 'phu', 'q'], 'nuoc mam phu q%'],
    [['st25'], 'st25%'],
  ])('%j → %s (the words as the name\'s beginning, the last one a prefix)', (tokens, pattern) => {
    expect(namePrefixPattern(tokens)).toBe(pattern);
  });
  it('refuses anything a LIKE pattern could read as a wildcard', () => {
    expect(() => namePrefixPattern(['ca_phe'])).toThrow(RangeError);
    expect(() => namePrefixPattern(['100%'])).toThrow(RangeError);
  });
});
