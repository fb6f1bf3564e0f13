import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeysService } from '../auth/api-keys.service.js';
import { CurrentPrincipal, Public, Roles } from '../auth/decorators.js';
import { CreateApiKeyDto, IssuedApiKeyDto } from '../auth/dto/api-key.dto.js';
import { assertCooperativeAccess } from '../auth/ownership.js';
import type { Principal } from '../auth/principal.js';
import { ApiInvalid, ApiMissing, ErrorResponse } from '../common/api-docs.js';
import { UuidParam } from '../common/uuid-param.js';
import { CooperativesService } from './cooperatives.service.js';
import { CooperativeDto, CooperativeListQuery, CooperativePageDto, CreateCooperativeDto, UpdateCooperativeDto } from './dto/cooperative.dto.js';

@ApiTags('cooperatives')
@Controller('cooperatives')
export class CooperativesController {
  constructor(
    private readonly cooperatives: CooperativesService,
    private readonly keys: ApiKeysService,
  ) {}

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Onboard a cooperative (admin)' })
  @ApiCreatedResponse({ type: CooperativeDto })
  @ApiInvalid()
  @ApiConflictResponse({ description: 'tax code already registered', type: ErrorResponse })
  create(@Body() dto: CreateCooperativeDto): Promise<CooperativeDto> {
    return this.cooperatives.create(dto);
  }

  @Get()
  @Public()
  @ApiOperation({ summary: 'List cooperatives (newest first)' })
  @ApiOkResponse({ type: CooperativePageDto })
  @ApiInvalid()
  list(@Query() q: CooperativeListQuery): Promise<CooperativePageDto> {
    return this.cooperatives.list(q);
  }

  @Get(':id')
  @Public()
  @ApiOperation({ summary: 'A cooperative' })
  @ApiOkResponse({ type: CooperativeDto })
  @ApiMissing()
  get(@Param('id', UuidParam()) id: string): Promise<CooperativeDto> {
    return this.cooperatives.getView(id);
  }

  @Patch(':id')
  @Roles('admin', 'cooperative')
  @ApiOperation({ summary: 'Update a cooperative (admin, or the cooperative itself; only admins change the tax code)' })
  @ApiOkResponse({ type: CooperativeDto })
  @ApiInvalid()
  @ApiMissing()
  @ApiConflictResponse({ description: 'tax code already registered', type: ErrorResponse })
  async update(@Param('id', UuidParam()) id: string, @Body() dto: UpdateCooperativeDto, @CurrentPrincipal() p: Principal): Promise<CooperativeDto> {
    assertCooperativeAccess(p, id);
    return this.cooperatives.update(id, dto, { mayChangeTaxCode: p.role === 'admin' });
  }

  @Post(':id/api-keys')
  @Roles('admin', 'cooperative')
  @ApiOperation({ summary: "Issue an API key for the cooperative (shown once)" })
  @ApiCreatedResponse({ type: IssuedApiKeyDto })
  @ApiInvalid()
  @ApiMissing()
  async issueKey(@Param('id', UuidParam()) id: string, @Body() dto: CreateApiKeyDto, @CurrentPrincipal() p: Principal): Promise<IssuedApiKeyDto> {
    assertCooperativeAccess(p, id);
    await this.cooperatives.get(id);
    return this.keys.issue({ name: dto.name, role: 'cooperative', cooperativeId: id, createdBy: p });
  }
}
