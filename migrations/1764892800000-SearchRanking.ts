import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Search ranking that PostgreSQL can serve without scoring every match (src/catalog/product-queries.ts).
 *
 * Relevance is three tiers, then OCOP stars, then newest: (2) the name starts with the searched words,
 * (1) the name holds every word, (0) the words are found only with the cooperative, province or
 * description. Each tier is one branch of a UNION ALL that walks an index in (stars, created_at, id)
 * order and stops after a page; a tier with few matches is read from its own index instead. That
 * needs, per product:
 *
 * - `name_key`: the folded name as words separated by single spaces ("Cà phê Robusta – rang xay" →
 *   "ca phe robusta rang xay"), the same words `searchTokens()` makes of a query; a btree with
 *   text_pattern_ops serves `name_key LIKE 'ca phe%'` (tier 2) as a range scan.
 * - `name_vector`: the words of the name alone, with their own GIN index and their own planner
 *   statistics (tier 1; the weight-A part of search_vector cannot tell the planner how many names
 *   hold a word).
 * - `search_vector`: rebuilt from the same words (weight A) and search_extra (weight B), so that a
 *   word of the name found by name_vector is always found by search_vector too.
 *
 * One table rewrite (the stored generated columns). The indexes are partial (status = 'active'),
 * and the GIN ones update in place (fastupdate off, as CatalogTuning set for products_search_idx).
 */
export class SearchRanking1764892800000 implements MigrationInterface {
  name = 'SearchRanking1764892800000';

  async up(q: QueryRunner): Promise<void> {
    // Schema-qualified: index expressions are also evaluated with an empty search_path (autovacuum, restore).
    await q.query(`
      CREATE FUNCTION vn_words(text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $$ SELECT btrim(regexp_replace(public.vn_fold($1), '[^a-z0-9]+', ' ', 'g')) $$`);
    await q.query(`
      ALTER TABLE products
        DROP COLUMN search_vector,
        ADD COLUMN name_key text GENERATED ALWAYS AS (public.vn_words(name)) STORED,
        ADD COLUMN name_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', public.vn_words(name))) STORED,
        ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('simple', public.vn_words(name)), 'A') ||
          setweight(to_tsvector('simple', search_extra), 'B')) STORED`);
    await q.query(`CREATE INDEX products_search_idx ON products USING gin (search_vector) WITH (fastupdate = off) WHERE status = 'active'`);
    await q.query(`CREATE INDEX products_name_words_idx ON products USING gin (name_vector) WITH (fastupdate = off) WHERE status = 'active'`);
    await q.query(`CREATE INDEX products_name_prefix_idx ON products (name_key text_pattern_ops) WHERE status = 'active'`);
    // The new columns have no statistics until the next ANALYZE; the tier plans depend on them.
    await q.query(`ANALYZE products`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE products
        DROP COLUMN search_vector,
        DROP COLUMN name_vector,
        DROP COLUMN name_key,
        ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('simple', vn_fold(name)), 'A') ||
          setweight(to_tsvector('simple', search_extra), 'B')) STORED`);
    await q.query(`CREATE INDEX products_search_idx ON products USING gin (search_vector) WITH (fastupdate = off) WHERE status = 'active'`);
    await q.query(`DROP FUNCTION vn_words(text)`);
  }
}
