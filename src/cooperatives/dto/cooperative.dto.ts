import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { BankAccountDto, NestedObject, Nullable, normalizePhone, Optional, Trim, VN_PHONE } from '../../common/dto.js';
import { PageQuery } from '../../common/pagination.js';
import { COOPERATIVE_KINDS } from '../cooperative.entity.js';

const PhoneRules = () =>
  applyDecorators(normalizePhone(), IsString(), Matches(VN_PHONE, { message: 'phone must be a Vietnamese phone number (0… or +84…)' }));
const EmailRules = () => applyDecorators(Trim(), IsEmail({}, { message: 'email must be an email address' }), MaxLength(200));

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
  @Optional()
  @PhoneRules()
  phone?: string;

  @ApiPropertyOptional({ example: 'lienhe@htx-eatu.vn' })
  @Optional()
  @EmailRules()
  email?: string;

  @ApiProperty({ type: BankAccountDto, description: 'where buyers pay this cooperative (VietQR)' })
  @NestedObject(() => BankAccountDto, 'bankAccount must be an object { bankBin, accountNumber, accountName }')
  bankAccount!: BankAccountDto;
}

/** PATCH: absent = unchanged; null is refused, except for phone and email, where null removes them. */
export class UpdateCooperativeDto extends PartialType(OmitType(CreateCooperativeDto, ['phone', 'email']), { skipNullProperties: false }) {
  @ApiPropertyOptional({ example: '0912345678', nullable: true, type: String, description: 'null removes it' })
  @Nullable()
  @PhoneRules()
  phone?: string | null;

  @ApiPropertyOptional({ example: 'lienhe@htx-eatu.vn', nullable: true, type: String, description: 'null removes it' })
  @Nullable()
  @EmailRules()
  email?: string | null;
}

/** The account in a cooperative's answer: the request's fields and the bank's short name. */
export class CooperativeBankAccountDto {
  @ApiProperty({ example: '970436' }) bankBin!: string;
  @ApiProperty({ example: 'Vietcombank', description: 'short name from the NAPAS list' }) bankName!: string;
  @ApiProperty({ example: '1023456789' }) accountNumber!: string;
  @ApiProperty({ example: 'HTX NONG NGHIEP TAN LAP' }) accountName!: string;
}

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
  @ApiProperty({ type: CooperativeBankAccountDto }) bankAccount!: CooperativeBankAccountDto;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class CooperativePageDto {
  @ApiProperty({ type: [CooperativeDto] }) items!: CooperativeDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
