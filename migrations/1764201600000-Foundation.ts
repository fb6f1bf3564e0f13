import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Foundation: extensions, the immutable Vietnamese folding function used by search indexes,
 * API keys, cooperatives, products (OCOP catalog) and app metadata.
 */
export class Foundation1764201600000 implements MigrationInterface {
  name = 'Foundation1764201600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    // unaccent() is only STABLE (its dictionary could change); indexes need an IMMUTABLE wrapper
    // with the dictionary named explicitly. đ/Đ do not decompose under NFD: translate them first.
    await q.query(`
      CREATE FUNCTION vn_fold(text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, translate($1, 'đĐ', 'dD'))) $$`);

    await q.query(`
      CREATE TABLE app_meta (
        key text PRIMARY KEY,
        value jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE cooperatives (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 2 AND 200),
        kind text NOT NULL CHECK (kind IN ('cooperative','cooperative_group','enterprise','household')),
        tax_code text NOT NULL CHECK (tax_code ~ '^[0-9]{10}(-[0-9]{3})?$'),
        province_code text NOT NULL,
        commune_code text NOT NULL,
        address text NOT NULL,
        phone text,
        email text,
        bank_bin text NOT NULL CHECK (bank_bin ~ '^[0-9]{6}$'),
        bank_account_number text NOT NULL CHECK (bank_account_number ~ '^[0-9]{6,19}$'),
        bank_account_name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT cooperatives_tax_code_key UNIQUE (tax_code)
      )`);
    await q.query(`CREATE INDEX cooperatives_created_idx ON cooperatives (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX cooperatives_province_idx ON cooperatives (province_code, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX cooperatives_bank_account_idx ON cooperatives (bank_account_number)`);

    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin','cooperative','market_manager')),
        cooperative_id uuid REFERENCES cooperatives(id),
        market_id uuid,
        key_prefix text NOT NULL,
        key_hash bytea NOT NULL,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz,
        CONSTRAINT api_keys_scope_check CHECK (
          (role = 'admin' AND cooperative_id IS NULL AND market_id IS NULL) OR
          (role = 'cooperative' AND cooperative_id IS NOT NULL AND market_id IS NULL) OR
          (role = 'market_manager' AND market_id IS NOT NULL AND cooperative_id IS NULL)),
        CONSTRAINT api_keys_hash_key UNIQUE (key_hash)
      )`);
    await q.query(`CREATE INDEX api_keys_prefix_idx ON api_keys (key_prefix)`);
    await q.query(`CREATE INDEX api_keys_cooperative_idx ON api_keys (cooperative_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX api_keys_market_idx ON api_keys (market_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX api_keys_created_idx ON api_keys (created_at DESC, id DESC)`);

    await q.query(`
      CREATE TABLE products (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        cooperative_id uuid NOT NULL REFERENCES cooperatives(id),
        name text NOT NULL CHECK (length(name) BETWEEN 2 AND 200),
        description text NOT NULL DEFAULT '',
        sku text NOT NULL CHECK (length(sku) BETWEEN 1 AND 64),
        price_vnd bigint NOT NULL CHECK (price_vnd > 0),
        unit text NOT NULL,
        stock_qty integer NOT NULL CHECK (stock_qty >= 0),
        images jsonb NOT NULL DEFAULT '[]',
        ocop_group text NOT NULL CHECK (ocop_group IN ('food','beverages','herbal','handicrafts','ornamental','community_tourism')),
        ocop_stars smallint NOT NULL CHECK (ocop_stars IN (3,4,5)),
        ocop_level text NOT NULL CHECK (ocop_level IN ('provincial','national')),
        ocop_certificate_no text NOT NULL,
        ocop_decision_no text,
        ocop_certified_at date NOT NULL,
        ocop_expires_at date NOT NULL CHECK (ocop_expires_at > ocop_certified_at),
        province_code text NOT NULL,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','archived')),
        -- Folded words beyond the name (cooperative, province, description), written by the service.
        search_extra text NOT NULL DEFAULT '',
        search_vector tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('simple', vn_fold(name)), 'A') ||
          setweight(to_tsvector('simple', search_extra), 'B')) STORED,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        archived_at timestamptz,
        CONSTRAINT products_cooperative_sku_key UNIQUE (cooperative_id, sku)
      )`);
    // Public lists only ever show active products: partial indexes keep them small.
    await q.query(`CREATE INDEX products_search_idx ON products USING gin (search_vector) WHERE status = 'active'`);
    await q.query(`CREATE INDEX products_name_trgm_idx ON products USING gin (vn_fold(name) gin_trgm_ops) WHERE status = 'active'`);
    await q.query(`CREATE INDEX products_newest_idx ON products (created_at DESC, id DESC) WHERE status = 'active'`);
    await q.query(`CREATE INDEX products_price_idx ON products (price_vnd, id) WHERE status = 'active'`);
    await q.query(`CREATE INDEX products_stars_idx ON products (ocop_stars DESC, created_at DESC, id DESC) WHERE status = 'active'`);
    await q.query(`CREATE INDEX products_province_idx ON products (province_code, created_at DESC, id DESC) WHERE status = 'active'`);
    await q.query(`CREATE INDEX products_group_idx ON products (ocop_group, created_at DESC, id DESC) WHERE status = 'active'`);
    await q.query(`CREATE INDEX products_cooperative_idx ON products (cooperative_id, created_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE products`);
    await q.query(`DROP TABLE api_keys`);
    await q.query(`DROP TABLE cooperatives`);
    await q.query(`DROP TABLE app_meta`);
    await q.query(`DROP FUNCTION vn_fold(text)`);
  }
}
