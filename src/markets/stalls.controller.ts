import { Body, Controller, Get, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal, Public, Roles } from '../auth/decorators.js';
import { assertMarketAccess } from '../auth/ownership.js';
import type { Principal } from '../auth/principal.js';
import { ApiInvalid, ApiMissing, ErrorResponse } from '../common/api-docs.js';
import { NotFound } from '../common/errors.js';
import { UuidParam } from '../common/uuid-param.js';
import { type QrFormat, QrImageService } from '../payments/vietqr/qr-image.js';
import { CreateStallDto, ImportStallQrDto, StallDto, StallListQuery, StallPageDto, UpdateStallDto } from './dto/stall.dto.js';
import { StallsService, stallQrPayload } from './stalls.service.js';

const STALL_CONFLICT = 'stall code already used in this market, or the bank account is already another stall\'s';

@ApiTags('stalls')
@Controller()
export class StallsController {
  constructor(
    private readonly stalls: StallsService,
    private readonly qr: QrImageService,
  ) {}

  @Post('markets/:id/stalls')
  @Roles('admin', 'market_manager')
  @ApiOperation({ summary: 'Register a stall in a market (admin, or a manager of the market)' })
  @ApiCreatedResponse({ type: StallDto })
  @ApiInvalid()
  @ApiMissing()
  @ApiConflictResponse({ description: STALL_CONFLICT, type: ErrorResponse })
  create(@Param('id', UuidParam()) marketId: string, @Body() dto: CreateStallDto, @CurrentPrincipal() p: Principal): Promise<StallDto> {
    assertMarketAccess(p, marketId);
    return this.stalls.create(marketId, dto);
  }

  @Post('markets/:id/stalls/import-qr')
  @Roles('admin', 'market_manager')
  @ApiOperation({
    summary: 'Register a stall from the VietQR its vendor already has',
    description:
      'The payload is decoded strictly (EMVCo structure, CRC, NAPAS VietQR profile); the bank BIN and account number come from it. ' +
      'The holder name is `accountName` if given, else the payload\'s merchant name (tag 59); one of them is required. ' +
      'A broken payload is a 400 naming `payload` with the reason (e.g. "CRC mismatch: expected 7F44, found F6B3").',
  })
  @ApiCreatedResponse({ type: StallDto })
  @ApiInvalid()
  @ApiMissing()
  @ApiConflictResponse({ description: STALL_CONFLICT, type: ErrorResponse })
  importQr(@Param('id', UuidParam()) marketId: string, @Body() dto: ImportStallQrDto, @CurrentPrincipal() p: Principal): Promise<StallDto> {
    assertMarketAccess(p, marketId);
    return this.stalls.importQr(marketId, dto);
  }

  @Get('markets/:id/stalls')
  @Roles('admin', 'market_manager')
  @ApiOperation({
    summary: 'Stalls of a market, by code (admin, or a manager of the market: vendor phones are personal data)',
  })
  @ApiOkResponse({ type: StallPageDto })
  @ApiInvalid()
  @ApiMissing()
  list(@Param('id', UuidParam()) marketId: string, @Query() q: StallListQuery, @CurrentPrincipal() p: Principal): Promise<StallPageDto> {
    assertMarketAccess(p, marketId);
    return this.stalls.list(marketId, q);
  }

  @Get('stalls/:id')
  @Roles('admin', 'market_manager')
  @ApiOperation({ summary: 'A stall (admin, or a manager of its market)' })
  @ApiOkResponse({ type: StallDto })
  @ApiInvalid()
  @ApiMissing()
  async get(@Param('id', UuidParam()) id: string, @CurrentPrincipal() p: Principal): Promise<StallDto> {
    const stall = await this.stalls.get(id);
    assertMarketAccess(p, stall.marketId);
    return this.stalls.view(stall);
  }

  @Patch('stalls/:id')
  @Roles('admin', 'market_manager')
  @ApiOperation({ summary: 'Update a stall (admin, or a manager of its market); bankAccount: null removes the account' })
  @ApiOkResponse({ type: StallDto })
  @ApiInvalid()
  @ApiMissing()
  @ApiConflictResponse({ description: STALL_CONFLICT, type: ErrorResponse })
  async update(@Param('id', UuidParam()) id: string, @Body() dto: UpdateStallDto, @CurrentPrincipal() p: Principal): Promise<StallDto> {
    const stall = await this.stalls.get(id);
    assertMarketAccess(p, stall.marketId);
    return this.stalls.update(id, dto);
  }

  @Get('stalls/:id/qr.png')
  @Public()
  @ApiOperation({ summary: 'The stall\'s static VietQR as PNG (public: it is what the stall displays)' })
  @ApiProduces('image/png')
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'ETag of a copy you hold: 304 when unchanged' })
  @ApiOkResponse({ description: 'static VietQR (tag 01 = 11, no amount) of the stall account; ETag, Cache-Control', content: { 'image/png': { schema: { type: 'string', format: 'binary' } } } })
  @ApiResponse({ status: 304, description: 'Not modified' })
  @ApiBadRequestResponse({ description: 'id is not a UUID', type: ErrorResponse })
  @ApiNotFoundResponse({ description: 'no such stall, or it has no bank account (not QR-enabled)', type: ErrorResponse })
  png(@Param('id', UuidParam()) id: string, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    return this.sendQr(id, 'png', req, res);
  }

  @Get('stalls/:id/qr.svg')
  @Public()
  @ApiOperation({ summary: 'The stall\'s static VietQR as SVG (for print)' })
  @ApiProduces('image/svg+xml')
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'ETag of a copy you hold: 304 when unchanged' })
  @ApiOkResponse({ description: 'static VietQR of the stall account as SVG; ETag, Cache-Control', content: { 'image/svg+xml': { schema: { type: 'string' } } } })
  @ApiResponse({ status: 304, description: 'Not modified' })
  @ApiBadRequestResponse({ description: 'id is not a UUID', type: ErrorResponse })
  @ApiNotFoundResponse({ description: 'no such stall, or it has no bank account (not QR-enabled)', type: ErrorResponse })
  svg(@Param('id', UuidParam()) id: string, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    return this.sendQr(id, 'svg', req, res);
  }

  private async sendQr(id: string, format: QrFormat, req: FastifyRequest, res: FastifyReply): Promise<void> {
    const payload = stallQrPayload(await this.stalls.get(id));
    if (!payload) throw new NotFound('QR code of stall', `${id} (the stall has no bank account)`);
    return this.qr.sendQr(res, req, payload, format);
  }
}
