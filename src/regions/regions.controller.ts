import { Controller, Get, Header, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { Public } from '../auth/decorators.js';
import { ApiMissing } from '../common/api-docs.js';
import { NotFound } from '../common/errors.js';
import { RegionsService } from './regions.service.js';

class ProvinceDto {
  @ApiProperty({ example: '66' }) code!: string;
  @ApiProperty({ example: 'Đắk Lắk' }) name!: string;
  @ApiProperty({ example: 'Tỉnh Đắk Lắk' }) fullName!: string;
  @ApiProperty({ example: 'Dak Lak' }) nameEn!: string;
  @ApiProperty({ enum: ['city', 'province'] }) type!: string;
}
class CommuneDto {
  @ApiProperty({ example: '24121' }) code!: string;
  @ApiProperty({ example: 'Buôn Ma Thuột' }) name!: string;
  @ApiProperty({ example: 'Phường Buôn Ma Thuột' }) fullName!: string;
  @ApiProperty({ example: '66' }) provinceCode!: string;
  @ApiProperty({ enum: ['ward', 'commune', 'special_zone'] }) type!: string;
}
class ProvinceListDto {
  @ApiProperty({ type: [ProvinceDto] }) items!: ProvinceDto[];
  @ApiProperty({ nullable: true, type: String, description: 'always null: the whole list fits one page' }) nextCursor!: null;
}
class CommuneListDto {
  @ApiProperty({ type: [CommuneDto] }) items!: CommuneDto[];
  @ApiProperty({ nullable: true, type: String, description: 'always null: the whole list fits one page' }) nextCursor!: null;
}
class CommuneQuery {
  @ApiPropertyOptional({ description: 'name fragment, diacritic- and case-insensitive', example: 'buon ma' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}

@ApiTags('reference data')
@Public()
@Controller('regions')
export class RegionsController {
  constructor(private readonly regions: RegionsService) {}

  @Get('provinces')
  @Header('Cache-Control', 'public, max-age=86400')
  @ApiOperation({ summary: "Vietnam's 34 provinces and centrally-governed cities (since 1 July 2025)" })
  @ApiOkResponse({ type: ProvinceListDto })
  provinces(): ProvinceListDto {
    return { items: this.regions.listProvinces() as ProvinceDto[], nextCursor: null };
  }

  @Get('provinces/:code/communes')
  @Header('Cache-Control', 'public, max-age=86400')
  @ApiOperation({ summary: 'Communes, wards and special zones of a province' })
  @ApiOkResponse({ type: CommuneListDto })
  @ApiMissing()
  communes(@Param('code') code: string, @Query() query: CommuneQuery): CommuneListDto {
    const items = this.regions.communesOf(code, query.q);
    if (!items) throw new NotFound('Province', code);
    return { items: items as CommuneDto[], nextCursor: null };
  }
}
