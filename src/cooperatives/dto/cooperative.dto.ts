import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { BankAccountDto, normalizePhone, Trim, VN_PHONE } from '../../common/dto.js';
import { PageQuery } from '../../common/pagination.js';
import { COOPERATIVE_KINDS } from '../cooperative.entity.js';

export class CreateCooperativeDto {
  @ApiProperty({ example: 'Hợp tác xã Cà phê Ea Tu', minLength: 2, maxLength: 200 })
  @Trim()
  @IsString()
  @Length(2, 200)
  name!: string;

  @ApiProperty({ enum: COOPERATIVE_KINDS })
  @IsIn(COOPERATIVE_KINDS)
  kind!: string;

  @ApiProperty({ example: '6001234567', description: 'enterprise code: 10 digits (with its check digit), or 10-3 for a branch' })
  @Trim()
  @IsString()
  @MaxLength(20)
  taxCode!: string;

  @ApiProperty({ example: '66', description: 'GET /regions/provinces' })
  @Trim()
  @IsString()
  @Matches(/^\d{2}$/, { message: 'provinceCode must be 2 digits' })
  provinceCode!: string;

  @ApiProperty({ example: '24121', description: 'must belong to the province' })
  @Trim()
  @IsString()
  @Matches(/^\d{5}$/, { message: 'communeCode must be 5 digits' })
  communeCode!: string;

  @ApiProperty({ example: 'Thôn 3, đường Nguyễn Văn Cừ' })
  @Trim()
  @IsString()
  @Length(3, 300)
  address!: string;

  @ApiPropertyOptional({ example: '0912345678' })
  @IsOptional()
  @normalizePhone()
  @IsString()
  @Matches(VN_PHONE, { message: 'phone must be a Vietnamese phone number (0… or +84…)' })
  phone?: string;

  @ApiPropertyOptional({ example: 'lienhe@htx-eatu.vn' })
  @IsOptional()
  @Trim()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(200)
  email?: string;

  @ApiProperty({ type: BankAccountDto, description: 'where buyers pay this cooperative (VietQR)' })
  @ValidateNested()
  @Type(() => BankAccountDto)
  bankAccount!: BankAccountDto;
}

export class UpdateCooperativeDto extends PartialType(CreateCooperativeDto) {}

export class CooperativeListQuery extends PageQuery {
  @ApiPropertyOptional({ example: '66' })
  @IsOptional()
  @Matches(/^\d{2}$/, { message: 'provinceCode must be 2 digits' })
  provinceCode?: string;

  @ApiPropertyOptional({ enum: COOPERATIVE_KINDS })
  @IsOptional()
  @IsIn(COOPERATIVE_KINDS)
  kind?: string;
}

export class CooperativeDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: COOPERATIVE_KINDS }) kind!: string;
  @ApiProperty() taxCode!: string;
  @ApiProperty() provinceCode!: string;
  @ApiProperty() provinceName!: string;
  @ApiProperty() communeCode!: string;
  @ApiProperty() communeName!: string;
  @ApiProperty() address!: string;
  @ApiProperty({ nullable: true, type: String }) phone!: string | null;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty({ type: BankAccountDto }) bankAccount!: BankAccountDto & { bankName: string };
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class CooperativePageDto {
  @ApiProperty({ type: [CooperativeDto] }) items!: CooperativeDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
