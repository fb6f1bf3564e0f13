import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, IsNull, Repository } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { Clock } from '../common/clock.js';
import { Forbidden, NotFound, Unauthorized } from '../common/errors.js';
import { decodeCursor, type Page, pageLimit, toPage } from '../common/pagination.js';
import { ApiKeyEntity } from './api-key.entity.js';
import { apiKeyMatches, generateApiKey, hashApiKey, isWellFormedApiKey, keyLookupPrefix, KEY_PREFIX } from './api-key-secret.js';
import { type Principal, type Role } from './principal.js';
import { PgListener } from '../common/pg-listener.js';

/** The PostgreSQL channel on which a revoked API key's id is announced (NOTIFY, in the revoking transaction). */
export const REVOCATION_CHANNEL = 'ocop_api_key_revoked';

export interface ApiKeyView {
  id: string;
  name: string;
  role: Role;
  cooperativeId: string | null;
  marketId: string | null;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface IssuedApiKey extends ApiKeyView {
  /** The secret, shown once. */
  key: string;
}

const LAST_USED_RESOLUTION_MS = 60_000;
/** Keys remembered at most (a bound on memory; the oldest go first). */
const CACHE_MAX_KEYS = 10_000;

interface CachedKey {
  principal: Principal;
  expiresAt: number;
  lastUsedAt: number;
}

/**
 * API keys. A verified key is remembered for API_KEY_CACHE_SECONDS so that most requests need no
 * database round trip; revocation stays immediate on every instance: revoke() announces the key id
 * with NOTIFY in its own transaction, every instance LISTENs and forgets the key at once, and while
 * an instance is not listening (starting, connection lost) it trusts no remembered key.
 */
@Injectable()
export class ApiKeysService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(ApiKeysService.name);
  private readonly adminHash?: Buffer;
  private readonly cacheMs: number;
  private readonly cache = new Map<string, CachedKey>();
  /** Bumped by every revocation notice and listening gap: a lookup that overlapped one is not cached. */
  private generation = 0;
  private listener?: PgListener;

  constructor(
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly clock: Clock,
  ) {
    if (config.adminApiKey) this.adminHash = hashApiKey(config.adminApiKey);
    this.cacheMs = config.apiKeyCacheSeconds * 1000;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.cacheMs) return;
    const url = (this.ds.options as { url?: string }).url;
    if (!url) return;
    this.listener = new PgListener(
      url,
      REVOCATION_CHANNEL,
      (keyId) => keyId && this.forget(keyId),
      () => this.forgetAll(),
      (msg) => this.log.warn(msg),
    );
    await this.listener.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.listener?.stop();
  }

  /** Resolves a Bearer token to a principal, or throws Unauthorized. */
  async authenticate(token: string): Promise<Principal> {
    if (!isWellFormedApiKey(token)) throw new Unauthorized('Invalid API key');
    if (this.adminHash && apiKeyMatches(token, this.adminHash)) {
      return { keyId: 'env', role: 'admin', cooperativeId: null, marketIds: [] };
    }
    const hash = hashApiKey(token).toString('base64');
    const now = this.clock.now().getTime();
    const trusted = this.listener?.live === true;
    const hit = trusted ? this.cache.get(hash) : undefined;
    if (hit && hit.expiresAt > now) {
      if (now - hit.lastUsedAt > LAST_USED_RESOLUTION_MS) {
        hit.lastUsedAt = now;
        this.keys.update({ id: hit.principal.keyId }, { lastUsedAt: new Date(now) }).catch((e) => this.log.debug({ err: e }, 'lastUsedAt not recorded'));
      }
      return hit.principal;
    }
    const generation = this.generation;
    const candidates = await this.keys.find({ where: { keyPrefix: keyLookupPrefix(token), revokedAt: IsNull() } });
    const row = candidates.find((c) => apiKeyMatches(token, c.keyHash));
    if (!row) throw new Unauthorized('Invalid or revoked API key');
    if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.keys.update({ id: row.id }, { lastUsedAt: new Date(now) });
    }
    const principal: Principal = {
      keyId: row.id,
      role: row.role,
      cooperativeId: row.cooperativeId,
      marketIds: row.marketId ? [row.marketId] : [],
    };
    if (trusted && this.listener?.live && generation === this.generation) {
      if (this.cache.size >= CACHE_MAX_KEYS) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(hash, { principal, expiresAt: now + this.cacheMs, lastUsedAt: now });
    }
    return principal;
  }

  private forget(keyId: string): void {
    this.generation++;
    for (const [hash, c] of this.cache) if (c.principal.keyId === keyId) this.cache.delete(hash);
  }

  private forgetAll(): void {
    this.generation++;
    this.cache.clear();
  }

  async issue(input: { name: string; role: Role; cooperativeId?: string; marketId?: string; createdBy: Principal }): Promise<IssuedApiKey> {
    const key = generateApiKey();
    const row = await this.keys.save(
      this.keys.create({
        name: input.name,
        role: input.role,
        cooperativeId: input.cooperativeId ?? null,
        marketId: input.marketId ?? null,
        keyPrefix: keyLookupPrefix(key),
        keyHash: hashApiKey(key),
        createdBy: input.createdBy.keyId === 'env' ? null : input.createdBy.keyId,
        lastUsedAt: null,
        revokedAt: null,
      }),
    );
    return { ...this.view(row), key };
  }

  /** Admin: every key; a cooperative: its own; a manager: its markets'. */
  async list(p: Principal, query: { limit?: number; cursor?: string }): Promise<Page<ApiKeyView>> {
    const limit = pageLimit(query.limit);
    const qb = this.keys.createQueryBuilder('k').orderBy('k.created_at', 'DESC').addOrderBy('k.id', 'DESC').limit(limit + 1);
    if (p.role === 'cooperative') qb.andWhere('k.cooperative_id = :c', { c: p.cooperativeId });
    if (p.role === 'market_manager') qb.andWhere('k.market_id IN (:...m)', { m: p.marketIds.length ? p.marketIds : ['00000000-0000-0000-0000-000000000000'] });
    if (query.cursor) {
      const [t, id] = decodeCursor(query.cursor, ['t', 'u']);
      qb.andWhere('(k.created_at, k.id) < (:t::timestamptz, :id::uuid)', { t, id });
    }
    const rows = await qb.getMany();
    return toPage(rows, limit, (r) => this.view(r), (r) => [r.createdAt.toISOString(), r.id]);
  }

  async revoke(p: Principal, id: string): Promise<ApiKeyView> {
    const row = await this.keys.findOne({ where: { id } });
    if (!row) throw new NotFound('API key', id);
    const mine =
      p.role === 'admin' ||
      (p.role === 'cooperative' && row.cooperativeId === p.cooperativeId) ||
      (p.role === 'market_manager' && row.marketId !== null && p.marketIds.includes(row.marketId));
    if (!mine) throw new Forbidden('This API key is not yours');
    if (!row.revokedAt) {
      const at = this.clock.now();
      // The notice is delivered to every listening instance when this transaction commits.
      await this.ds.transaction(async (m) => {
        await m.update(ApiKeyEntity, { id }, { revokedAt: at });
        await m.query('SELECT pg_notify($1, $2)', [REVOCATION_CHANNEL, id]);
      });
      row.revokedAt = at;
    }
    this.forget(id);
    return this.view(row);
  }

  view(r: ApiKeyEntity): ApiKeyView {
    return {
      id: r.id,
      name: r.name,
      role: r.role,
      cooperativeId: r.cooperativeId,
      marketId: r.marketId,
      prefix: `${KEY_PREFIX}${r.keyPrefix}`,
      createdAt: r.createdAt.toISOString(),
      lastUsedAt: r.lastUsedAt ? r.lastUsedAt.toISOString() : null,
      revokedAt: r.revokedAt ? r.revokedAt.toISOString() : null,
    };
  }
}
