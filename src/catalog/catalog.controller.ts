import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public, Roles } from '../auth/decorators.js';
import type { Principal } from '../auth/principal.js';
import { ApiInvalid, ApiMissing, ErrorResponse } from '../common/api-docs.js';
import { Forbidden, InvalidInput } from '../common/errors.js';
import { UuidParam } from '../common/uuid-param.js';
import { CatalogService } from './catalog.service.js';
import { CreateProductDto, ProductDto, ProductListQuery, ProductPageDto, UpdateProductDto } from './dto/product.dto.js';

@ApiTags('catalog')
@Controller('products')
export class CatalogController {
  constructor(private readonly catalog: CatalogService) {}

  @Post()
  @Roles('admin', 'cooperative')
  @ApiOperation({ summary: "List a product (a cooperative key: for its own cooperative; an admin key: for body.cooperativeId)" })
  @ApiCreatedResponse({ type: ProductDto })
  @ApiInvalid()
  @ApiConflictResponse({ description: 'sku already used in this cooperative (code duplicate_sku)', type: ErrorResponse })
  create(@Body() dto: CreateProductDto, @CurrentPrincipal() p: Principal): Promise<ProductDto> {
    return this.catalog.create(owningCooperative(p, dto.cooperativeId), dto);
  }

  @Get()
  @Public()
  @ApiOperation({
    summary: 'List and search products',
    description:
      'Public: active products whose OCOP certificate is valid today. `q` searches names, cooperatives, provinces and ' +
      'descriptions without diacritics or case ("ca phe" finds "Cà phê"). With includeInactive=true and cooperativeId, ' +
      'that cooperative (or an admin) also sees its archived and expired products.',
  })
  @ApiOkResponse({ type: ProductPageDto })
  @ApiInvalid()
  @ApiForbiddenResponse({ description: 'includeInactive for a cooperative that is not the caller\'s', type: ErrorResponse })
  async list(@Query() q: ProductListQuery, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() p?: Principal): Promise<ProductPageDto> {
    // The page as JSON text, often straight from the list cache (see CatalogService.listJson).
    void reply.header('content-type', 'application/json; charset=utf-8');
    return (await this.catalog.listJson(q, p)) as unknown as ProductPageDto;
  }

  @Get(':id')
  @Public()
  @ApiOperation({ summary: 'A product (archived and expired ones too: see status and purchasable)' })
  @ApiOkResponse({ type: ProductDto })
  @ApiInvalid()
  @ApiMissing()
  get(@Param('id', UuidParam()) id: string): Promise<ProductDto> {
    return this.catalog.get(id);
  }

  @Patch(':id')
  @Roles('admin', 'cooperative')
  @ApiOperation({ summary: 'Update a product (admin or its cooperative); ocop fields merge into the current certificate' })
  @ApiOkResponse({ type: ProductDto })
  @ApiInvalid()
  @ApiMissing()
  @ApiConflictResponse({ description: 'sku already used (duplicate_sku), or the product is archived (product_archived)', type: ErrorResponse })
  update(@Param('id', UuidParam()) id: string, @Body() dto: UpdateProductDto, @CurrentPrincipal() p: Principal): Promise<ProductDto> {
    return this.catalog.update(id, dto, p);
  }

  @Delete(':id')
  @HttpCode(200)
  @Roles('admin', 'cooperative')
  @ApiOperation({ summary: 'Archive a product (admin or its cooperative); idempotent; it stays readable by id' })
  @ApiOkResponse({ type: ProductDto, description: 'the archived product' })
  @ApiInvalid()
  @ApiMissing()
  archive(@Param('id', UuidParam()) id: string, @CurrentPrincipal() p: Principal): Promise<ProductDto> {
    return this.catalog.archive(id, p);
  }
}

/** Whose product it is: a cooperative key lists for itself; an admin names the cooperative. */
function owningCooperative(p: Principal, requested?: string): string {
  if (p.role === 'cooperative') {
    if (requested !== undefined && requested.toLowerCase() !== p.cooperativeId) throw new Forbidden('A cooperative key lists products only for its own cooperative');
    return p.cooperativeId!;
  }
  if (requested === undefined) throw InvalidInput.field('cooperativeId', 'is required with an admin key');
  return requested.toLowerCase();
}
