import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager, Repository } from 'typeorm';
import type { Principal } from '../../auth/principal.js';
import { BanksService } from '../../banks/banks.service.js';
import { Clock } from '../../common/clock.js';
import { Forbidden, InvalidInput, NotFound, Unauthorized, Unavailable } from '../../common/errors.js';
import { decodeCursor, type Page, pageLimit, toPage } from '../../common/pagination.js';
import { type SecretBox, SecretBoxError } from '../../common/secret-box.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { CooperativesService } from '../../cooperatives/cooperatives.service.js';
import { MarketsService } from '../../markets/markets.service.js';
import { StallPaymentsService } from '../../markets/stall-payments.service.js';
import { BankTransactionsService, type IncomingBankTransaction } from '../bank-transactions.service.js';
import { type BankAccountRef, isAllowedAccount } from '../matcher/decide.js';
import { BankFeedEntity } from './bank-feed.entity.js';
import { FEED_SECRET_BOX } from './feed-secret-box.js';
import { foreignFeedSource } from './foreign-source.js';
import type { FeedHeaders, FeedTransaction } from './provider.js';
import { feedProvider } from './providers/index.js';

export type FeedOwner = { cooperativeId: string; marketId?: undefined } | { marketId: string; cooperativeId?: undefined };

export interface BankFeedView {
  id: string;
  provider: string;
  name: string;
  cooperativeId: string | null;
  marketId: string | null;
  webhookUrl: string;
  createdAt: string;
  deletedAt: string | null;
}

export interface FeedDelivery {
  /** A provider's test call: nothing stored. */
  test: boolean;
  stored: number;
  duplicates: number;
}

/**
 * Bank feeds (SPEC "Bank feeds"): a notification service connected to one owner's accounts. The
 * feed's secret is sealed at rest (FEED_SECRET_BOX) and leaves this service once, in the answer to
 * its creation; it is never logged. Calls to a feed's webhook are authenticated and parsed by its
 * provider's strategy (./providers), and stored through BankTransactionsService in one database
 * transaction per call — so an answer of 200 means every transaction of the call is committed.
 */
@Injectable()
export class BankFeedsService {
  private readonly logger = new Logger('BankFeeds');

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @InjectRepository(BankFeedEntity) private readonly repo: Repository<BankFeedEntity>,
    @Inject(FEED_SECRET_BOX) private readonly box: SecretBox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly txns: BankTransactionsService,
    private readonly banks: BanksService,
    private readonly cooperatives: CooperativesService,
    private readonly markets: MarketsService,
    private readonly stalls: StallPaymentsService,
  ) {}

  /** The caller's ownership of `owner` is checked by the controller. */
  async create(p: Principal, owner: FeedOwner, input: { provider: string; name: string; secret?: string }): Promise<BankFeedView & { secret: string }> {
    if (!feedProvider(input.provider)) throw InvalidInput.field('provider', 'is not a known provider');
    if (owner.cooperativeId) await this.cooperatives.get(owner.cooperativeId);
    else await this.markets.get(owner.marketId!);
    const id = randomUUID();
    // 256 bits, URL-safe: fits any provider's API-key field.
    const secret = input.secret ?? randomBytes(32).toString('base64url');
    const row = this.repo.create({
      id,
      provider: input.provider,
      name: input.name.trim(),
      cooperativeId: owner.cooperativeId ?? null,
      marketId: owner.marketId ?? null,
      secretSealed: this.box.seal(secret, id),
      createdBy: p.keyId,
      deletedAt: null,
    });
    await this.repo.insert(row);
    const saved = await this.repo.findOneByOrFail({ id });
    return { ...this.view(saved), secret };
  }

  /** Live feeds of one owner, newest first (keyset pagination). */
  async list(owner: FeedOwner, q: { limit?: number; cursor?: string }): Promise<Page<BankFeedView>> {
    if (owner.cooperativeId) await this.cooperatives.get(owner.cooperativeId);
    else await this.markets.get(owner.marketId!);
    const limit = pageLimit(q.limit);
    const qb = this.repo
      .createQueryBuilder('f')
      .where('f.deleted_at IS NULL')
      .orderBy('f.created_at', 'DESC')
      .addOrderBy('f.id', 'DESC')
      .limit(limit + 1);
    if (owner.cooperativeId) qb.andWhere('f.cooperative_id = :c', { c: owner.cooperativeId });
    else qb.andWhere('f.market_id = :m', { m: owner.marketId });
    if (q.cursor) {
      const [t, id] = decodeCursor(q.cursor, ['t', 'u']);
      qb.andWhere('(f.created_at, f.id) < (:t::timestamptz, :id::uuid)', { t, id });
    }
    const rows = await qb.getMany();
    return toPage(rows, limit, (r) => this.view(r), (r) => [r.createdAt.toISOString(), r.id]);
  }

  /** Deletes a feed (admin, or its owner): its webhook answers 404 from now on, its secret is wiped. */
  async remove(p: Principal, id: string): Promise<BankFeedView> {
    return this.ds.transaction(async (m) => {
      const row = await m.getRepository(BankFeedEntity).createQueryBuilder('f').setLock('pessimistic_write').where('f.id = :id AND f.deleted_at IS NULL', { id }).getOne();
      if (!row) throw new NotFound('Bank feed', id);
      const mine =
        p.role === 'admin' ||
        (p.role === 'cooperative' && row.cooperativeId !== null && row.cooperativeId === p.cooperativeId) ||
        (p.role === 'market_manager' && row.marketId !== null && p.marketIds.includes(row.marketId));
      if (!mine) throw new Forbidden('This bank feed is not yours');
      row.deletedAt = this.clock.now();
      await m.query(`UPDATE bank_feeds SET deleted_at = $2, secret_sealed = NULL WHERE id = $1`, [id, row.deletedAt]);
      return this.view(row);
    });
  }

  /**
   * One call of a provider to a feed's webhook, in one database transaction: the feed is read and
   * share-locked (a concurrent DELETE waits, and a deleted feed answers like one that never
   * existed: 404, its secret never compared), the call is verified and parsed by the provider's
   * strategy, and its transactions are stored. Nothing is stored unless all of it is.
   */
  async receive(feedId: string, headers: FeedHeaders, body: unknown): Promise<FeedDelivery> {
    return this.ds.transaction(async (m) => {
      const [feed]: Array<{ id: string; provider: string; cooperative_id: string | null; market_id: string | null; secret_sealed: string }> = await m.query(
        `SELECT id, provider, cooperative_id, market_id, secret_sealed FROM bank_feeds WHERE id = $1 AND deleted_at IS NULL FOR SHARE`,
        [feedId],
      );
      if (!feed) throw new NotFound('Bank feed', feedId);
      const provider = feedProvider(feed.provider);
      if (!provider) {
        this.logger.error({ feedId, provider: feed.provider }, 'bank feed of an unknown provider');
        throw new Unavailable('This bank feed cannot receive calls right now');
      }
      const secret = this.openSecret(feed.id, feed.secret_sealed);
      const auth = provider.verify(headers, body, secret, this.clock.now());
      if (!auth.ok) {
        this.logger.warn({ feedId, provider: provider.name, reason: auth.reason }, 'bank feed call refused');
        throw new Unauthorized(`The call does not authenticate as this feed's provider (${provider.authHeader.name})`);
      }
      const parsed = provider.parse(body);
      if (parsed.kind === 'invalid') throw new InvalidInput(parsed.problems, `Invalid ${provider.name} notification`);
      if (parsed.kind === 'test') {
        this.logger.log({ feedId, provider: provider.name, why: parsed.why }, 'bank feed test call');
        return { test: true, stored: 0, duplicates: 0 };
      }
      const allowed = await this.ownerAccounts(m, feed, parsed.transactions);
      const result = await this.txns.ingest(m, parsed.transactions.map((t) => this.incoming(feed, provider.name, t, allowed)));
      return { test: false, stored: result.inserted, duplicates: result.duplicates };
    });
  }

  private openSecret(feedId: string, sealed: string): string {
    try {
      return this.box.open(sealed, feedId);
    } catch (e) {
      // The message names the key id, never the secret.
      this.logger.error({ feedId, err: e instanceof SecretBoxError ? e.message : 'unexpected' }, 'bank feed secret cannot be opened (BANK_FEED_ENCRYPTION_KEYS?)');
      throw new Unavailable('This bank feed cannot be verified right now');
    }
  }

  /** The accounts a feed speaks for: its cooperative's account, or its market's stalls' accounts. */
  private async ownerAccounts(m: EntityManager, feed: { cooperative_id: string | null; market_id: string | null }, txns: FeedTransaction[]): Promise<BankAccountRef[]> {
    if (feed.cooperative_id) {
      const coop = (await this.cooperatives.getMany([feed.cooperative_id], m)).get(feed.cooperative_id);
      return coop ? [{ accountNumber: coop.bankAccountNumber, bankBin: coop.bankBin }] : [];
    }
    const stalls = await this.stalls.findStallsByAccounts(m, txns.map((t) => t.accountNumber));
    return stalls.filter((s) => s.marketId === feed.market_id).map((s) => ({ accountNumber: s.accountNumber, bankBin: s.bankBin }));
  }

  /**
   * A provider's transaction as stored. To its owner's accounts: as the provider identifies it (so
   * the same transfer from another feed, the platform webhook or a statement dedups). To any other
   * account: under the feed's own identity (see foreign-source.ts); it pays nothing either way.
   */
  private incoming(feed: { id: string }, provider: string, t: FeedTransaction, allowed: BankAccountRef[]): IncomingBankTransaction {
    const { bankName, ...rest } = t;
    const bankBin = this.banks.byName(bankName)?.bin ?? null;
    const own = isAllowedAccount({ accountNumber: t.accountNumber, bankBin: bankBin ?? undefined }, allowed);
    return {
      ...rest,
      bankBin,
      source: own ? t.source : foreignFeedSource(feed.id),
      referenceCode: own ? (t.referenceCode ?? null) : null,
      allowedAccounts: allowed,
      raw: { feed: { id: feed.id, provider }, transaction: t.raw },
    };
  }

  private view(r: BankFeedEntity): BankFeedView {
    return {
      id: r.id,
      provider: r.provider,
      name: r.name,
      cooperativeId: r.cooperativeId,
      marketId: r.marketId,
      webhookUrl: `${this.config.publicBaseUrl}/webhooks/bank/${r.id}`,
      createdAt: r.createdAt.toISOString(),
      deletedAt: r.deletedAt ? r.deletedAt.toISOString() : null,
    };
  }
}
