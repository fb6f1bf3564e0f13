/**
 * The catalog's list and search queries are served by indexes: EXPLAIN (FORMAT JSON) of exactly the
 * SQL CatalogService runs (planList), on 20,000 realistic products (bench/lib/catalog-dataset.ts,
 * set-based generate_series) after VACUUM ANALYZE, must contain no Seq Scan on products, for the first page
 * and for the page after a cursor; broad searches must read a page's worth of rows, not every match
 * (EXPLAIN ANALYZE).
 */
import { seedCatalogDataset } from '../bench/lib/catalog-dataset.js';
import { CatalogService } from '../src/catalog/catalog.service.js';
import type { ProductListQuery } from '../src/catalog/dto/product.dto.js';
import { productByIdQuery } from '../src/catalog/product-queries.js';
import { encodeCursor } from '../src/common/pagination.js';
import { createTestApp, type TestApp } from './harness/app.js';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

interface AnalyzedNode extends PlanNode {
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: AnalyzedNode[];
}

function flatten(n: PlanNode): PlanNode[] {
  return [n, ...(n.Plans ?? []).flatMap(flatten)];
}

describe('catalog queries are served by indexes (e2e, EXPLAIN on 20,000 products)', () => {
  let t: TestApp;
  let catalog: CatalogService;
  let coopId: string;

  beforeAll(async () => {
    t = await createTestApp();
    catalog = t.app.get(CatalogService);
    await seedCatalogDataset(t.db, { cooperatives: 60, products: 20_000, today: catalog.today() });
    // What autovacuum does after a bulk load: statistics and the visibility map.
    await t.db.query('VACUUM ANALYZE products');
    await t.db.query('VACUUM ANALYZE cooperatives');
    // A cooperative with many products, the realistic case for a cooperative's own list.
    coopId = (await t.db.query(`SELECT cooperative_id FROM products GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`)).rows[0].cooperative_id;
  }, 120_000);

  afterAll(async () => {
    await t.close();
  });

  async function explain(sql: string, params: unknown[]): Promise<PlanNode[]> {
    const res = await t.db.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
    return flatten(res.rows[0]['QUERY PLAN'][0].Plan);
  }

  it('holds the dataset', async () => {
    const r = await t.db.query(`SELECT count(*)::int AS n, count(DISTINCT cooperative_id)::int AS coops, count(DISTINCT ocop_group)::int AS groups FROM products`);
    expect(r.rows[0]).toEqual({ n: 20_000, coops: 60, groups: 6 });
  });

  // [what, query, indexes the plan must use on products]
  const cases: Array<[string, Record<string, string | number | boolean>, string[]]> = [
    // Relevance: one branch per tier (name starts with the words / holds them / elsewhere); broad
    // tiers walk the stars index and stop, narrow ones read their word index (the planner's choice).
    ['search "ca phe"', { q: 'ca phe' }, ['products_stars_idx']],
    ['search "hop tac xa" (found only beyond the names)', { q: 'hop tac xa' }, ['products_stars_idx']],
    ['search "dak lak"', { q: 'dak lak' }, []],
    ['search "nuoc mam phu quoc"', { q: 'nuoc mam phu quoc' }, []],
    ['search "tra shan tuyet"', { q: 'tra shan tuyet' }, []],
    ['search "ca phe", ≥ 5★', { q: 'ca phe', minStars: 5 }, ['products_stars_idx']],
    // With a filter the stars index does not hold: every filtered match, ranked in one pass.
    ['search "mat ong" in food, ≥ 4★', { q: 'mat ong', group: 'food', minStars: 4 }, ['products_search_idx']],
    ['search "ca phe" in Đắk Lắk', { q: 'ca phe', provinceCode: '66' }, []],
    // Broad words by price: walking the price index and filtering beats ranking every match.
    ['search "ca phe" by price', { q: 'ca phe', sort: 'price_asc' }, []],
    ['newest', {}, ['products_newest_idx']],
    ['price_asc', { sort: 'price_asc' }, ['products_price_idx']],
    ['price_desc', { sort: 'price_desc' }, ['products_price_idx']],
    ['stars', { sort: 'stars' }, ['products_stars_idx']],
    ['provinceCode=66 newest', { provinceCode: '66' }, ['products_province_idx']],
    ['group=handicrafts newest', { group: 'handicrafts' }, ['products_group_idx']],
    ['group=food, minStars=4 by price', { group: 'food', minStars: 4, sort: 'price_asc' }, ['products_price_idx']],
    ['price range by price', { minPriceVnd: 100_000, maxPriceVnd: 200_000, sort: 'price_asc' }, ['products_price_idx']],
    ['minStars=5 by stars', { minStars: 5, sort: 'stars' }, ['products_stars_idx']],
    ['a cooperative\'s products', { cooperativeId: 'COOP' }, ['products_cooperative_idx']],
    ['a cooperative\'s products by price', { cooperativeId: 'COOP', sort: 'price_desc' }, []],
    ['a cooperative\'s products, inactive included', { cooperativeId: 'COOP', includeInactive: true }, ['products_cooperative_idx']],
  ];

  it.each(cases)('%s: no Seq Scan on products, page 1 and page 2', async (what, raw, indexes) => {
    const query = { ...raw, limit: 20 } as Record<string, string | number | boolean>;
    if (query.cooperativeId === 'COOP') query.cooperativeId = coopId;
    const page1 = catalog.planList(query as ProductListQuery);
    const rows = await t.db.query(page1.sql, page1.params);
    expect(rows.rows.length).toBeGreaterThan(0);
    const res = await t.http.get('/products').query({ ...query, ...(query.includeInactive ? { includeInactive: 'false' } : {}) });
    expect(res.status).toBe(200);

    const plans = [await explain(page1.sql, page1.params)];
    if (rows.rows.length > 20) {
      const cursor = page1.cursorOf(rows.rows[19]);
      const page2 = catalog.planList({ ...query, cursor: encodeCursor(cursor) } as ProductListQuery);
      plans.push(await explain(page2.sql, page2.params));
    }
    if (process.env.SHOW_PLANS) {
      // SHOW_PLANS=1 npm run test:e2e -- test/catalog-indexes prints the scans of each plan.
      const scans = (plan: PlanNode[]) => plan.map((n) => `${n['Node Type']}${n['Index Name'] ? ` (${n['Index Name']})` : n['Relation Name'] ? ` (${n['Relation Name']})` : ''}`).join(' → ');
      console.log(`${what}\n  page 1: ${scans(plans[0])}${plans[1] ? `\n  page 2: ${scans(plans[1])}` : ''}`);
    }
    for (const plan of plans) {
      const seqScans = plan.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'products');
      expect(seqScans).toEqual([]);
      const used = plan.map((n) => n['Index Name']).filter((x): x is string => !!x);
      expect(used.some((i) => i.startsWith('products_'))).toBe(true);
      for (const i of indexes) expect(used).toContain(i);
      // The cooperative comes in the same statement (no N+1).
      expect(plan.some((n) => n['Relation Name'] === 'cooperatives')).toBe(true);
    }
  });

  /** Rows a plan read from products: what its scans returned plus what their filters and rechecks threw away. */
  function rowsRead(n: AnalyzedNode): number {
    const own =
      n['Relation Name'] === 'products'
        ? ((n['Actual Rows'] ?? 0) + (n['Rows Removed by Filter'] ?? 0) + (n['Rows Removed by Index Recheck'] ?? 0)) * (n['Actual Loops'] ?? 1)
        : 0;
    return own + (n.Plans ?? []).reduce((sum, k) => sum + rowsRead(k), 0);
  }

  it.each(['ca phe', 'hop tac xa', 'dak lak', 'ca', 'h'])('a broad search "%s" stops after the page instead of ranking every match (page 1 and 2)', async (q) => {
    const page1 = catalog.planList({ q, limit: 20 } as ProductListQuery);
    const tsquery = page1.params.find((v) => typeof v === 'string' && v.includes(':*'));
    const matches = (
      await t.db.query(`SELECT count(*)::int AS n FROM products WHERE status = 'active' AND ocop_expires_at >= $2::date AND search_vector @@ to_tsquery('simple', $1)`, [
        tsquery,
        catalog.today(),
      ])
    ).rows[0].n;
    expect(matches).toBeGreaterThan(2000);
    const rows = (await t.db.query(page1.sql, page1.params)).rows;
    const page2 = catalog.planList({ q, limit: 20, cursor: encodeCursor(page1.cursorOf(rows[19])) } as ProductListQuery);
    for (const plan of [page1, page2]) {
      const res = await t.db.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${plan.sql}`, plan.params);
      const read = rowsRead(res.rows[0]['QUERY PLAN'][0].Plan);
      // Before the tiers every match was read and scored (read ≥ matches); now a few pages' worth.
      expect(read).toBeLessThan(1000);
      expect(read * 2).toBeLessThan(matches);
    }
  });

  it('the search indexes are updated in place (no GIN pending list to scan; migrations CatalogTuning, SearchRanking)', async () => {
    const r = await t.db.query(`SELECT relname, reloptions FROM pg_class WHERE relname IN ('products_search_idx', 'products_name_words_idx') ORDER BY relname`);
    expect(r.rows).toEqual([
      { relname: 'products_name_words_idx', reloptions: ['fastupdate=off'] },
      { relname: 'products_search_idx', reloptions: ['fastupdate=off'] },
    ]);
  });

  it('a product by id uses the primary key', async () => {
    const id = (await t.db.query('SELECT id FROM products LIMIT 1')).rows[0].id;
    const q = productByIdQuery(id);
    const plan = await explain(q.sql, q.params);
    expect(plan.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'products')).toEqual([]);
    expect(plan.map((n) => n['Index Name'])).toContain('products_pkey');
  });

  it('the search text in the dataset is what the service writes', async () => {
    const row = (await t.db.query(`SELECT id, description FROM products WHERE status = 'active' LIMIT 1`)).rows[0];
    const before = (await t.db.query('SELECT search_extra FROM products WHERE id = $1', [row.id])).rows[0].search_extra;
    await t.db.query('UPDATE products SET description = $2 WHERE id = $1', [row.id, row.description]);
    const coop = (await t.db.query('SELECT cooperative_id FROM products WHERE id = $1', [row.id])).rows[0].cooperative_id;
    await catalog.refreshCooperativeProducts(coop);
    const after = (await t.db.query('SELECT search_extra FROM products WHERE id = $1', [row.id])).rows[0].search_extra;
    expect(after).toBe(before);
  });
});
