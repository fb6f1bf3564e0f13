import { Body, Controller, Get, Header, Param, Patch, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiKeysService } from '../auth/api-keys.service.js';
import { CurrentPrincipal, Public, Roles } from '../auth/decorators.js';
import { CreateApiKeyDto, IssuedApiKeyDto } from '../auth/dto/api-key.dto.js';
import { assertMarketAccess } from '../auth/ownership.js';
import type { Principal } from '../auth/principal.js';
import { ApiInvalid, ApiMissing } from '../common/api-docs.js';
import { Clock } from '../common/clock.js';
import { UuidParam } from '../common/uuid-param.js';
import { CreateMarketDto, MarketDto, MarketListQuery, MarketPageDto, UpdateMarketDto } from './dto/market.dto.js';
import { MarketsService } from './markets.service.js';
import { qrCardsPdf } from './qr-cards.pdf.js';
import { STALL_CATEGORY_LABELS_VI } from './stall.entity.js';
import { QrCardsQuery } from './dto/stall.dto.js';
import { StallsService, stallQrPayload } from './stalls.service.js';

/** Filename-safe ASCII for Content-Disposition (the UTF-8 name goes in filename*). */
function asciiName(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase() || 'market';
}

@ApiTags('markets')
@Controller('markets')
export class MarketsController {
  constructor(
    private readonly markets: MarketsService,
    private readonly stalls: StallsService,
    private readonly keys: ApiKeysService,
    private readonly clock: Clock,
  ) {}

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Register a 4.0 market (admin)' })
  @ApiCreatedResponse({ type: MarketDto })
  @ApiInvalid()
  create(@Body() dto: CreateMarketDto): Promise<MarketDto> {
    return this.markets.create(dto);
  }

  @Get()
  @Public()
  @ApiOperation({ summary: 'List markets (newest first); filter by province or commune' })
  @ApiOkResponse({ type: MarketPageDto })
  @ApiInvalid()
  list(@Query() q: MarketListQuery): Promise<MarketPageDto> {
    return this.markets.list(q);
  }

  // GET /markets/stats (the province ranking) lives in MarketStatsController, registered before
  // this controller so that "stats" never reaches `:id`.

  @Get(':id')
  @Public()
  @ApiOperation({ summary: 'A market' })
  @ApiOkResponse({ type: MarketDto })
  @ApiInvalid()
  @ApiMissing()
  get(@Param('id', UuidParam()) id: string): Promise<MarketDto> {
    return this.markets.getView(id);
  }

  @Patch(':id')
  @Roles('admin', 'market_manager')
  @ApiOperation({ summary: 'Update a market (admin, or a manager of that market)' })
  @ApiOkResponse({ type: MarketDto })
  @ApiInvalid()
  @ApiMissing()
  update(@Param('id', UuidParam()) id: string, @Body() dto: UpdateMarketDto, @CurrentPrincipal() p: Principal): Promise<MarketDto> {
    assertMarketAccess(p, id);
    return this.markets.update(id, dto);
  }

  @Post(':id/api-keys')
  @Roles('admin')
  @ApiOperation({
    summary: 'Issue a market_manager API key bound to this market (admin; shown once)',
    description: 'The key reads and changes this market only: its stalls, transactions, statistics and QR cards.',
  })
  @ApiCreatedResponse({ type: IssuedApiKeyDto })
  @ApiInvalid()
  @ApiMissing()
  async issueKey(@Param('id', UuidParam()) id: string, @Body() dto: CreateApiKeyDto, @CurrentPrincipal() p: Principal): Promise<IssuedApiKeyDto> {
    await this.markets.get(id);
    return this.keys.issue({ name: dto.name, role: 'market_manager', marketId: id, createdBy: p });
  }

  @Get(':id/qr-cards.pdf')
  @Roles('admin', 'market_manager')
  @ApiOperation({
    summary: 'Printable QR cards of the market\'s stalls (PDF)',
    description:
      'A4 sheets, each cut into four A6 cards (dashed lines): market, stall code, vendor, category, the stall\'s static VietQR, ' +
      'bank, account number and holder. One card per active QR-enabled stall, by code, or per stall of `stallIds`. Vietnamese text in an embedded font.',
  })
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'the PDF', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } })
  @ApiInvalid()
  @ApiMissing()
  @Header('Cache-Control', 'private, no-store')
  async qrCards(@Param('id', UuidParam()) id: string, @Query() q: QrCardsQuery, @CurrentPrincipal() p: Principal): Promise<StreamableFile> {
    assertMarketAccess(p, id);
    const market = await this.markets.get(id);
    const stalls = await this.stalls.forCards(id, q.stallIds);
    const doc = qrCardsPdf(
      stalls.map((s) => ({
        marketName: market.name,
        code: s.code,
        vendorName: s.vendorName,
        categoryLabel: STALL_CATEGORY_LABELS_VI[s.category],
        bankName: this.stalls.bankName(s.bankBin!),
        accountNumber: s.bankAccountNumber!,
        accountName: s.bankAccountName!,
        qrPayload: stallQrPayload(s)!,
      })),
      { title: `Thẻ QR các quầy – ${market.name}`, createdAt: this.clock.now(), empty: `${market.name}: chưa có quầy nào có tài khoản ngân hàng (chưa có mã QR).` },
    );
    const name = `the-qr-${asciiName(market.name)}.pdf`;
    return new StreamableFile(doc, {
      type: 'application/pdf',
      disposition: `inline; filename="${name}"; filename*=UTF-8''${encodeURIComponent(`Thẻ QR - ${market.name}.pdf`)}`,
    });
  }
}

