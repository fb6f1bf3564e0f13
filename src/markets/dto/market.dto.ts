import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { Optional, Trim } from '../../common/dto.js';
import { PageQuery } from '../../common/pagination.js';

/** PATCH semantics: absent = unchanged; `null` is not a value for these fields (400). */
const Present = Optional;

export class CreateMarketDto {
  @ApiProperty({ example: 'Chợ 4.0 Trung tâm Buôn Ma Thuột', minLength: 2, maxLength: 200 })
  @Trim()
  @IsString()
  @Length(2, 200)
  name!: string;

  @ApiProperty({ example: '66', description: 'GET /regions/provinces' })
  @Trim()
  @IsString()
  @Matches(/^\d{2}$/, { message: 'provinceCode must be 2 digits' })
  provinceCode!: string;

  @ApiProperty({ example: '24133', description: 'must belong to the province (GET /regions/provinces/:code/communes)' })
  @Trim()
  @IsString()
  @Matches(/^\d{5}$/, { message: 'communeCode must be 5 digits' })
  communeCode!: string;

  @ApiProperty({ example: '02 Phan Chu Trinh, phường Buôn Ma Thuột', minLength: 3, maxLength: 300 })
  @Trim()
  @IsString()
  @Length(3, 300)
  address!: string;
}

export class UpdateMarketDto {
  @ApiPropertyOptional({ example: 'Chợ 4.0 Trung tâm Buôn Ma Thuột', minLength: 2, maxLength: 200 })
  @Present()
  @Trim()
  @IsString()
  @Length(2, 200)
  name?: string;

  @ApiPropertyOptional({ example: '66', description: 'changing it requires a communeCode of the new province' })
  @Present()
  @Trim()
  @IsString()
  @Matches(/^\d{2}$/, { message: 'provinceCode must be 2 digits' })
  provinceCode?: string;

  @ApiPropertyOptional({ example: '24133' })
  @Present()
  @Trim()
  @IsString()
  @Matches(/^\d{5}$/, { message: 'communeCode must be 5 digits' })
  communeCode?: string;

  @ApiPropertyOptional({ example: '02 Phan Chu Trinh, phường Buôn Ma Thuột', minLength: 3, maxLength: 300 })
  @Present()
  @Trim()
  @IsString()
  @Length(3, 300)
  address?: string;
}

export class MarketListQuery extends PageQuery {
  @ApiPropertyOptional({ example: '66', description: 'only markets of this province' })
  @IsOptional()
  @Matches(/^\d{2}$/, { message: 'provinceCode must be 2 digits' })
  provinceCode?: string;

  @ApiPropertyOptional({ example: '24133', description: 'only markets of this commune/ward' })
  @IsOptional()
  @Matches(/^\d{5}$/, { message: 'communeCode must be 5 digits' })
  communeCode?: string;
}

export class MarketDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Chợ 4.0 Trung tâm Buôn Ma Thuột' }) name!: string;
  @ApiProperty({ example: '66' }) provinceCode!: string;
  @ApiProperty({ example: 'Tỉnh Đắk Lắk' }) provinceName!: string;
  @ApiProperty({ example: '24133' }) communeCode!: string;
  @ApiProperty({ example: 'Phường Buôn Ma Thuột' }) communeName!: string;
  @ApiProperty({ example: '02 Phan Chu Trinh, phường Buôn Ma Thuột' }) address!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class MarketPageDto {
  @ApiProperty({ type: [MarketDto] }) items!: MarketDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
