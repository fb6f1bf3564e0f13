import { buildProductListQuery, keysetOf, type ProductListFilters, type ProductRow } from './product-queries.js';

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

  it('searches with the tsquery and ranks by ts_rank plus the name bonus', () => {
    const q = buildProductListQuery({ ...base, tokens: ['ca', 'phe'], sort: 'relevance' }, '2026-01-10', 20);
    expect(q.params).toEqual(['2026-01-10', 'ca & phe:*', 'ca:A & phe:*A', 21]);
    expect(q.sql).toContain(`p.search_vector @@ to_tsquery('simple', $2)`);
    expect(q.sql).toContain('ts_rank(');
    expect(q.sql).toMatch(/ORDER BY rank DESC, id DESC/);
  });

  it.each([
    ['relevance', { sort: 'relevance', rank: 1.25, id: ID }, /\(\(ts_rank.*\)::float8, p\.id\) < \(\$\d+::float8, \$\d+::uuid\)/s],
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
  const row = { id: ID, price_vnd: '185000', ocop_stars: 4, created_key: '2026-01-10T03:00:00.123456Z', rank: 1.0607927, created_at: new Date('2026-01-10T03:00:00.123Z') } as unknown as ProductRow;
  it('takes the sort key of the row, with created_at to the microsecond', () => {
    expect(keysetOf('price_asc', row)).toEqual({ sort: 'price_asc', priceVnd: 185000, id: ID });
    expect(keysetOf('newest', row)).toEqual({ sort: 'newest', createdAt: '2026-01-10T03:00:00.123456Z', id: ID });
    expect(keysetOf('stars', row)).toEqual({ sort: 'stars', stars: 4, createdAt: '2026-01-10T03:00:00.123456Z', id: ID });
    expect(keysetOf('relevance', row)).toEqual({ sort: 'relevance', rank: 1.0607927, id: ID });
  });
});
