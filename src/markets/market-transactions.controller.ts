import { Body, Controller, Get, Headers, Param, Post, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiBody, ApiConflictResponse, ApiConsumes, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiPayloadTooLargeResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../auth/decorators.js';
import { assertMarketAccess } from '../auth/ownership.js';
import type { Principal } from '../auth/principal.js';
import { ApiInvalid, ApiMissing, ErrorResponse } from '../common/api-docs.js';
import { receiveFile } from '../common/http.js';
import { validateIdempotencyKey } from '../common/idempotency.js';
import { UuidParam } from '../common/uuid-param.js';
import { CreateStallTransactionDto, StallTransactionDto, StallTransactionPageDto, TransactionBatchResultDto, TransactionListQuery } from './dto/transaction.dto.js';
import { StallTransactionsService } from './stall-transactions.service.js';
import { MAX_BATCH_ROWS } from './transactions-csv.js';

/** 50,000 rows of `A-12,125000,cash,2026-03-01T07:15:00+07:00` are about 2.5 MB; room for longer codes and quoting. */
export const MAX_BATCH_FILE_BYTES = 8 * 1024 * 1024;

const IDEMPOTENCY_HEADER = ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description: '1–255 printable ASCII characters (e.g. a UUID): a retry with the same key and body returns the first response and records nothing twice; the same key with another body is 409',
});

@ApiTags('markets')
@Controller('markets/:id/transactions')
export class MarketTransactionsController {
  constructor(private readonly txns: StallTransactionsService) {}

  @Post()
  @Roles('admin', 'market_manager')
  @ApiOperation({
    summary: 'Record a stall transaction (qr, card or cash) that did not come through the bank flow',
    description:
      'The stall must belong to the market; amountVnd a positive whole number; occurredAt not more than 5 minutes in the future. ' +
      'Counted in the statistics on its Asia/Ho_Chi_Minh day. Note: credits the bank flow matches to a stall are recorded automatically; ' +
      'do not record those again by hand.',
  })
  @IDEMPOTENCY_HEADER
  @ApiCreatedResponse({ type: StallTransactionDto })
  @ApiInvalid()
  @ApiMissing()
  @ApiConflictResponse({ description: 'Idempotency-Key reused with another body', type: ErrorResponse })
  create(
    @Param('id', UuidParam()) marketId: string,
    @Body() dto: CreateStallTransactionDto,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key?: string,
  ): Promise<StallTransactionDto> {
    assertMarketAccess(p, marketId);
    return this.txns.record(marketId, dto, p, validateIdempotencyKey(key));
  }

  @Post('batch')
  @Roles('admin', 'market_manager')
  @ApiOperation({
    summary: 'Record a CSV file of stall transactions: all rows or none',
    description:
      'multipart/form-data with one file field `file`: UTF-8 CSV (BOM allowed), delimiter `,` or `;`, a header row naming ' +
      '`stall_code,amount_vnd,method,occurred_at` (any order), then one transaction per row, at most ' +
      `${MAX_BATCH_ROWS.toLocaleString('en')} rows and ${MAX_BATCH_FILE_BYTES / 1024 / 1024} MB. ` +
      'stall_code: a stall of the market (case-insensitive); amount_vnd: whole VND, digits only; method: qr, card or cash; ' +
      'occurred_at: ISO-8601, with Z or an offset, or without one meaning Vietnam local time ("2026-03-01 07:15"). ' +
      'Every problem is named by row (the header is row 1): details `[{ field: "row 17.amount_vnd", problem }]` (first 100). ' +
      'One bad row rejects the file and nothing is recorded.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @IDEMPOTENCY_HEADER
  @ApiCreatedResponse({ type: TransactionBatchResultDto })
  @ApiInvalid()
  @ApiMissing()
  @ApiConflictResponse({ description: 'Idempotency-Key reused with another file', type: ErrorResponse })
  @ApiPayloadTooLargeResponse({ description: `file larger than ${MAX_BATCH_FILE_BYTES / 1024 / 1024} MB`, type: ErrorResponse })
  async batch(
    @Param('id', UuidParam()) marketId: string,
    @Req() req: FastifyRequest,
    @CurrentPrincipal() p: Principal,
    @Headers('idempotency-key') key?: string,
  ): Promise<TransactionBatchResultDto> {
    assertMarketAccess(p, marketId);
    const idempotencyKey = validateIdempotencyKey(key);
    const file = await receiveFile(req, { maxBytes: MAX_BATCH_FILE_BYTES, to: 'memory' });
    return this.txns.importCsv(marketId, file.buffer!, p, idempotencyKey);
  }

  @Get()
  @Roles('admin', 'market_manager')
  @ApiOperation({ summary: 'Transactions of a market, newest first; filter by stall, method and business days' })
  @ApiOkResponse({ type: StallTransactionPageDto })
  @ApiInvalid()
  @ApiMissing()
  list(@Param('id', UuidParam()) marketId: string, @Query() q: TransactionListQuery, @CurrentPrincipal() p: Principal): Promise<StallTransactionPageDto> {
    assertMarketAccess(p, marketId);
    return this.txns.list(marketId, q);
  }
}
