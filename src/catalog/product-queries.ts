/**
 * The SQL of the product list and search (one statement: products + their cooperative, no N+1).
 * Pure: builds text and parameters, runs nothing. CatalogService.planList() feeds it and runs it;
 * the index e2e test EXPLAINs exactly what it builds.
 *
 * Shape: an inner query picks the page from `products` alone (filters, keyset condition, ORDER BY …
 * LIMIT n + 1), served by the partial indexes of the Foundation migration; the outer query joins
 * those ≤ 101 rows to `cooperatives` and formats them.
 *
 * Relevance: `ts_rank` on the weighted `search_vector` (name = weight A, search_extra = weight B)
 * plus 1 when every word is in the name (`search_vector @@ 'w1:A & w2:*A'`), so a product called
 * "Cà phê …" outranks one whose cooperative or description merely mentions coffee. Both terms are
 * computed from the tsvector already in the row: no per-row unaccent.
 */
import type { OcopGroup } from './ocop.js';
import { toTsQuery } from './search-text.js';

export const PRODUCT_SORTS = ['relevance', 'price_asc', 'price_desc', 'newest', 'stars'] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

export interface ProductListFilters {
  /** Sanitized search words, or null for a plain list. */
  tokens: string[] | null;
  provinceCode?: string;
  group?: OcopGroup;
  minStars?: number;
  minPriceVnd?: number;
  maxPriceVnd?: number;
  cooperativeId?: string;
  /** Archived and expired products too (only ever with cooperativeId). */
  includeInactive: boolean;
  sort: ProductSort;
}

/** Keyset position after the last row of the previous page, per sort. */
export type ProductKeyset =
  | { sort: 'relevance'; rank: number; id: string }
  | { sort: 'price_asc' | 'price_desc'; priceVnd: number; id: string }
  | { sort: 'newest'; createdAt: string; id: string }
  | { sort: 'stars'; stars: number; createdAt: string; id: string };

export interface BuiltQuery {
  sql: string;
  params: unknown[];
}

/** The relative weights of {D, C, B, A}: a word in the name counts five times one in search_extra. */
const RANK_WEIGHTS = '{0.1,0.1,0.2,1.0}';

/** `created_at` with its microseconds, UTC, for cursors (a JS Date would drop them). */
export const CREATED_KEY_SQL = `to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The columns every product read returns (alias p = products, c = cooperatives). */
export const PRODUCT_COLUMNS_SQL = `
  p.id, p.cooperative_id, p.name, p.description, p.sku, p.price_vnd, p.unit, p.stock_qty, p.images,
  p.ocop_group, p.ocop_stars, p.ocop_level, p.ocop_certificate_no, p.ocop_decision_no,
  to_char(p.ocop_certified_at, 'YYYY-MM-DD') AS ocop_certified_at,
  to_char(p.ocop_expires_at, 'YYYY-MM-DD') AS ocop_expires_at,
  p.province_code, p.status, p.created_at, p.updated_at, p.archived_at,
  c.name AS cooperative_name, c.province_code AS cooperative_province_code`;

/** The raw row of PRODUCT_COLUMNS_SQL (+ list extras). */
export interface ProductRow {
  id: string;
  cooperative_id: string;
  name: string;
  description: string;
  sku: string;
  price_vnd: string;
  unit: string;
  stock_qty: number;
  images: string[];
  ocop_group: OcopGroup;
  ocop_stars: number;
  ocop_level: string;
  ocop_certificate_no: string;
  ocop_decision_no: string | null;
  ocop_certified_at: string;
  ocop_expires_at: string;
  province_code: string;
  status: string;
  created_at: Date;
  updated_at: Date;
  archived_at: Date | null;
  cooperative_name: string;
  cooperative_province_code: string;
  created_key?: string;
  rank?: number;
}

class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** ORDER BY of each sort over columns named as in the inner query. */
function orderBy(sort: ProductSort, alias: string): string {
  switch (sort) {
    case 'relevance':
      return `${alias}rank DESC, ${alias}id DESC`;
    case 'price_asc':
      return `${alias}price_vnd ASC, ${alias}id ASC`;
    case 'price_desc':
      return `${alias}price_vnd DESC, ${alias}id DESC`;
    case 'newest':
      return `${alias}created_at DESC, ${alias}id DESC`;
    case 'stars':
      return `${alias}ocop_stars DESC, ${alias}created_at DESC, ${alias}id DESC`;
  }
}

/**
 * One page of products: `limit + 1` rows (the extra one tells whether there is a next page), with
 * `created_key` (and `rank` when searching) for the next cursor.
 */
export function buildProductListQuery(f: ProductListFilters, today: string, limit: number, after?: ProductKeyset): BuiltQuery {
  const p = new Params();
  const where: string[] = [];
  let rankSql: string | null = null;

  if (!f.includeInactive) {
    // Matches the partial indexes' predicate (status = 'active'); an expired certificate hides the product.
    where.push(`p.status = 'active'`, `p.ocop_expires_at >= ${p.add(today)}::date`);
  }
  if (f.tokens) {
    const query = `to_tsquery('simple', ${p.add(toTsQuery(f.tokens))})`;
    const inName = `to_tsquery('simple', ${p.add(toTsQuery(f.tokens, 'A'))})`;
    where.push(`p.search_vector @@ ${query}`);
    rankSql = `(ts_rank('${RANK_WEIGHTS}', p.search_vector, ${query}) + CASE WHEN p.search_vector @@ ${inName} THEN 1 ELSE 0 END)::float8`;
  }
  if (f.provinceCode !== undefined) where.push(`p.province_code = ${p.add(f.provinceCode)}`);
  if (f.group !== undefined) where.push(`p.ocop_group = ${p.add(f.group)}`);
  if (f.minStars !== undefined) where.push(`p.ocop_stars >= ${p.add(f.minStars)}::smallint`);
  if (f.minPriceVnd !== undefined) where.push(`p.price_vnd >= ${p.add(f.minPriceVnd)}::bigint`);
  if (f.maxPriceVnd !== undefined) where.push(`p.price_vnd <= ${p.add(f.maxPriceVnd)}::bigint`);
  if (f.cooperativeId !== undefined) where.push(`p.cooperative_id = ${p.add(f.cooperativeId)}::uuid`);

  if (after) {
    if (after.sort !== f.sort) throw new RangeError('keyset of another sort');
    switch (after.sort) {
      case 'relevance':
        if (!rankSql) throw new RangeError('relevance needs tokens');
        where.push(`(${rankSql}, p.id) < (${p.add(after.rank)}::float8, ${p.add(after.id)}::uuid)`);
        break;
      case 'price_asc':
        where.push(`(p.price_vnd, p.id) > (${p.add(after.priceVnd)}::bigint, ${p.add(after.id)}::uuid)`);
        break;
      case 'price_desc':
        where.push(`(p.price_vnd, p.id) < (${p.add(after.priceVnd)}::bigint, ${p.add(after.id)}::uuid)`);
        break;
      case 'newest':
        where.push(`(p.created_at, p.id) < (${p.add(after.createdAt)}::timestamptz, ${p.add(after.id)}::uuid)`);
        break;
      case 'stars':
        where.push(
          `(p.ocop_stars, p.created_at, p.id) < (${p.add(after.stars)}::smallint, ${p.add(after.createdAt)}::timestamptz, ${p.add(after.id)}::uuid)`,
        );
        break;
    }
  }
  if (f.sort === 'relevance' && !rankSql) throw new RangeError('relevance needs tokens');

  const inner = `
    SELECT p.*${rankSql ? `, ${rankSql} AS rank` : ''}
    FROM products p
    ${where.length ? `WHERE ${where.join('\n      AND ')}` : ''}
    ORDER BY ${orderBy(f.sort, f.sort === 'relevance' ? '' : 'p.')}
    LIMIT ${p.add(limit + 1)}`;
  const sql = `
    SELECT ${PRODUCT_COLUMNS_SQL},
      ${CREATED_KEY_SQL} AS created_key${rankSql ? ', p.rank' : ''}
    FROM (${inner}
    ) p
    JOIN cooperatives c ON c.id = p.cooperative_id
    ORDER BY ${orderBy(f.sort, 'p.')}`;
  return { sql, params: p.values };
}

/** The keyset of a row of this list (the next page starts after it). */
export function keysetOf(sort: ProductSort, r: ProductRow): ProductKeyset {
  const createdAt = r.created_key ?? r.created_at.toISOString();
  switch (sort) {
    case 'relevance':
      return { sort, rank: Number(r.rank), id: r.id };
    case 'price_asc':
    case 'price_desc':
      return { sort, priceVnd: Number(r.price_vnd), id: r.id };
    case 'newest':
      return { sort, createdAt, id: r.id };
    case 'stars':
      return { sort, stars: r.ocop_stars, createdAt, id: r.id };
  }
}

/** A single product with its cooperative. */
export function productByIdQuery(id: string): BuiltQuery {
  return {
    sql: `SELECT ${PRODUCT_COLUMNS_SQL} FROM products p JOIN cooperatives c ON c.id = p.cooperative_id WHERE p.id = $1`,
    params: [id],
  };
}
