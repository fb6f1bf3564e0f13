import { Controller, Get, Param, Query, Req, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { prefersCsv } from '../common/http.js';
import { Readable } from 'node:stream';
import { CurrentPrincipal, Roles } from '../auth/decorators.js';
import { assertMarketAccess } from '../auth/ownership.js';
import type { Principal } from '../auth/principal.js';
import { ApiInvalid, ApiMissing } from '../common/api-docs.js';
import { UuidParam } from '../common/uuid-param.js';
import { type CsvValue, csvLines } from './csv-writer.js';
import { type FiguresDto, MarketRankingDto, type MarketRankingItemDto, MarketStatsDto, RankingQuery, StatsQuery } from './dto/stats.dto.js';
import { MarketStatsService } from './market-stats.service.js';

const FIGURE_COLUMNS: Array<{ header: string; value: (r: FiguresDto) => CsvValue }> = [
  { header: 'transaction_count', value: (r) => r.transactionCount },
  { header: 'value_vnd', value: (r) => r.valueVnd },
  { header: 'qr_count', value: (r) => r.qrCount },
  { header: 'qr_value_vnd', value: (r) => r.qrValueVnd },
  { header: 'card_count', value: (r) => r.cardCount },
  { header: 'card_value_vnd', value: (r) => r.cardValueVnd },
  { header: 'cash_count', value: (r) => r.cashCount },
  { header: 'cash_value_vnd', value: (r) => r.cashValueVnd },
  { header: 'cashless_count', value: (r) => r.cashlessCount },
  { header: 'cashless_value_vnd', value: (r) => r.cashlessValueVnd },
  { header: 'cashless_share_by_count', value: (r) => r.cashlessShareByCount },
  { header: 'cashless_share_by_value', value: (r) => r.cashlessShareByValue },
];

const CSV_DESCRIPTION =
  'JSON by default; with `Accept: text/csv`, a CSV (UTF-8 with BOM, comma-separated, CRLF) streamed as an attachment. ' +
  'Shares are fractions with 4 decimals (0.6667), empty when there is no transaction.';

function sendCsv(filename: string, lines: Iterable<string>): StreamableFile {
  return new StreamableFile(Readable.from(lines), { type: 'text/csv; charset=utf-8', disposition: `attachment; filename="${filename}"` });
}

/**
 * Cashless statistics. Registered before MarketsController: `/markets/stats` must not be taken
 * for `/markets/:id`.
 */
@ApiTags('markets')
@Controller('markets')
export class MarketStatsController {
  constructor(private readonly stats: MarketStatsService) {}

  @Get('stats')
  @Roles('admin', 'market_manager')
  @ApiOperation({
    summary: 'Markets ranked by cashless share (a province, or all markets visible to the caller)',
    description:
      'Admins see every market (all provinces when provinceCode is omitted); a manager sees only their own markets. ' +
      'Ranked by cashless share by value, then by count; equal shares share a rank; markets without transactions last. ' +
      CSV_DESCRIPTION,
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: MarketRankingDto })
  @ApiInvalid()
  async ranking(
    @Query() q: RankingQuery,
    @CurrentPrincipal() p: Principal,
    @Req() req: FastifyRequest,
  ): Promise<MarketRankingDto | StreamableFile> {
    const ranking = await this.stats.ranking(q, p);
    if (!prefersCsv(req)) return ranking;
    const columns: Array<{ header: string; value: (r: MarketRankingItemDto) => CsvValue }> = [
      { header: 'rank', value: (r) => r.rank },
      { header: 'market_id', value: (r) => r.marketId },
      { header: 'name', value: (r) => r.name },
      { header: 'province_code', value: (r) => r.provinceCode },
      { header: 'commune_code', value: (r) => r.communeCode },
      { header: 'stalls', value: (r) => r.stalls.total },
      { header: 'qr_enabled_stalls', value: (r) => r.stalls.qrEnabled },
      { header: 'qr_enabled_share', value: (r) => r.stalls.qrEnabledShare },
      { header: 'active_stalls', value: (r) => r.stalls.active },
      ...FIGURE_COLUMNS,
    ];
    return sendCsv(`market-ranking-${ranking.provinceCode ?? 'all'}-${ranking.from}-${ranking.to}.csv`, csvLines(columns, ranking.items));
  }

  @Get(':id/stats')
  @Roles('admin', 'market_manager')
  @ApiOperation({
    summary: 'Cashless statistics of a market over a period',
    description:
      'Stall counts (QR-enabled and active stalls, with shares), totals by method, cashless shares by count and by value, ' +
      'a zero-filled time series (days, ISO weeks or months), a breakdown by category and the top 10 stalls. ' +
      'Days are calendar days in Asia/Ho_Chi_Minh. Read from rollups: fast over years of data. ' +
      CSV_DESCRIPTION +
      ' `section` picks the CSV table: series (default), categories, or stalls (every stall).',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: MarketStatsDto })
  @ApiInvalid()
  @ApiMissing()
  async marketStats(
    @Param('id', UuidParam()) id: string,
    @Query() q: StatsQuery,
    @CurrentPrincipal() p: Principal,
    @Req() req: FastifyRequest,
  ): Promise<MarketStatsDto | StreamableFile> {
    assertMarketAccess(p, id);
    const { allStalls, ...stats } = await this.stats.marketStats(id, q);
    if (!prefersCsv(req)) return stats;
    const base = `market-stats-${stats.from}-${stats.to}`;
    switch (q.section ?? 'series') {
      case 'categories':
        return sendCsv(`${base}-categories.csv`,
          csvLines(
            [
              { header: 'category', value: (r) => r.category },
              { header: 'label', value: (r) => r.label },
              { header: 'stalls', value: (r) => r.stalls.total },
              { header: 'qr_enabled_stalls', value: (r) => r.stalls.qrEnabled },
              { header: 'active_stalls', value: (r) => r.stalls.active },
              ...FIGURE_COLUMNS,
            ],
            stats.byCategory,
          ),
        );
      case 'stalls':
        return sendCsv(`${base}-stalls.csv`,
          csvLines(
            [
              { header: 'stall_id', value: (r) => r.stallId },
              { header: 'code', value: (r) => r.code },
              { header: 'vendor_name', value: (r) => r.vendorName },
              { header: 'category', value: (r) => r.category },
              { header: 'qr_enabled', value: (r) => r.qrEnabled },
              { header: 'status', value: (r) => r.status },
              ...FIGURE_COLUMNS,
            ],
            allStalls,
          ),
        );
      default:
        return sendCsv(`${base}-${stats.granularity}.csv`,
          csvLines(
            [
              { header: 'period', value: (r) => r.period },
              { header: 'from', value: (r) => r.from },
              { header: 'to', value: (r) => r.to },
              ...FIGURE_COLUMNS,
            ],
            stats.series,
          ),
        );
    }
  }
}
