/**
 * The SQL of the product list and search (one statement: products + their cooperative, no N+1).
 * Pure: builds text and parameters, runs nothing. CatalogService.planList() feeds it and runs it;
 * the index e2e test EXPLAINs exactly what it builds.
 *
 * Shape: an inner query picks the page from `products` alone (filters, keyset condition, ORDER BY …
 * LIMIT n + 1), served by the partial indexes of the migrations; the outer query joins those ≤ 101
 * rows to `cooperatives` and formats them.
 *
 * Relevance (migration SearchRanking) is a tier, then OCOP stars, then newest:
 *   2  the name starts with the searched words (`name_key LIKE 'ca phe%'`),
 *   1  the name holds every word, elsewhere (`name_vector @@ 'ca & phe:*'`),
 *   0  the words are found only with the cooperative, province or description (`search_vector`).
 * So "Cà phê Robusta" comes before "Mật ong hoa cà phê", which comes before the honey of a coffee
 * cooperative. Nothing is scored per row: each tier is a branch of a UNION ALL ordered by
 * (ocop_stars, created_at, id) with its own LIMIT, which PostgreSQL serves either by walking
 * products_stars_idx and stopping after the page (a tier with many matches) or from the tier's own
 * index and a small sort (a tier with few), and the Append stops reading branches once the page is
 * full. The tiers are disjoint, so a cursor (tier, stars, created_at, id) continues exactly.
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
  | { sort: 'relevance'; tier: RelevanceTier; stars: number; createdAt: string; id: string }
  | { sort: 'price_asc' | 'price_desc'; priceVnd: number; id: string }
  | { sort: 'newest'; createdAt: string; id: string }
  | { sort: 'stars'; stars: number; createdAt: string; id: string };

export interface BuiltQuery {
  sql: string;
  params: unknown[];
}

/** 2: the name starts with the words; 1: the name holds them; 0: found only beyond the name. */
export type RelevanceTier = 0 | 1 | 2;
export const RELEVANCE_TIERS: readonly RelevanceTier[] = [2, 1, 0];

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
  tier?: RelevanceTier;
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
      return `${alias}tier DESC, ${alias}ocop_stars DESC, ${alias}created_at DESC, ${alias}id DESC`;
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
 * `created_key` (and `tier` when sorted by relevance) for the next cursor.
 */
export function buildProductListQuery(f: ProductListFilters, today: string, limit: number, after?: ProductKeyset): BuiltQuery {
  if (after && after.sort !== f.sort) throw new RangeError('keyset of another sort');
  if (f.sort === 'relevance' && !f.tokens) throw new RangeError('relevance needs tokens');
  const p = new Params();
  const where: string[] = [];

  if (!f.includeInactive) {
    // Matches the partial indexes' predicate (status = 'active'); an expired certificate hides the product.
    where.push(`p.status = 'active'`, `p.ocop_expires_at >= ${p.add(today)}::date`);
  }
  const words = f.tokens ? `to_tsquery('simple', ${p.add(toTsQuery(f.tokens))})` : null;
  if (words && f.sort !== 'relevance') where.push(`p.search_vector @@ ${words}`);
  if (f.provinceCode !== undefined) where.push(`p.province_code = ${p.add(f.provinceCode)}`);
  if (f.group !== undefined) where.push(`p.ocop_group = ${p.add(f.group)}`);
  if (f.minStars !== undefined) where.push(`p.ocop_stars >= ${p.add(f.minStars)}::smallint`);
  if (f.minPriceVnd !== undefined) where.push(`p.price_vnd >= ${p.add(f.minPriceVnd)}::bigint`);
  if (f.maxPriceVnd !== undefined) where.push(`p.price_vnd <= ${p.add(f.maxPriceVnd)}::bigint`);
  if (f.cooperativeId !== undefined) where.push(`p.cooperative_id = ${p.add(f.cooperativeId)}::uuid`);

  let inner: string;
  if (f.sort === 'relevance') {
    const rel = after?.sort === 'relevance' ? after : undefined;
    inner = walksStarsIndex(f) ? relevanceByTiers(p, where, f.tokens!, words!, limit, rel) : relevanceInOnePass(p, where, f.tokens!, words!, limit, rel);
  } else {
    if (after && after.sort !== 'relevance') where.push(keysetCondition(after, p));
    inner = `
    SELECT p.*
    FROM products p
    ${where.length ? `WHERE ${where.join('\n      AND ')}` : ''}
    ORDER BY ${orderBy(f.sort, 'p.')}
    LIMIT ${p.add(limit + 1)}`;
  }
  const sql = `
    SELECT ${PRODUCT_COLUMNS_SQL},
      ${CREATED_KEY_SQL} AS created_key${f.sort === 'relevance' ? ', p.tier' : ''}
    FROM (${inner}
    ) p
    JOIN cooperatives c ON c.id = p.cooperative_id
    ORDER BY ${orderBy(f.sort, 'p.')}`;
  return { sql, params: p.values };
}

/**
 * Whether a relevance search may walk products_stars_idx tier by tier. Not with a filter on a column
 * that index does not hold (province, group, price, cooperative): such filters are correlated with
 * the words ("ca phe" among handicrafts: nothing), the planner multiplies selectivities as if they
 * were not, and would walk the whole index looking for rows that are not there. minStars is a range
 * of the index itself.
 */
function walksStarsIndex(f: ProductListFilters): boolean {
  return f.provinceCode === undefined && f.group === undefined && f.minPriceVnd === undefined && f.maxPriceVnd === undefined && f.cooperativeId === undefined;
}

type RelevanceKeyset = Extract<ProductKeyset, { sort: 'relevance' }>;

/**
 * One UNION ALL branch per tier, each ordered by (stars, created_at, id) with its own LIMIT: the
 * planner walks products_stars_idx and stops after the page when the tier has many matches, or reads
 * the tier's own index and sorts when it has few. The Append returns the branches in order and is not
 * read further once the LIMIT is reached, so lower tiers cost nothing when the page is full. After a
 * cursor, tiers above its tier are done, its tier continues after its row, lower tiers start over.
 */
function relevanceByTiers(p: Params, where: string[], tokens: string[], words: string, limit: number, after?: RelevanceKeyset): string {
  let prefixParam: string | undefined; // added only when used: an unused $n has no type and fails the statement
  const prefix = () => (prefixParam ??= p.add(namePrefixPattern(tokens)));
  const tierWhere = (t: RelevanceTier): string[] =>
    t === 2
      ? [`p.name_key LIKE ${prefix()}`]
      : t === 1
        ? [`p.name_vector @@ ${words}`, `p.name_key NOT LIKE ${prefix()}`]
        : [`p.search_vector @@ ${words}`, `NOT p.name_vector @@ ${words}`];
  const pageLimit = p.add(limit + 1);
  const branches = RELEVANCE_TIERS.filter((t) => !after || t <= after.tier).map((t) => {
    const conds = [...where, ...tierWhere(t)];
    if (after && t === after.tier) {
      conds.push(`(p.ocop_stars, p.created_at, p.id) < (${p.add(after.stars)}::smallint, ${p.add(after.createdAt)}::timestamptz, ${p.add(after.id)}::uuid)`);
    }
    return `(SELECT p.*, ${t} AS tier FROM products p
       WHERE ${conds.join('\n         AND ')}
       ORDER BY p.ocop_stars DESC, p.created_at DESC, p.id DESC
       LIMIT ${pageLimit})`;
  });
  return `
      SELECT * FROM (
      ${branches.join('\n      UNION ALL\n      ')}
      ) tiers
      LIMIT ${pageLimit}`;
}

/**
 * Every match (search_vector) that passes the filters, its tier computed per row from the stored
 * columns, one top-N sort: never more rows than the filtered matches, whatever the correlation.
 */
function relevanceInOnePass(p: Params, where: string[], tokens: string[], words: string, limit: number, after?: RelevanceKeyset): string {
  const tier = `CASE WHEN p.name_key LIKE ${p.add(namePrefixPattern(tokens))} THEN 2 WHEN p.name_vector @@ ${words} THEN 1 ELSE 0 END`;
  const conds = [...where, `p.search_vector @@ ${words}`];
  if (after) {
    conds.push(
      `(${tier}, p.ocop_stars, p.created_at, p.id) < (${p.add(after.tier)}::int, ${p.add(after.stars)}::smallint, ${p.add(after.createdAt)}::timestamptz, ${p.add(after.id)}::uuid)`,
    );
  }
  return `
    SELECT p.*, ${tier} AS tier
    FROM products p
    WHERE ${conds.join('\n      AND ')}
    ORDER BY ${orderBy('relevance', '')}
    LIMIT ${p.add(limit + 1)}`;
}

/** `name_key LIKE` pattern of the words as a name's beginning, the last one a prefix: ["ca", "phe"] → "ca phe%". */
export function namePrefixPattern(tokens: string[]): string {
  for (const t of tokens) if (!/^[a-z0-9]+$/.test(t)) throw new RangeError(`unsanitized token ${JSON.stringify(t)}`);
  return `${tokens.join(' ')}%`;
}

/** The row comparison of the non-relevance sorts, matching their ORDER BY and index. */
function keysetCondition(after: Exclude<ProductKeyset, { sort: 'relevance' }>, p: Params): string {
  switch (after.sort) {
    case 'price_asc':
      return `(p.price_vnd, p.id) > (${p.add(after.priceVnd)}::bigint, ${p.add(after.id)}::uuid)`;
    case 'price_desc':
      return `(p.price_vnd, p.id) < (${p.add(after.priceVnd)}::bigint, ${p.add(after.id)}::uuid)`;
    case 'newest':
      return `(p.created_at, p.id) < (${p.add(after.createdAt)}::timestamptz, ${p.add(after.id)}::uuid)`;
    case 'stars':
      return `(p.ocop_stars, p.created_at, p.id) < (${p.add(after.stars)}::smallint, ${p.add(after.createdAt)}::timestamptz, ${p.add(after.id)}::uuid)`;
  }
}

/** The keyset of a row of this list (the next page starts after it). */
export function keysetOf(sort: ProductSort, r: ProductRow): ProductKeyset {
  const createdAt = r.created_key ?? r.created_at.toISOString();
  switch (sort) {
    case 'relevance':
      if (r.tier === undefined) throw new RangeError('a relevance row without its tier');
      return { sort, tier: r.tier, stars: r.ocop_stars, createdAt, id: r.id };
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
