import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { CurrentPrincipal, ExternalAuth, Roles } from '../../auth/decorators.js';
import { assertCooperativeAccess, assertMarketAccess } from '../../auth/ownership.js';
import type { Principal } from '../../auth/principal.js';
import { ApiInvalid, ApiMissing, ErrorResponse } from '../../common/api-docs.js';
import { PageQuery } from '../../common/pagination.js';
import { UuidParam } from '../../common/uuid-param.js';
import { BankWebhookDto } from '../dto/reconciliation.dto.js';
import { BankFeedsService } from './bank-feeds.service.js';
import {
  BankFeedDto,
  BankFeedPageDto,
  CassoLegacyWebhookDto,
  CassoWebhookDto,
  CreateBankFeedDto,
  CreatedBankFeedDto,
  FeedWebhookAckDto,
  Pay2sWebhookDto,
} from './dto/bank-feed.dto.js';
import { ApiFeedSecurity } from './feed-openapi.js';
import type { FeedHeaders } from './provider.js';
import { FEED_PROVIDERS } from './providers/index.js';

@ApiTags('bank feeds')
@Controller()
export class BankFeedsController {
  constructor(private readonly feeds: BankFeedsService) {}

  @Post('cooperatives/:id/bank-feeds')
  @Roles('admin', 'cooperative')
  @ApiOperation({ summary: 'Connect a notification service (SePay, Casso, Pay2S) to the cooperative\'s bank account; the secret is shown once' })
  @ApiCreatedResponse({ type: CreatedBankFeedDto })
  @ApiInvalid()
  @ApiMissing()
  createForCooperative(@Param('id', UuidParam()) id: string, @Body() dto: CreateBankFeedDto, @CurrentPrincipal() p: Principal): Promise<CreatedBankFeedDto> {
    assertCooperativeAccess(p, id);
    return this.feeds.create(p, { cooperativeId: id }, dto);
  }

  @Get('cooperatives/:id/bank-feeds')
  @Roles('admin', 'cooperative')
  @ApiOperation({ summary: 'The cooperative\'s bank feeds (never their secrets)' })
  @ApiOkResponse({ type: BankFeedPageDto })
  @ApiInvalid()
  @ApiMissing()
  listForCooperative(@Param('id', UuidParam()) id: string, @Query() q: PageQuery, @CurrentPrincipal() p: Principal): Promise<BankFeedPageDto> {
    assertCooperativeAccess(p, id);
    return this.feeds.list({ cooperativeId: id }, q);
  }

  @Post('markets/:id/bank-feeds')
  @Roles('admin', 'market_manager')
  @ApiOperation({ summary: 'Connect a notification service to the market\'s stalls\' bank accounts; the secret is shown once' })
  @ApiCreatedResponse({ type: CreatedBankFeedDto })
  @ApiInvalid()
  @ApiMissing()
  createForMarket(@Param('id', UuidParam()) id: string, @Body() dto: CreateBankFeedDto, @CurrentPrincipal() p: Principal): Promise<CreatedBankFeedDto> {
    assertMarketAccess(p, id);
    return this.feeds.create(p, { marketId: id }, dto);
  }

  @Get('markets/:id/bank-feeds')
  @Roles('admin', 'market_manager')
  @ApiOperation({ summary: 'The market\'s bank feeds (never their secrets)' })
  @ApiOkResponse({ type: BankFeedPageDto })
  @ApiInvalid()
  @ApiMissing()
  listForMarket(@Param('id', UuidParam()) id: string, @Query() q: PageQuery, @CurrentPrincipal() p: Principal): Promise<BankFeedPageDto> {
    assertMarketAccess(p, id);
    return this.feeds.list({ marketId: id }, q);
  }

  @Delete('bank-feeds/:id')
  @Roles('admin', 'cooperative', 'market_manager')
  @ApiOperation({ summary: 'Delete a bank feed (admin or its owner): its webhook answers 404 from now on' })
  @ApiOkResponse({ type: BankFeedDto })
  @ApiInvalid()
  @ApiMissing()
  remove(@Param('id', UuidParam()) id: string, @CurrentPrincipal() p: Principal): Promise<BankFeedDto> {
    return this.feeds.remove(p, id);
  }

  @Post('webhooks/bank/:feedId')
  @ExternalAuth()
  @HttpCode(200)
  @ApiOperation({
    summary: 'A bank feed\'s webhook: the provider\'s own body and authentication; 200 { success: true } once every transaction is stored',
    description:
      'Authenticated by the feed\'s provider: ' +
      Object.values(FEED_PROVIDERS)
        .map((pr) => `\`${pr.name}\`: ${pr.description}`)
        .join('; ') +
      '. A test call (Casso: id 0) is answered 200 and stores nothing. 401 when the authentication fails (nothing stored), ' +
      '404 for an unknown or deleted feed (its secret is never compared), 400 naming the field of a malformed body. ' +
      'A transfer to an account that is not the feed owner\'s is stored unmatched (foreign_account) and pays nothing.',
  })
  @ApiExtraModels(BankWebhookDto, CassoWebhookDto, CassoLegacyWebhookDto, Pay2sWebhookDto)
  @ApiBody({
    description: 'the body of the feed\'s provider',
    // anyOf: which body applies depends on the feed's provider, not on the body itself.
    schema: { anyOf: [BankWebhookDto, CassoWebhookDto, CassoLegacyWebhookDto, Pay2sWebhookDto].map((d) => ({ $ref: getSchemaPath(d) })) },
  })
  @ApiFeedSecurity()
  @ApiOkResponse({ type: FeedWebhookAckDto })
  @ApiInvalid()
  @ApiUnauthorizedResponse({ description: 'the call does not authenticate as the feed\'s provider; nothing stored', type: ErrorResponse })
  @ApiMissing()
  @ApiServiceUnavailableResponse({ description: 'the feed\'s secret cannot be opened (encryption keys); the provider retries', type: ErrorResponse })
  async receive(@Param('feedId', UuidParam('feedId')) feedId: string, @Headers() headers: FeedHeaders, @Body() body: unknown): Promise<FeedWebhookAckDto> {
    await this.feeds.receive(feedId, headers, body);
    return { success: true };
  }
}
