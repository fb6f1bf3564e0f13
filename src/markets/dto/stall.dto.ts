import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, IsUUID, Length, Matches, MaxLength } from 'class-validator';
import { BankAccountDto, NestedObject, Nullable, normalizePhone, Optional, Trim, VN_PHONE } from '../../common/dto.js';
import { PageQuery } from '../../common/pagination.js';
import { STALL_CATEGORIES, STALL_CODE, STALL_STATUSES } from '../stall.entity.js';

/** Stall codes are compared and stored trimmed and uppercased ("a-12 " → "A-12"). */
const StallCode = () => Transform(({ value }) => (typeof value === 'string' ? value.trim().toUpperCase() : value));
const CODE_MESSAGE = 'code must be 1–20 letters A–Z and digits, with "-", ".", "/" or "_" inside (e.g. A-12)';
/** PATCH semantics: absent = unchanged; `null` is not a value for these fields (400). */
const Present = Optional;

export class CreateStallDto {
  @ApiProperty({ example: 'A-12', description: 'unique in the market; stored uppercase (' + CODE_MESSAGE.slice(5) + ')' })
  @StallCode()
  @IsString()
  @Matches(STALL_CODE, { message: CODE_MESSAGE })
  code!: string;

  @ApiProperty({ example: 'Nguyễn Thị Hoa', minLength: 2, maxLength: 200 })
  @Trim()
  @IsString()
  @Length(2, 200)
  vendorName!: string;

  @ApiProperty({ example: '0905123456', description: 'Vietnamese phone number; personal data, shown to the market\'s managers and admins only' })
  @normalizePhone()
  @IsString()
  @Matches(VN_PHONE, { message: 'vendorPhone must be a Vietnamese phone number (0… or +84…)' })
  vendorPhone!: string;

  @ApiProperty({ enum: STALL_CATEGORIES })
  @IsIn(STALL_CATEGORIES)
  category!: string;

  @ApiPropertyOptional({ type: BankAccountDto, description: 'the vendor\'s account; a stall with one is QR-enabled (static VietQR)' })
  @Present()
  @NestedObject(() => BankAccountDto)
  bankAccount?: BankAccountDto;

  @ApiPropertyOptional({ enum: STALL_STATUSES, default: 'active' })
  @Present()
  @IsIn(STALL_STATUSES)
  status?: string;
}

export class UpdateStallDto {
  @ApiPropertyOptional({ example: 'A-12', description: 'unique in the market; stored uppercase' })
  @Present()
  @StallCode()
  @IsString()
  @Matches(STALL_CODE, { message: CODE_MESSAGE })
  code?: string;

  @ApiPropertyOptional({ example: 'Nguyễn Thị Hoa', minLength: 2, maxLength: 200 })
  @Present()
  @Trim()
  @IsString()
  @Length(2, 200)
  vendorName?: string;

  @ApiPropertyOptional({ example: '0905123456', nullable: true, type: String, description: 'null removes it' })
  @Nullable()
  @normalizePhone()
  @IsString()
  @Matches(VN_PHONE, { message: 'vendorPhone must be a Vietnamese phone number (0… or +84…)' })
  vendorPhone?: string | null;

  @ApiPropertyOptional({ enum: STALL_CATEGORIES })
  @Present()
  @IsIn(STALL_CATEGORIES)
  category?: string;

  @ApiPropertyOptional({ type: BankAccountDto, nullable: true, description: 'null removes it (the stall stops being QR-enabled)' })
  @Nullable()
  @NestedObject(() => BankAccountDto)
  bankAccount?: BankAccountDto | null;

  @ApiPropertyOptional({ enum: STALL_STATUSES })
  @Present()
  @IsIn(STALL_STATUSES)
  status?: string;
}

export class ImportStallQrDto {
  @ApiProperty({ example: 'B-07', description: 'unique in the market; stored uppercase' })
  @StallCode()
  @IsString()
  @Matches(STALL_CODE, { message: CODE_MESSAGE })
  code!: string;

  @ApiProperty({
    description:
      'the text of the VietQR the vendor already displays (read off the printed code with any QR reader). Decoded strictly: ' +
      'EMVCo structure and CRC-16 (tag 63), NAPAS GUID A000000727 in tag 38, a bank BIN of the NAPAS list, an account of 6–19 digits, ' +
      'service QRIBFTTA (transfer to an account) or none. Static or dynamic: only the account is taken (amount and memo are ignored).',
    example: '00020101021138540010A00000072701240006970423011000999999990208QRIBFTTA53037045802VN6304CBB4',
    maxLength: 512,
  })
  @IsString()
  @Length(1, 512)
  payload!: string;

  @ApiProperty({ example: 'Trần Văn Minh', minLength: 2, maxLength: 200 })
  @Trim()
  @IsString()
  @Length(2, 200)
  vendorName!: string;

  @ApiPropertyOptional({ example: '0905123456' })
  @Present()
  @normalizePhone()
  @IsString()
  @Matches(VN_PHONE, { message: 'vendorPhone must be a Vietnamese phone number (0… or +84…)' })
  vendorPhone?: string;

  @ApiProperty({ enum: STALL_CATEGORIES })
  @IsIn(STALL_CATEGORIES)
  category!: string;

  @ApiPropertyOptional({
    example: 'TRAN VAN MINH',
    description:
      'account holder. Optional when the payload carries a merchant name (tag 59), which is used then; when both are given this field wins ' +
      '(tag 59 is a label of at most 25 characters, often shortened). Required when the payload has no tag 59.',
    maxLength: 100,
  })
  @Present()
  @Trim()
  @IsString()
  @Length(2, 100)
  accountName?: string;

  @ApiPropertyOptional({ enum: STALL_STATUSES, default: 'active' })
  @Present()
  @IsIn(STALL_STATUSES)
  status?: string;
}

export class StallListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: STALL_CATEGORIES })
  @IsOptional()
  @IsIn(STALL_CATEGORIES)
  category?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'only stalls with (true) or without (false) a bank account' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'qrEnabled must be true or false' })
  qrEnabled?: string;

  @ApiPropertyOptional({ enum: STALL_STATUSES })
  @IsOptional()
  @IsIn(STALL_STATUSES)
  status?: string;

  @ApiPropertyOptional({ example: 'A-', description: 'only stalls whose code starts with this (case-insensitive)' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  codePrefix?: string;
}

export class StallBankAccountDto {
  @ApiProperty({ example: '970436' }) bankBin!: string;
  @ApiProperty({ example: 'Vietcombank', description: 'short name from the NAPAS list' }) bankName!: string;
  @ApiProperty({ example: '1023456789' }) accountNumber!: string;
  @ApiProperty({ example: 'NGUYEN THI HOA' }) accountName!: string;
}

export class StallDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) marketId!: string;
  @ApiProperty({ example: 'A-12' }) code!: string;
  @ApiProperty({ example: 'Nguyễn Thị Hoa' }) vendorName!: string;
  @ApiProperty({ example: '0905123456', nullable: true, type: String }) vendorPhone!: string | null;
  @ApiProperty({ enum: STALL_CATEGORIES }) category!: string;
  @ApiProperty({ example: 'Rau củ quả tươi', description: 'the category as people read it (vi)' }) categoryLabel!: string;
  @ApiProperty({ type: StallBankAccountDto, nullable: true }) bankAccount!: StallBankAccountDto | null;
  @ApiProperty({ description: 'true when the stall has a bank account' }) qrEnabled!: boolean;
  @ApiProperty({ enum: STALL_STATUSES }) status!: string;
  @ApiProperty({ nullable: true, type: String, description: 'static VietQR payload (tag 01 = 11, no amount) of the stall account' })
  qrPayload!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'http://localhost:3000/stalls/…/qr.png', description: 'public PNG of qrPayload' })
  qrImageUrl!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class StallPageDto {
  @ApiProperty({ type: [StallDto] }) items!: StallDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

/** 200 ids keep the URL near 7.5 kB, well under the 16 kB request-header limit of Node. */
export const MAX_CARD_STALLS = 200;

export class QrCardsQuery {
  @ApiPropertyOptional({
    type: [String],
    example: ['8a4c0b4e-1f7e-4a47-9a55-3b0f3c1d2e11', '0f2d5c3a-7b1e-4c2d-9e8f-1a2b3c4d5e6f'],
    description:
      `only these stalls (comma-separated ids, or the parameter repeated; at most ${MAX_CARD_STALLS}). Each must be a stall of the market with a bank account. ` +
      'Default: every active QR-enabled stall.',
  })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value.flatMap((v) => (typeof v === 'string' ? v.split(',') : [v])) : value))
  @IsArray({ message: 'stallIds must be a comma-separated list of stall ids' })
  @ArrayMinSize(1, { message: 'stallIds must name at least one stall' })
  @ArrayMaxSize(MAX_CARD_STALLS, { message: `stallIds must name at most ${MAX_CARD_STALLS} stalls` })
  @IsUUID('all', { each: true, message: 'stallIds must hold stall ids (UUIDs)' })
  stallIds?: string[];
}
