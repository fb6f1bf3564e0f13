import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { Clock, vietnamDate } from '../common/clock.js';
import { InvalidInput, NotFound } from '../common/errors.js';
import { RegionsService } from '../regions/regions.service.js';
import type { CategoryStatsDto, MarketRankingDto, MarketStatsDto, StallCountsDto, StallStatsDto } from './dto/stats.dto.js';
import {
  buildSeries,
  cashlessCount,
  type Counters,
  figures,
  type Granularity,
  type PeriodPlan,
  planPeriod,
  rankMarkets,
  resolvePeriod,
  share,
  sumCounters,
  topStalls,
  ZERO,
} from './market-stats.js';
import { STALL_CATEGORIES, STALL_CATEGORY_LABELS_VI, type StallCategory, type StallStatus } from './stall.entity.js';
import { BUSINESS_TIME_ZONE } from './stall-transactions.sql.js';

const COUNTER_COLS = ['qr_count', 'qr_value', 'card_count', 'card_value', 'cash_count', 'cash_value'] as const;
const SUM_COLS = COUNTER_COLS.map((c) => `sum(${c}) AS ${c}`).join(', ');
const COLS = COUNTER_COLS.join(', ');

type CounterRow = Record<(typeof COUNTER_COLS)[number], string | number>;

function counters(r: CounterRow | undefined): Counters {
  if (!r) return { ...ZERO };
  return {
    qrCount: Number(r.qr_count),
    qrValue: Number(r.qr_value),
    cardCount: Number(r.card_count),
    cardValue: Number(r.card_value),
    cashCount: Number(r.cash_count),
    cashValue: Number(r.cash_value),
  };
}

/**
 * Rows of the stall or market rollups that add up to a period (see planPeriod): whole months from
 * the monthly table, day ranges from the daily one, and day ranges subtracted (negated counters).
 * `key` is stall_id or market_id; the scope filter is `market_id = ANY($1)`. Returns SQL selecting
 * (key, counters…) rows to be summed per key, and its parameters after $1.
 */
function rollupRows(level: 'stall' | 'market', plan: PeriodPlan): { sql: string; params: string[] } {
  const key = level === 'stall' ? 'stall_id' : 'market_id';
  const parts: string[] = [];
  const params: string[] = [];
  const p = (v: string) => {
    params.push(v);
    return `$${params.length + 1}`;
  };
  const negated = COUNTER_COLS.map((c) => `-${c}`).join(', ');
  if (plan.months) {
    parts.push(
      `SELECT ${key} AS key, ${COLS} FROM ${level}_monthly_rollups WHERE market_id = ANY($1::uuid[]) AND month BETWEEN ${p(plan.months.from)}::date AND ${p(plan.months.to)}::date`,
    );
  }
  for (const r of plan.dayRanges) {
    parts.push(`SELECT ${key} AS key, ${COLS} FROM ${level}_daily_rollups WHERE market_id = ANY($1::uuid[]) AND day BETWEEN ${p(r.from)}::date AND ${p(r.to)}::date`);
  }
  for (const r of plan.minusDayRanges) {
    parts.push(`SELECT ${key} AS key, ${negated} FROM ${level}_daily_rollups WHERE market_id = ANY($1::uuid[]) AND day BETWEEN ${p(r.from)}::date AND ${p(r.to)}::date`);
  }
  return { sql: parts.join('\nUNION ALL\n'), params };
}

interface StallInfo {
  id: string;
  market_id: string;
  code: string;
  vendor_name: string;
  category: StallCategory;
  status: StallStatus;
  qr_enabled: boolean;
}

/**
 * Cashless statistics, read from the rollups only (never stall_transactions): the market's daily
 * rollup gives the totals and the time series; per-stall sums (whole months from the monthly rollup,
 * partial months from the daily one) give active stalls, categories and top stalls.
 */
@Injectable()
export class MarketStatsService {
  constructor(
    private readonly ds: DataSource,
    private readonly regions: RegionsService,
    private readonly clock: Clock,
  ) {}

  async marketStats(
    marketId: string,
    q: { from?: string; to?: string; granularity?: string },
  ): Promise<MarketStatsDto & { allStalls: StallStatsDto[] }> {
    const period = this.period(q);
    const granularity = (q.granularity ?? 'day') as Granularity;
    const plan = planPeriod(period.from, period.to);
    const perStall = rollupRows('stall', plan);

    // One round trip: the market, its stalls, the daily series and the per-stall sums, in parallel.
    const [markets, stalls, days, stallSums] = await Promise.all([
      this.ds.query(`SELECT id, name FROM markets WHERE id = $1`, [marketId]) as Promise<Array<{ id: string; name: string }>>,
      this.ds.query(
        `SELECT id, market_id, code, vendor_name, category, status, bank_account_number IS NOT NULL AS qr_enabled
         FROM stalls WHERE market_id = $1 ORDER BY code COLLATE "C"`,
        [marketId],
      ) as Promise<StallInfo[]>,
      this.ds.query(
        `SELECT day::text AS day, ${COLS} FROM market_daily_rollups WHERE market_id = $1 AND day BETWEEN $2::date AND $3::date ORDER BY day`,
        [marketId, period.from, period.to],
      ) as Promise<Array<CounterRow & { day: string }>>,
      this.ds.query(`SELECT key AS stall_id, ${SUM_COLS} FROM (${perStall.sql}) x GROUP BY key`, [[marketId], ...perStall.params]) as Promise<
        Array<CounterRow & { stall_id: string }>
      >,
    ]);

    const market = markets[0];
    if (!market) throw new NotFound('Market', marketId);
    const series = buildSeries(
      days.map((d) => ({ day: d.day, ...counters(d) })),
      period.from,
      period.to,
      granularity,
    );
    const sums = new Map(stallSums.map((r) => [r.stall_id, counters(r)]));
    const stallRows = stalls.map((s) => ({ info: s, c: sums.get(s.id) ?? { ...ZERO } }));

    const byCategory: CategoryStatsDto[] = STALL_CATEGORIES.map((category) => {
      const rows = stallRows.filter((r) => r.info.category === category);
      return {
        category,
        label: STALL_CATEGORY_LABELS_VI[category],
        stalls: stallCounts(rows),
        ...figures(sumCounters(rows.map((r) => r.c))),
      };
    });
    const allStalls: StallStatsDto[] = stallRows.map((r) => stallStats(r.info, r.c));
    const top = topStalls(stallRows.map((r) => ({ stallId: r.info.id, code: r.info.code, ...r.c, row: r }))).map((t) => stallStats(t.row.info, t.row.c));

    return {
      marketId: market.id,
      marketName: market.name,
      from: period.from,
      to: period.to,
      granularity,
      timeZone: BUSINESS_TIME_ZONE,
      stalls: stallCounts(stallRows),
      totals: figures(sumCounters(days.map(counters))),
      series,
      byCategory,
      topStalls: top,
      allStalls,
    };
  }

  /**
   * Markets of a province (admin: all markets when no province is given; a manager: only theirs),
   * ranked by cashless share (see rankMarkets).
   */
  async ranking(q: { provinceCode?: string; from?: string; to?: string }, p: Principal): Promise<MarketRankingDto> {
    const period = this.period(q);
    const province = q.provinceCode ? this.regions.province(q.provinceCode) : undefined;
    if (q.provinceCode && !province) throw InvalidInput.field('provinceCode', `unknown province code "${q.provinceCode}" (see GET /regions/provinces)`);

    const where: string[] = [];
    const params: unknown[] = [];
    if (q.provinceCode) {
      params.push(q.provinceCode);
      where.push(`province_code = $${params.length}`);
    }
    if (p.role !== 'admin') {
      params.push(p.marketIds);
      where.push(`id = ANY($${params.length}::uuid[])`);
    }
    const markets = (await this.ds.query(
      `SELECT id, name, province_code, commune_code FROM markets ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`,
      params,
    )) as Array<{ id: string; name: string; province_code: string; commune_code: string }>;
    const ids = markets.map((m) => m.id);

    let totals = new Map<string, Counters>();
    let stallCountsByMarket = new Map<string, { total: number; inactive: number; qr: number }>();
    let activeByMarket = new Map<string, number>();
    if (ids.length) {
      const plan = planPeriod(period.from, period.to);
      const perMarket = rollupRows('market', plan);
      const perStall = rollupRows('stall', plan);
      const [t, s, a] = await Promise.all([
        this.ds.query(`SELECT key AS market_id, ${SUM_COLS} FROM (${perMarket.sql}) x GROUP BY key`, [ids, ...perMarket.params]) as Promise<
          Array<CounterRow & { market_id: string }>
        >,
        this.ds.query(
          `SELECT market_id,
                  count(*) FILTER (WHERE status = 'active')::int AS total,
                  count(*) FILTER (WHERE status = 'inactive')::int AS inactive,
                  count(*) FILTER (WHERE status = 'active' AND bank_account_number IS NOT NULL)::int AS qr
           FROM stalls WHERE market_id = ANY($1::uuid[]) GROUP BY market_id`,
          [ids],
        ) as Promise<Array<{ market_id: string; total: number; inactive: number; qr: number }>>,
        this.ds.query(
          `SELECT s.market_id, count(*)::int AS active
           FROM (SELECT key FROM (${perStall.sql}) x GROUP BY key HAVING sum(qr_count) + sum(card_count) > 0) c
           JOIN stalls s ON s.id = c.key AND s.status = 'active'
           GROUP BY s.market_id`,
          [ids, ...perStall.params],
        ) as Promise<Array<{ market_id: string; active: number }>>,
      ]);
      totals = new Map(t.map((r) => [r.market_id, counters(r)]));
      stallCountsByMarket = new Map(s.map((r) => [r.market_id, r]));
      activeByMarket = new Map(a.map((r) => [r.market_id, r.active]));
    }

    const ranked = rankMarkets(markets.map((m) => ({ marketId: m.id, name: m.name, market: m, ...(totals.get(m.id) ?? ZERO) })));
    return {
      provinceCode: q.provinceCode ?? null,
      provinceName: province?.fullName ?? null,
      from: period.from,
      to: period.to,
      timeZone: BUSINESS_TIME_ZONE,
      items: ranked.map((r) => {
        const sc = stallCountsByMarket.get(r.marketId) ?? { total: 0, inactive: 0, qr: 0 };
        const active = activeByMarket.get(r.marketId) ?? 0;
        return {
          rank: r.rank,
          marketId: r.marketId,
          name: r.name,
          provinceCode: r.market.province_code,
          communeCode: r.market.commune_code,
          stalls: { total: sc.total, inactive: sc.inactive, qrEnabled: sc.qr, qrEnabledShare: share(sc.qr, sc.total), active, activeShare: share(active, sc.total) },
          ...r.figures,
        };
      }),
    };
  }

  private period(q: { from?: string; to?: string }): { from: string; to: string } {
    const r = resolvePeriod(q, vietnamDate(this.clock.now()));
    if (!r.ok) throw new InvalidInput(r.problems);
    return r;
  }
}

function stallCounts(rows: Array<{ info: StallInfo; c: Counters }>): StallCountsDto {
  const live = rows.filter((r) => r.info.status === 'active');
  const qrEnabled = live.filter((r) => r.info.qr_enabled).length;
  const active = live.filter((r) => cashlessCount(r.c) > 0).length;
  return {
    total: live.length,
    inactive: rows.length - live.length,
    qrEnabled,
    qrEnabledShare: share(qrEnabled, live.length),
    active,
    activeShare: share(active, live.length),
  };
}

function stallStats(s: StallInfo, c: Counters): StallStatsDto {
  return { stallId: s.id, code: s.code, vendorName: s.vendor_name, category: s.category, categoryLabel: STALL_CATEGORY_LABELS_VI[s.category], qrEnabled: s.qr_enabled, status: s.status, ...figures(c) };
}
