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
  coverPeriod,
  type Counters,
  figures,
  type Granularity,
  type PeriodCover,
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
 * `key` is stall_id or market_id; `scope` is an SQL array of market ids; `add` binds a parameter and
 * returns its placeholder. Returns SQL selecting (key, counters…) rows to be summed per key.
 */
function rollupRows(level: 'stall' | 'market', plan: PeriodPlan, scope: string, add: (v: string) => string): string {
  const key = level === 'stall' ? 'stall_id' : 'market_id';
  const negated = COUNTER_COLS.map((c) => `-${c}`).join(', ');
  const parts: string[] = [];
  const from = (table: string, cols: string, column: 'day' | 'month', r: { from: string; to: string }) =>
    `SELECT ${key} AS key, ${cols} FROM ${table} WHERE market_id = ANY(${scope}::uuid[]) AND ${column} BETWEEN ${add(r.from)}::date AND ${add(r.to)}::date`;
  if (plan.months) parts.push(from(`${level}_monthly_rollups`, COLS, 'month', plan.months));
  for (const r of plan.dayRanges) parts.push(from(`${level}_daily_rollups`, COLS, 'day', r));
  for (const r of plan.minusDayRanges) parts.push(from(`${level}_daily_rollups`, negated, 'day', r));
  return parts.join('\nUNION ALL\n');
}

/** Rows (market_id, word, stalls) of the activity sets that cover a period (see coverPeriod), to be OR-ed per market and word. */
function activityRows(cover: PeriodCover, scope: string, add: (v: string) => string): string {
  const parts: string[] = [];
  const from = (table: string, column: 'day' | 'month', r: { from: string; to: string }) =>
    `SELECT market_id, word, stalls FROM ${table} WHERE market_id = ANY(${scope}::uuid[]) AND ${column} BETWEEN ${add(r.from)}::date AND ${add(r.to)}::date`;
  if (cover.months) parts.push(from('market_monthly_activity', 'month', cover.months));
  for (const r of cover.dayRanges) parts.push(from('market_daily_activity', 'day', r));
  return parts.join('\nUNION ALL\n');
}

/** A parameter list for one statement: `add(v)` binds v and returns its placeholder ($1, $2, …). */
function bind(params: unknown[]): (v: unknown) => string {
  return (v) => {
    params.push(v);
    return `$${params.length}`;
  };
}

/** A stall of marketStats' statement: id, code, vendor name, category, status, QR-enabled, then the six counters. */
type StallTuple = [string, string, string, StallCategory, StallStatus, boolean, number, number, number, number, number, number];
/** A day of the market's daily rollup: day, then the six counters. */
type DayTuple = [string, number, number, number, number, number, number];

/** The six counters of a JSON tuple, from position `at` (COUNTER_COLS order). */
function tupleCounters(t: ReadonlyArray<unknown>, at: number): Counters {
  return {
    qrCount: t[at] as number,
    qrValue: t[at + 1] as number,
    cardCount: t[at + 2] as number,
    cardValue: t[at + 3] as number,
    cashCount: t[at + 4] as number,
    cashValue: t[at + 5] as number,
  };
}

interface StallInfo {
  id: string;
  code: string;
  vendor_name: string;
  category: StallCategory;
  status: StallStatus;
  qr_enabled: boolean;
}

/**
 * Cashless statistics, read from the rollups only (never stall_transactions), one statement per
 * request. A market: its daily rollup gives the totals and the time series; per-stall sums (whole
 * months from the monthly rollup, partial months from the daily one) give active stalls, categories
 * and top stalls. A ranking: market rollups for the figures, the market activity sets (which stalls
 * sold cashless, per day and month) and the stalls' covering index for the stall counts.
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
    const params: unknown[] = [marketId, period.from, period.to];
    const perStall = rollupRows('stall', plan, 'ARRAY[$1::uuid]', bind(params));
    const counterList = (alias: string, zeroIfNull: boolean) => COUNTER_COLS.map((c) => (zeroIfNull ? `coalesce(${alias}.${c}, 0)` : `${alias}.${c}`)).join(', ');

    // One statement, one round trip: the market, its stalls with their sums over the period, and the
    // market's daily rows, as JSON arrays (built by PostgreSQL, parsed natively by the driver).
    const [market] = (await this.ds.query(
      `SELECT m.id, m.name,
         (SELECT coalesce(json_agg(json_build_array(s.id, s.code, s.vendor_name, s.category, s.status, s.bank_account_number IS NOT NULL, ${counterList('x', true)})
                          ORDER BY s.code COLLATE "C"), '[]')
          FROM stalls s LEFT JOIN (SELECT key, ${SUM_COLS} FROM (${perStall}) u GROUP BY key) x ON x.key = s.id
          WHERE s.market_id = m.id) AS stalls,
         (SELECT coalesce(json_agg(json_build_array(r.day, ${counterList('r', false)}) ORDER BY r.day), '[]')
          FROM market_daily_rollups r
          WHERE r.market_id = m.id AND r.day BETWEEN $2::date AND $3::date) AS days
       FROM markets m WHERE m.id = $1`,
      params,
    )) as Array<{ id: string; name: string; stalls: StallTuple[]; days: DayTuple[] }>;
    if (!market) throw new NotFound('Market', marketId);

    const days = market.days.map((d) => ({ day: d[0], ...tupleCounters(d, 1) }));
    const series = buildSeries(days, period.from, period.to, granularity);
    const stallRows = market.stalls.map((t) => ({
      info: { id: t[0], code: t[1], vendor_name: t[2], category: t[3], status: t[4], qr_enabled: t[5] } as StallInfo,
      c: tupleCounters(t, 6),
    }));

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
      totals: figures(sumCounters(days)),
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

    const params: unknown[] = [];
    const add = bind(params);
    const where: string[] = [];
    if (q.provinceCode) where.push(`province_code = ${add(q.provinceCode)}`);
    if (p.role !== 'admin') where.push(`id = ANY(${add(p.marketIds)}::uuid[])`);
    const plan = planPeriod(period.from, period.to);
    const cover = coverPeriod(period.from, period.to);
    const rows = (await this.ds.query(
      `WITH m AS (
         SELECT id, name, province_code, commune_code FROM markets ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ), ids AS (
         SELECT array_agg(id) AS ids FROM m
       ), totals AS (
         SELECT key AS market_id, ${SUM_COLS} FROM (${rollupRows('market', plan, '(SELECT ids FROM ids)', add)}) x GROUP BY key
       ), sold AS (
         SELECT market_id, word, bit_or(stalls) AS stalls FROM (${activityRows(cover, '(SELECT ids FROM ids)', add)}) x GROUP BY 1, 2
       ), live AS (
         SELECT market_id, slot >> 6 AS word,
                count(*) FILTER (WHERE status = 'active') AS total,
                count(*) FILTER (WHERE status = 'inactive') AS inactive,
                count(*) FILTER (WHERE status = 'active' AND bank_account_number IS NOT NULL) AS qr,
                coalesce(bit_or(1::bigint << (slot & 63)) FILTER (WHERE status = 'active'), 0) AS stalls
         FROM stalls WHERE market_id = ANY((SELECT ids FROM ids)::uuid[]) GROUP BY 1, 2
       ), counts AS (
         SELECT l.market_id, sum(l.total)::int AS total, sum(l.inactive)::int AS inactive, sum(l.qr)::int AS qr,
                sum(bit_count((l.stalls & coalesce(s.stalls, 0))::bit(64)))::int AS active
         FROM live l LEFT JOIN sold s ON s.market_id = l.market_id AND s.word = l.word
         GROUP BY l.market_id
       )
       SELECT m.id, m.name, m.province_code, m.commune_code,
              coalesce(c.total, 0) AS total, coalesce(c.inactive, 0) AS inactive, coalesce(c.qr, 0) AS qr, coalesce(c.active, 0) AS active,
              ${COUNTER_COLS.map((col) => `t.${col}`).join(', ')}
       FROM m LEFT JOIN totals t ON t.market_id = m.id LEFT JOIN counts c ON c.market_id = m.id`,
      params,
    )) as Array<CounterRow & { id: string; name: string; province_code: string; commune_code: string; total: number; inactive: number; qr: number; active: number }>;

    const ranked = rankMarkets(rows.map((r) => ({ marketId: r.id, name: r.name, row: r, ...(r.qr_count === null ? ZERO : counters(r)) })));
    return {
      provinceCode: q.provinceCode ?? null,
      provinceName: province?.fullName ?? null,
      from: period.from,
      to: period.to,
      timeZone: BUSINESS_TIME_ZONE,
      items: ranked.map((r) => {
        const { total, inactive, qr, active } = r.row;
        return {
          rank: r.rank,
          marketId: r.marketId,
          name: r.name,
          provinceCode: r.row.province_code,
          communeCode: r.row.commune_code,
          stalls: { total, inactive, qrEnabled: qr, qrEnabledShare: share(qr, total), active, activeShare: share(active, total) },
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
