import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { Clock } from '../common/clock.js';
import { Forbidden, NotFound, Unauthorized } from '../common/errors.js';
import { decodeCursor, type Page, pageLimit, toPage } from '../common/pagination.js';
import { ApiKeyEntity } from './api-key.entity.js';
import { apiKeyMatches, generateApiKey, hashApiKey, isWellFormedApiKey, keyLookupPrefix, KEY_PREFIX } from './api-key-secret.js';
import { type Principal, type Role } from './principal.js';

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

@Injectable()
export class ApiKeysService {
  private readonly adminHash?: Buffer;

  constructor(
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly clock: Clock,
  ) {
    if (config.adminApiKey) this.adminHash = hashApiKey(config.adminApiKey);
  }

  /** Resolves a Bearer token to a principal, or throws Unauthorized. */
  async authenticate(token: string): Promise<Principal> {
    if (!isWellFormedApiKey(token)) throw new Unauthorized('Invalid API key');
    if (this.adminHash && apiKeyMatches(token, this.adminHash)) {
      return { keyId: 'env', role: 'admin', cooperativeId: null, marketIds: [] };
    }
    const candidates = await this.keys.find({ where: { keyPrefix: keyLookupPrefix(token), revokedAt: IsNull() } });
    const row = candidates.find((c) => apiKeyMatches(token, c.keyHash));
    if (!row) throw new Unauthorized('Invalid or revoked API key');
    const now = this.clock.now();
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.keys.update({ id: row.id }, { lastUsedAt: now });
    }
    return {
      keyId: row.id,
      role: row.role,
      cooperativeId: row.cooperativeId,
      marketIds: row.marketId ? [row.marketId] : [],
    };
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
      row.revokedAt = this.clock.now();
      await this.keys.update({ id }, { revokedAt: row.revokedAt });
    }
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
