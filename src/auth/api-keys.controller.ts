import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiInvalid, ApiMissing } from '../common/api-docs.js';
import { PageQuery } from '../common/pagination.js';
import { UuidParam } from '../common/uuid-param.js';
import { ApiKeysService } from './api-keys.service.js';
import { CurrentPrincipal, Roles } from './decorators.js';
import { ApiKeyDto, ApiKeyPageDto, CreateApiKeyDto, IssuedApiKeyDto, PrincipalDto } from './dto/api-key.dto.js';
import { type Principal } from './principal.js';

@ApiTags('auth')
@Controller()
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get('me')
  @Roles('admin', 'cooperative', 'market_manager')
  @ApiOperation({ summary: 'Who the presented API key belongs to' })
  @ApiOkResponse({ type: PrincipalDto })
  me(@CurrentPrincipal() p: Principal): PrincipalDto {
    return p;
  }

  @Post('api-keys')
  @Roles('admin')
  @ApiOperation({ summary: 'Issue another admin API key (shown once)' })
  @ApiCreatedResponse({ type: IssuedApiKeyDto })
  @ApiInvalid()
  create(@Body() dto: CreateApiKeyDto, @CurrentPrincipal() p: Principal): Promise<IssuedApiKeyDto> {
    return this.keys.issue({ name: dto.name, role: 'admin', createdBy: p });
  }

  @Get('api-keys')
  @Roles('admin', 'cooperative', 'market_manager')
  @ApiOperation({ summary: 'List API keys visible to the caller (never their secrets)' })
  @ApiOkResponse({ type: ApiKeyPageDto })
  @ApiInvalid()
  list(@Query() q: PageQuery, @CurrentPrincipal() p: Principal): Promise<ApiKeyPageDto> {
    return this.keys.list(p, q);
  }

  @Delete('api-keys/:id')
  @Roles('admin', 'cooperative', 'market_manager')
  @ApiOperation({ summary: 'Revoke an API key (admin, or the key owner\'s cooperative/market)' })
  @ApiOkResponse({ type: ApiKeyDto })
  @ApiInvalid()
  @ApiMissing()
  revoke(@Param('id', UuidParam()) id: string, @CurrentPrincipal() p: Principal): Promise<ApiKeyDto> {
    return this.keys.revoke(p, id);
  }
}
