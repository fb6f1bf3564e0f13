import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { type DataSource, type EntityManager, QueryFailedError, type Repository } from 'typeorm';
import { assertCooperativeAccess } from '../auth/ownership.js';
import type { Principal } from '../auth/principal.js';
import { Clock, vietnamDate } from '../common/clock.js';
import { Conflict, type FieldProblem, InvalidInput, NotFound, Unauthorized } from '../common/errors.js';
import { type CursorKind, decodeCursor, type Page, pageLimit, toPage } from '../common/pagination.js';
import type { BankAccount } from '../banks/banks.service.js';
import type { CooperativeEntity } from '../cooperatives/cooperative.entity.js';
import { CooperativesService } from '../cooperatives/cooperatives.service.js';
import { PgListener } from '../common/pg-listener.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { RegionsService } from '../regions/regions.service.js';
import { ListCache, listKey } from './list-cache.js';
import { NotPurchasable, OutOfStock, ProductArchived, ProductNotFound } from './catalog.errors.js';
import type { CreateProductDto, ProductDto, ProductListQuery, UpdateProductDto } from './dto/product.dto.js';
import { isPurchasable, type OcopStars, resolveCertificate } from './ocop.js';
import { ProductEntity } from './product.entity.js';
import type { ProductPhotoSource, ProductPhotoView } from './product-photos.js';
import {
  type BuiltQuery,
  buildProductListQuery,
  keysetOf,
  productByIdQuery,
  type ProductKeyset,
  type ProductListFilters,
  type ProductRow,
  type ProductSort,
  RELEVANCE_TIERS,
  type RelevanceTier,
} from './product-queries.js';
import { buildSearchExtra, provinceSearchNames, searchTokens } from './search-text.js';

/** Announces (NOTIFY) that products changed: every instance clears its cached lists. */
const CATALOG_CHANNEL = 'ocop_catalog_changed';

/** A line taken from stock at checkout: the product snapshot an order keeps. */
export interface ReservedLine {
  productId: string;
  cooperativeId: string;
  name: string;
  unit: string;
  sku: string;
  priceVnd: number;
  qty: number;
  /** The seller, read in the same statement as the stock: its name and the account it is paid on. */
  cooperative: { name: string; account: BankAccount };
}

/** What planList() decided: the SQL to run and how to page its rows. */
export interface ListPlan extends BuiltQuery {
  today: string;
  limit: number;
  sort: ProductSort;
  cursorOf(row: ProductRow): Array<string | number>;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CREATED_KEY_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const REFRESH_BATCH = 500;

/** The row a write locks (no join: FOR UPDATE must not lock the cooperative). */
export interface LockedProduct {
  id: string;
  cooperative_id: string;
  description: string;
  status: string;
  ocop_group: string;
  ocop_stars: number;
  ocop_level: string;
  ocop_certified_at: string;
  ocop_expires_at: string;
}

/**
 * The OCOP catalog: products, their search text, public listing and search, and the stock that
 * checkout takes (reserveStock/releaseStock run inside the caller's transaction).
 */
@Injectable()
export class CatalogService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(CatalogService.name);
  private photoSource: ProductPhotoSource = async () => new Map();
  private readonly lists: ListCache;
  private listener?: PgListener;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @InjectRepository(ProductEntity) private readonly repo: Repository<ProductEntity>,
    private readonly cooperatives: CooperativesService,
    private readonly regions: RegionsService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.lists = new ListCache(config.catalogCacheSeconds * 1000);
  }

  async onApplicationBootstrap(): Promise<void> {
    const url = (this.ds.options as { url?: string }).url;
    if (!this.lists.enabled || !url) return;
    this.listener = new PgListener(url, CATALOG_CHANNEL, () => this.lists.clear(), () => this.lists.clear(), (msg) => this.logger.warn(msg));
    await this.listener.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.listener?.stop();
  }

  /**
   * Products changed (after their transaction committed): this instance's cached lists go at once,
   * every other instance's when the notice arrives. Called by the catalog's own writes and by
   * other modules that change what a list shows (photos).
   */
  async productsChanged(): Promise<void> {
    this.lists.clear();
    // Announced even when this instance keeps no lists itself: the others may.
    await this.ds.query('SELECT pg_notify($1, $2)', [CATALOG_CHANNEL, '']).catch((err) => this.logger.warn({ err }, 'could not announce a catalog change'));
  }

  /**
   * GET /products as its JSON text: public lists (not includeInactive) come from the list cache
   * (list-cache.ts) when this instance is listening for catalog changes.
   */
  async listJson(query: ProductListQuery, actor?: Principal): Promise<string> {
    const cacheable = this.lists.enabled && !query.includeInactive && this.listener?.live === true;
    const now = this.clock.now().getTime();
    const key = cacheable ? listKey(query as unknown as Record<string, unknown>, this.today()) : null;
    if (key) {
      const hit = this.lists.get(key, now);
      if (hit !== undefined) return hit;
    }
    const generation = this.lists.generation;
    const body = JSON.stringify(await this.list(query, actor));
    if (key && this.listener?.live) this.lists.set(key, body, now, generation);
    return body;
  }

  onModuleInit(): void {
    // A cooperative's name and province are part of its products' search text and province filter.
    this.cooperatives.onSearchFieldsChanged(async (cooperativeId) => {
      try {
        await this.refreshCooperativeProducts(cooperativeId);
        await this.productsChanged();
      } catch (err) {
        // The cooperative change is already committed; stale search text must not turn it into a 500.
        this.logger.error({ err, cooperativeId }, 'could not refresh the search text of the cooperative\'s products');
      }
    });
  }

  /** The media module supplies the products' photos (see product-photos.ts). */
  usePhotoSource(source: ProductPhotoSource): void {
    this.photoSource = source;
  }

  /**
   * For another module's write about a product (its photos): locks the product row in `m` until
   * that transaction ends, checks that `actor` is an admin or the owning cooperative and, unless
   * `allowArchived`, that the product is not archived.
   */
  async lockOwnedProduct(m: EntityManager, id: string, actor: Principal, opts: { allowArchived?: boolean } = {}): Promise<LockedProduct> {
    const cur = await this.lock(m, id);
    assertCooperativeAccess(actor, cur.cooperative_id);
    if (cur.status === 'archived' && !opts.allowArchived) throw new ProductArchived(id);
    return cur;
  }

  /** Today's calendar date in Asia/Ho_Chi_Minh (certificate expiry is by day). */
  today(): string {
    return vietnamDate(this.clock.now());
  }

  // ------------------------------------------------------------------------------------------
  // Products
  // ------------------------------------------------------------------------------------------

  async create(cooperativeId: string, dto: CreateProductDto): Promise<ProductDto> {
    const coop = await this.cooperativeOrInvalid(cooperativeId);
    const cert = resolveCertificate(
      { stars: dto.ocop.stars, level: dto.ocop.level, certifiedAt: dto.ocop.certifiedAt, expiresAt: dto.ocop.expiresAt },
      this.today(),
    );
    if (!cert.ok) throw new InvalidInput(cert.problems);
    const now = this.clock.now();
    const id = randomUUID();
    const description = dto.description ?? '';
    try {
      await this.repo.insert({
        id,
        cooperativeId: coop.id,
        name: dto.name,
        description,
        sku: dto.sku,
        priceVnd: dto.priceVnd,
        unit: dto.unit,
        stockQty: dto.stockQty ?? 0,
        images: dto.images ?? [],
        ocopGroup: dto.ocop.group,
        ocopStars: dto.ocop.stars,
        ocopLevel: cert.level,
        ocopCertificateNo: dto.ocop.certificateNo,
        ocopDecisionNo: dto.ocop.decisionNo ?? null,
        ocopCertifiedAt: cert.certifiedAt,
        ocopExpiresAt: cert.expiresAt,
        provinceCode: coop.provinceCode,
        status: 'active',
        searchExtra: this.searchExtra(coop, description),
        createdAt: now,
        updatedAt: now,
        archivedAt: null,
      });
    } catch (e) {
      throw this.mapWriteError(e, dto.sku);
    }
    await this.productsChanged();
    return this.get(id);
  }

  /** Any product by id, archived or expired ones included (old orders link to them). */
  async get(id: string): Promise<ProductDto> {
    const q = productByIdQuery(id);
    const rows: ProductRow[] = await this.ds.query(q.sql, q.params);
    if (!rows.length) throw new ProductNotFound(id);
    const photos = await this.photoSource([rows[0].id]);
    return this.view(rows[0], this.today(), photos.get(rows[0].id));
  }

  /**
   * Public list and search. `includeInactive` (archived and expired too) is for the cooperative
   * itself or an admin, and only with `cooperativeId`.
   */
  async list(query: ProductListQuery, actor?: Principal): Promise<Page<ProductDto>> {
    const plan = this.planList(query);
    if (query.includeInactive) {
      if (!actor) throw new Unauthorized('includeInactive=true needs an API key (admin or the cooperative)');
      assertCooperativeAccess(actor, query.cooperativeId!.toLowerCase());
    }
    const rows: ProductRow[] = await this.ds.query(plan.sql, plan.params);
    // The page's photos in one query (toPage drops the extra row; its photos are simply unused).
    const photos = await this.photoSource(rows.map((r) => r.id));
    return toPage(rows, plan.limit, (r) => this.view(r, plan.today, photos.get(r.id)), (r) => plan.cursorOf(r));
  }

  /** Validates a list query and builds its SQL (the index test EXPLAINs exactly this). */
  planList(query: ProductListQuery, today = this.today()): ListPlan {
    const problems: FieldProblem[] = [];
    let tokens: string[] | null = null;
    if (query.q !== undefined) {
      tokens = searchTokens(query.q);
      if (!tokens.length) problems.push({ field: 'q', problem: 'has no searchable word (letters or digits)' });
    }
    const sort: ProductSort = query.sort ?? (query.q !== undefined ? 'relevance' : 'newest');
    if (sort === 'relevance' && query.q === undefined) problems.push({ field: 'sort', problem: 'relevance needs a search (q)' });
    if (query.minPriceVnd !== undefined && query.maxPriceVnd !== undefined && query.minPriceVnd > query.maxPriceVnd) {
      problems.push({ field: 'minPriceVnd', problem: `must not exceed maxPriceVnd (${query.maxPriceVnd})` });
    }
    if (query.provinceCode !== undefined && !this.regions.province(query.provinceCode)) {
      problems.push({ field: 'provinceCode', problem: `unknown province code "${query.provinceCode}" (see GET /regions/provinces)` });
    }
    if (query.includeInactive && query.cooperativeId === undefined) {
      problems.push({ field: 'cooperativeId', problem: 'is required with includeInactive=true' });
    }
    if (problems.length) throw new InvalidInput(problems);

    const filters: ProductListFilters = {
      tokens: tokens && tokens.length ? tokens : null,
      provinceCode: query.provinceCode,
      group: query.group,
      minStars: query.minStars,
      minPriceVnd: query.minPriceVnd,
      maxPriceVnd: query.maxPriceVnd,
      cooperativeId: query.cooperativeId?.toLowerCase(),
      includeInactive: query.includeInactive === true,
      sort,
    };
    // A cursor is only valid for the query that produced it: its first element fingerprints the sort and filters.
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([sort, filters.tokens, filters.provinceCode, filters.group, filters.minStars, filters.minPriceVnd, filters.maxPriceVnd, filters.cooperativeId, filters.includeInactive]))
      .digest('base64url')
      .slice(0, 12);
    const after = query.cursor !== undefined ? decodeProductCursor(query.cursor, sort, fingerprint) : undefined;
    const limit = pageLimit(query.limit);
    return {
      ...buildProductListQuery(filters, today, limit, after),
      today,
      limit,
      sort,
      cursorOf: (row) => productCursorValues(fingerprint, keysetOf(sort, row)),
    };
  }

  async update(id: string, dto: UpdateProductDto, actor: Principal): Promise<ProductDto> {
    await this.ds.transaction(async (m) => {
      const cur = await this.lock(m, id);
      assertCooperativeAccess(actor, cur.cooperative_id);
      if (cur.status === 'archived') throw new ProductArchived(id);
      const patch: Partial<ProductEntity> = {};
      if (dto.name !== undefined) patch.name = dto.name;
      if (dto.sku !== undefined) patch.sku = dto.sku;
      if (dto.priceVnd !== undefined) patch.priceVnd = dto.priceVnd;
      if (dto.unit !== undefined) patch.unit = dto.unit;
      if (dto.stockQty !== undefined) patch.stockQty = dto.stockQty;
      if (dto.images !== undefined) patch.images = dto.images ?? [];
      if (dto.description !== undefined) {
        patch.description = dto.description ?? '';
        // Read after taking the product's lock: a concurrent cooperative rename refreshes under the same lock.
        patch.searchExtra = this.searchExtra(await this.cooperatives.get(cur.cooperative_id), patch.description);
      }
      if (dto.ocop) {
        const o = dto.ocop;
        const certifiedChanged = o.certifiedAt !== undefined && o.certifiedAt !== cur.ocop_certified_at;
        const stars = (o.stars ?? cur.ocop_stars) as OcopStars;
        const certifiedAt = o.certifiedAt ?? cur.ocop_certified_at;
        // expiresAt: given → checked; null, or certifiedAt changed without it → the default; else kept.
        const expiresAt = o.expiresAt !== undefined ? o.expiresAt : certifiedChanged ? null : cur.ocop_expires_at;
        const cert = resolveCertificate({ stars, level: o.level, certifiedAt, expiresAt }, certifiedChanged ? this.today() : null);
        if (!cert.ok) throw new InvalidInput(cert.problems);
        if (o.group !== undefined) patch.ocopGroup = o.group;
        if (o.certificateNo !== undefined) patch.ocopCertificateNo = o.certificateNo;
        if (o.decisionNo !== undefined) patch.ocopDecisionNo = o.decisionNo;
        patch.ocopStars = stars;
        patch.ocopLevel = cert.level;
        patch.ocopCertifiedAt = cert.certifiedAt;
        patch.ocopExpiresAt = cert.expiresAt;
      }
      if (!Object.keys(patch).length) return; // nothing to change
      patch.updatedAt = this.clock.now();
      try {
        await m.getRepository(ProductEntity).update({ id: cur.id }, patch);
      } catch (e) {
        throw this.mapWriteError(e, dto.sku ?? '');
      }
    });
    await this.productsChanged();
    return this.get(id);
  }

  /** DELETE: archives (hidden from lists, still readable by id). Idempotent. */
  async archive(id: string, actor: Principal): Promise<ProductDto> {
    await this.ds.transaction(async (m) => {
      const cur = await this.lock(m, id);
      assertCooperativeAccess(actor, cur.cooperative_id);
      if (cur.status === 'archived') return;
      const now = this.clock.now();
      await m.getRepository(ProductEntity).update({ id: cur.id }, { status: 'archived', archivedAt: now, updatedAt: now });
    });
    await this.productsChanged();
    return this.get(id);
  }

  // ------------------------------------------------------------------------------------------
  // Stock (called by checkout inside its own transaction)
  // ------------------------------------------------------------------------------------------

  /**
   * Takes stock for each line with one conditional UPDATE (stock, active, certificate valid on
   * `today`), in productId order so concurrent checkouts lock rows in the same order (no deadlock).
   * Throws ProductNotFound (404), NotPurchasable / OutOfStock (409) naming `items.<index>.…`; the
   * caller's transaction then rolls back the lines already taken. Returns the lines in input order.
   */
  async reserveStock(manager: EntityManager, lines: Array<{ productId: string; qty: number; index: number }>, today: string): Promise<ReservedLine[]> {
    const problems: FieldProblem[] = [];
    for (const l of lines) {
      if (typeof l.productId !== 'string' || !UUID_RE.test(l.productId)) problems.push({ field: `items.${l.index}.productId`, problem: 'must be a UUID' });
      if (!Number.isSafeInteger(l.qty) || l.qty < 1) problems.push({ field: `items.${l.index}.qty`, problem: 'must be a positive integer' });
    }
    if (problems.length) throw new InvalidInput(problems);
    const ordered = lines
      .map((l) => ({ ...l, productId: l.productId.toLowerCase() }))
      .sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : a.index - b.index));
    const taken = new Map<number, ReservedLine>();
    for (const l of ordered) {
      // The cooperative comes with the row (its name and payout account): no second round trip.
      const rows: Array<{
        id: string; cooperative_id: string; name: string; unit: string; sku: string; price_vnd: string;
        coop_name: string; bank_bin: string; bank_account_number: string; bank_account_name: string;
      }> = await manager.query(
        // (A bare UPDATE would come back from TypeORM as [rows, count]; the CTE returns rows.)
        `WITH taken AS (
           UPDATE products p SET stock_qty = p.stock_qty - $2
           FROM cooperatives c
           WHERE p.id = $1 AND p.stock_qty >= $2 AND p.status = 'active' AND p.ocop_expires_at >= $3::date AND c.id = p.cooperative_id
           RETURNING p.id, p.cooperative_id, p.name, p.unit, p.sku, p.price_vnd,
                     c.name AS coop_name, c.bank_bin, c.bank_account_number, c.bank_account_name)
         SELECT * FROM taken`,
        [l.productId, l.qty, today],
      );
      if (!rows.length) throw await this.whyNotReserved(manager, l, today);
      const r = rows[0];
      taken.set(l.index, {
        productId: r.id, cooperativeId: r.cooperative_id, name: r.name, unit: r.unit, sku: r.sku, priceVnd: Number(r.price_vnd), qty: l.qty,
        cooperative: { name: r.coop_name, account: { bankBin: r.bank_bin, accountNumber: r.bank_account_number, accountName: r.bank_account_name } },
      });
    }
    return lines.map((l) => taken.get(l.index)!);
  }

  /** Gives stock back (payment window expired, order cancelled), in productId order. */
  async releaseStock(manager: EntityManager, lines: Array<{ productId: string; qty: number }>): Promise<void> {
    const ordered = [...lines].map((l) => ({ ...l, productId: l.productId.toLowerCase() })).sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
    for (const l of ordered) {
      if (!Number.isSafeInteger(l.qty) || l.qty < 1) throw new RangeError(`releaseStock: bad qty ${l.qty} for ${l.productId}`);
      await manager.query(`UPDATE products SET stock_qty = stock_qty + $2 WHERE id = $1`, [l.productId, l.qty]);
    }
  }

  private async whyNotReserved(manager: EntityManager, l: { productId: string; qty: number; index: number }, today: string): Promise<Error> {
    const rows: Array<{ status: string; stock_qty: number; expires: string }> = await manager.query(
      `SELECT status, stock_qty, to_char(ocop_expires_at, 'YYYY-MM-DD') AS expires FROM products WHERE id = $1`,
      [l.productId],
    );
    if (!rows.length) return new ProductNotFound(l.productId, `items.${l.index}.productId`);
    const r = rows[0];
    if (r.status !== 'active') return new NotPurchasable(l.productId, 'the product is archived', `items.${l.index}.productId`);
    if (r.expires < today) return new NotPurchasable(l.productId, `its OCOP certificate expired on ${r.expires}`, `items.${l.index}.productId`);
    return new OutOfStock(l.productId, r.stock_qty, `items.${l.index}.qty`);
  }

  // ------------------------------------------------------------------------------------------
  // Search text
  // ------------------------------------------------------------------------------------------

  /**
   * Rewrites search_extra and province_code of every product of a cooperative (its name or
   * province changed). One transaction, rows locked in batches.
   */
  async refreshCooperativeProducts(cooperativeId: string): Promise<number> {
    const coop = await this.cooperatives.get(cooperativeId);
    let count = 0;
    await this.ds.transaction(async (m) => {
      let after = '00000000-0000-0000-0000-000000000000';
      for (;;) {
        const rows: Array<{ id: string; description: string }> = await m.query(
          `SELECT id, description FROM products WHERE cooperative_id = $1 AND id > $2 ORDER BY id LIMIT $3 FOR UPDATE`,
          [cooperativeId, after, REFRESH_BATCH],
        );
        if (!rows.length) break;
        await m.query(
          `UPDATE products p SET search_extra = v.extra, province_code = $3
           FROM unnest($1::uuid[], $2::text[]) AS v(id, extra) WHERE p.id = v.id`,
          [rows.map((r) => r.id), rows.map((r) => this.searchExtra(coop, r.description)), coop.provinceCode],
        );
        count += rows.length;
        after = rows[rows.length - 1].id;
        if (rows.length < REFRESH_BATCH) break;
      }
    });
    return count;
  }

  private searchExtra(coop: Pick<CooperativeEntity, 'name' | 'provinceCode'>, description: string): string {
    const province = this.regions.province(coop.provinceCode);
    return buildSearchExtra(coop.name, province ? provinceSearchNames(province) : '', description);
  }

  // ------------------------------------------------------------------------------------------

  private async lock(m: EntityManager, id: string): Promise<LockedProduct> {
    const rows: LockedProduct[] = await m.query(
      `SELECT id, cooperative_id, description, status, ocop_group, ocop_stars, ocop_level,
              to_char(ocop_certified_at, 'YYYY-MM-DD') AS ocop_certified_at,
              to_char(ocop_expires_at, 'YYYY-MM-DD') AS ocop_expires_at
       FROM products WHERE id = $1 FOR UPDATE`,
      [id],
    );
    if (!rows.length) throw new ProductNotFound(id);
    return rows[0];
  }

  private async cooperativeOrInvalid(id: string): Promise<CooperativeEntity> {
    try {
      return await this.cooperatives.get(id.toLowerCase());
    } catch (e) {
      if (e instanceof NotFound) throw InvalidInput.field('cooperativeId', `no cooperative with id ${id}`);
      throw e;
    }
  }

  private mapWriteError(e: unknown, sku: string): unknown {
    if (!(e instanceof QueryFailedError)) return e;
    const driver = (e as QueryFailedError & { driverError?: { code?: string; constraint?: string } }).driverError;
    if (driver?.constraint === 'products_cooperative_sku_key') {
      return new Conflict(`The cooperative already has a product with SKU ${sku}`, 'duplicate_sku', [
        { field: 'sku', problem: 'is already used by another product of this cooperative (archived ones included)' },
      ]);
    }
    if (driver?.code === '23514') {
      // CHECK constraints the DTOs already enforce; reached only by odd Unicode (e.g. length counted differently).
      const field = driver.constraint?.match(/^products_(name|sku)_check$/)?.[1] ?? 'body';
      return InvalidInput.field(field, 'is not an acceptable value');
    }
    return e;
  }

  /**
   * `images`: the URL of each ready photo at its largest size, in order, then the external image
   * URLs given with the product (the `images` field of POST/PATCH); `photos`: every size.
   */
  view(r: ProductRow, today: string, photos: ProductPhotoView[] = []): ProductDto {
    const province = this.regions.province(r.cooperative_province_code);
    return {
      id: r.id,
      cooperativeId: r.cooperative_id,
      cooperative: {
        id: r.cooperative_id,
        name: r.cooperative_name,
        provinceCode: r.cooperative_province_code,
        provinceName: province?.fullName ?? r.cooperative_province_code,
      },
      name: r.name,
      description: r.description,
      sku: r.sku,
      priceVnd: Number(r.price_vnd),
      unit: r.unit,
      stockQty: r.stock_qty,
      images: [...photos.map((p) => p.sizes['1280']), ...r.images],
      photos,
      ocop: {
        group: r.ocop_group,
        stars: r.ocop_stars,
        level: r.ocop_level,
        certificateNo: r.ocop_certificate_no,
        decisionNo: r.ocop_decision_no,
        certifiedAt: r.ocop_certified_at,
        expiresAt: r.ocop_expires_at,
      },
      provinceCode: r.province_code,
      status: r.status,
      purchasable: isPurchasable({ status: r.status, expiresAt: r.ocop_expires_at, stockQty: r.stock_qty }, today),
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
      archivedAt: r.archived_at ? r.archived_at.toISOString() : null,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Cursors: [fingerprint, ...sort key of the last row]
// ---------------------------------------------------------------------------------------------

function productCursorValues(fingerprint: string, k: ProductKeyset): Array<string | number> {
  switch (k.sort) {
    case 'relevance':
      return [fingerprint, k.tier, k.stars, k.createdAt, k.id];
    case 'price_asc':
    case 'price_desc':
      return [fingerprint, k.priceVnd, k.id];
    case 'newest':
      return [fingerprint, k.createdAt, k.id];
    case 'stars':
      return [fingerprint, k.stars, k.createdAt, k.id];
  }
}

function decodeProductCursor(cursor: string, sort: ProductSort, fingerprint: string): ProductKeyset {
  const bad = (problem = 'is not a valid cursor for this list') => InvalidInput.field('cursor', problem);
  const kinds: CursorKind[] =
    sort === 'relevance' ? ['s', 'n', 'n', 't', 'u'] : sort === 'stars' ? ['s', 'n', 't', 'u'] : sort === 'newest' ? ['s', 't', 'u'] : ['s', 'n', 'u'];
  let v: Array<string | number | null>;
  try {
    v = decodeCursor(cursor, kinds);
  } catch {
    throw bad();
  }
  if (v[0] !== fingerprint) throw bad('belongs to another search, filter or sort; start again without cursor');
  const id = v[v.length - 1] as string;
  if (!UUID_RE.test(id)) throw bad();
  switch (sort) {
    case 'relevance': {
      const tier = v[1] as number;
      if (!(RELEVANCE_TIERS as readonly number[]).includes(tier) || !validStars(v[2]) || !CREATED_KEY_RE.test(v[3] as string)) throw bad();
      return { sort, tier: tier as RelevanceTier, stars: v[2] as number, createdAt: v[3] as string, id };
    }
    case 'price_asc':
    case 'price_desc':
      if (!Number.isSafeInteger(v[1])) throw bad();
      return { sort, priceVnd: v[1] as number, id };
    case 'newest':
      if (!CREATED_KEY_RE.test(v[1] as string)) throw bad();
      return { sort, createdAt: v[1] as string, id };
    case 'stars':
      if (!validStars(v[1]) || !CREATED_KEY_RE.test(v[2] as string)) throw bad();
      return { sort, stars: v[1] as number, createdAt: v[2] as string, id };
  }
}

function validStars(v: unknown): boolean {
  return Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 5;
}
