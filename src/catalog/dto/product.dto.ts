import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  buildMessage,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  isURL,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { Nullable, Optional, QueryInt } from '../../common/dto.js';
import { MAX_VND } from '../../common/money.js';
import { PageQuery } from '../../common/pagination.js';
import { isCalendarDate, OCOP_GROUPS, OCOP_LEVELS, OCOP_STARS, type OcopGroup, type OcopStars } from '../ocop.js';
import { PRODUCT_SORTS, type ProductSort } from '../product-queries.js';

import { MAX_IMAGES, MAX_STOCK, SKU_PATTERN, TEXT_LIMITS } from '../product-rules.js';

export { MAX_IMAGES, MAX_STOCK, SKU_PATTERN };

/** Trims and NFC-normalizes text (names typed on different keyboards compare equal); leaves other values to the validators. */
const Text = () => Transform(({ value }) => (typeof value === 'string' ? value.normalize('NFC').trim() : value));

/** Text: NFC-normalized and trimmed, `min`–`max` characters, no NUL (PostgreSQL text cannot hold it). */
const TextField = (min: number, max: number) =>
  applyDecorators(Text(), IsString(), Length(min, max), Matches(/^[^\u0000]*$/, { message: '$property must not contain NUL characters' }));

/** May be left out, but `null` is not a value: it goes to the validators (and fails them). */
const Omittable = Optional;

function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (v) => isCalendarDate(v),
        defaultMessage: buildMessage((each) => `${each}$property must be a calendar date written YYYY-MM-DD`, options),
      },
    },
    options,
  );
}

const IMAGE_URL_MAX = 2000;
function badImageIndex(v: unknown): number {
  if (!Array.isArray(v)) return -1;
  return v.findIndex(
    (u) => typeof u !== 'string' || u.length > IMAGE_URL_MAX || !isURL(u, { protocols: ['http', 'https'], require_protocol: true }),
  );
}

/** Up to MAX_IMAGES http(s) URLs; the message names the first bad one by index. */
function IsImageUrlList(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isImageUrlList',
      validator: {
        validate: (v) => Array.isArray(v) && v.length <= MAX_IMAGES && badImageIndex(v) === -1,
        defaultMessage: (args) => {
          const v = args?.value;
          if (!Array.isArray(v)) return 'images must be an array of http(s) URLs';
          if (v.length > MAX_IMAGES) return `images must hold at most ${MAX_IMAGES} URLs`;
          return `images.${badImageIndex(v)} must be an http(s) URL of at most ${IMAGE_URL_MAX} characters`;
        },
      },
    },
    options,
  );
}

const ToInt = QueryInt;
/** Query-string booleans: "true"/"false" only. */
const ToBool = () => Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value));

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

export class OcopInputDto {
  @ApiProperty({ enum: OCOP_GROUPS, example: 'food', description: 'OCOP product group (Decision 148/QĐ-TTg)' })
  @IsIn(OCOP_GROUPS)
  group!: OcopGroup;

  @ApiProperty({ enum: OCOP_STARS, type: Number, example: 4 })
  @IsIn(OCOP_STARS, { message: 'stars must be 3, 4 or 5' })
  stars!: OcopStars;

  @ApiProperty({ example: '125/GCN-UBND', minLength: 1, maxLength: 100 })
  @TextField(...TEXT_LIMITS.certificateNo)
  certificateNo!: string;

  @ApiProperty({ example: '2025-06-15', format: 'date', description: 'date of the certification decision (not in the future)' })
  @IsCalendarDate()
  certifiedAt!: string;

  @ApiPropertyOptional({
    example: '2028-06-15',
    format: 'date',
    description: 'last valid day; default certifiedAt + 36 months; must be after certifiedAt and at most 36 months after it',
  })
  @Omittable()
  @IsCalendarDate()
  expiresAt?: string;

  @ApiPropertyOptional({ enum: OCOP_LEVELS, description: 'derived from stars (provincial for 3★/4★, national for 5★); a contradicting value is rejected' })
  @Omittable()
  @IsIn(OCOP_LEVELS)
  level?: string;

  @ApiPropertyOptional({ example: '1234/QĐ-UBND', maxLength: 100, description: 'number of the certification decision' })
  @Omittable()
  @TextField(...TEXT_LIMITS.decisionNo)
  decisionNo?: string;
}

export class CreateProductDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: "admin keys: the cooperative the product belongs to (required). Cooperative keys: the key's own cooperative (may be omitted)",
  })
  @Omittable()
  @IsUUID(undefined, { message: 'cooperativeId must be a UUID' })
  cooperativeId?: string;

  @ApiProperty({ example: 'Cà phê Robusta rang xay Ea Tu', minLength: 2, maxLength: 200 })
  @TextField(...TEXT_LIMITS.name)
  name!: string;

  @ApiPropertyOptional({ example: 'Cà phê Robusta trồng ở Buôn Ma Thuột, rang mộc.', maxLength: 5000, default: '' })
  @Omittable()
  @TextField(...TEXT_LIMITS.description)
  description?: string;

  @ApiProperty({ example: 'CF-RB-500', description: 'unique per cooperative; 1–64 of A–Z a–z 0–9 . _ / - (starting with a letter or digit)' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Matches(SKU_PATTERN, { message: 'sku must be 1–64 characters of A–Z, a–z, 0–9, ".", "_", "/", "-", starting with a letter or digit' })
  sku!: string;

  @ApiProperty({ example: 185000, description: 'integer VND, 1 … 1e12', minimum: 1, maximum: MAX_VND })
  @IsInt({ message: 'priceVnd must be an integer number of VND (not a string or a fraction)' })
  @Min(1)
  @Max(MAX_VND)
  priceVnd!: number;

  @ApiProperty({ example: 'hộp 500g', minLength: 1, maxLength: 50 })
  @TextField(...TEXT_LIMITS.unit)
  unit!: string;

  @ApiPropertyOptional({ example: 120, minimum: 0, maximum: MAX_STOCK, default: 0 })
  @Omittable()
  @IsInt({ message: 'stockQty must be an integer' })
  @Min(0)
  @Max(MAX_STOCK)
  stockQty?: number;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_IMAGES, example: ['https://cdn.example.vn/ocop/ca-phe.jpg'], description: 'http(s) URLs' })
  @Omittable()
  @IsImageUrlList()
  images?: string[];

  @ApiProperty({ type: OcopInputDto })
  @IsObject({ message: 'ocop must be an object' })
  @ValidateNested()
  @Type(() => OcopInputDto)
  ocop!: OcopInputDto;
}

/** PATCH: every field optional; `ocop` fields are merged into the current certificate. */
export class UpdateOcopDto {
  @ApiPropertyOptional({ enum: OCOP_GROUPS })
  @Omittable()
  @IsIn(OCOP_GROUPS)
  group?: OcopGroup;

  @ApiPropertyOptional({ enum: OCOP_STARS, type: Number, description: 'changing stars re-derives level unless level is given' })
  @Omittable()
  @IsIn(OCOP_STARS, { message: 'stars must be 3, 4 or 5' })
  stars?: OcopStars;

  @ApiPropertyOptional({ maxLength: 100 })
  @Omittable()
  @TextField(...TEXT_LIMITS.certificateNo)
  certificateNo?: string;

  @ApiPropertyOptional({ format: 'date', description: 'changing it without expiresAt resets expiresAt to certifiedAt + 36 months' })
  @Omittable()
  @IsCalendarDate()
  certifiedAt?: string;

  @ApiPropertyOptional({ format: 'date', nullable: true, type: String, description: 'null resets it to certifiedAt + 36 months' })
  @Nullable()
  @IsCalendarDate()
  expiresAt?: string | null;

  @ApiPropertyOptional({ enum: OCOP_LEVELS, nullable: true })
  @Nullable()
  @IsIn(OCOP_LEVELS)
  level?: string | null;

  @ApiPropertyOptional({ maxLength: 100, nullable: true, type: String, description: 'null clears it' })
  @Nullable()
  @TextField(...TEXT_LIMITS.decisionNo)
  decisionNo?: string | null;
}

export class UpdateProductDto {
  @ApiPropertyOptional({ minLength: 2, maxLength: 200 })
  @Omittable()
  @TextField(...TEXT_LIMITS.name)
  name?: string;

  @ApiPropertyOptional({ maxLength: 5000, nullable: true, type: String, description: 'null empties it' })
  @Nullable()
  @TextField(...TEXT_LIMITS.description)
  description?: string | null;

  @ApiPropertyOptional({ description: 'unique per cooperative' })
  @Omittable()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Matches(SKU_PATTERN, { message: 'sku must be 1–64 characters of A–Z, a–z, 0–9, ".", "_", "/", "-", starting with a letter or digit' })
  sku?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_VND, description: 'integer VND' })
  @Omittable()
  @IsInt({ message: 'priceVnd must be an integer number of VND (not a string or a fraction)' })
  @Min(1)
  @Max(MAX_VND)
  priceVnd?: number;

  @ApiPropertyOptional({ minLength: 1, maxLength: 50 })
  @Omittable()
  @TextField(...TEXT_LIMITS.unit)
  unit?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_STOCK, description: 'sets the stock (checkout takes from it atomically)' })
  @Omittable()
  @IsInt({ message: 'stockQty must be an integer' })
  @Min(0)
  @Max(MAX_STOCK)
  stockQty?: number;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_IMAGES, nullable: true, description: 'replaces the list; null empties it' })
  @Nullable()
  @IsImageUrlList()
  images?: string[] | null;

  @ApiPropertyOptional({ type: UpdateOcopDto })
  @Omittable()
  @IsObject({ message: 'ocop must be an object' })
  @ValidateNested()
  @Type(() => UpdateOcopDto)
  ocop?: UpdateOcopDto;
}

/** `limit`/`cursor` from PageQuery; a cursor is valid only for the query and sort that produced it. */
export class ProductListQuery extends PageQuery {
  @ApiPropertyOptional({
    example: 'ca phe dak lak',
    maxLength: 200,
    description: 'full-text search, diacritic- and case-insensitive; every word must match, the last one as a prefix',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ example: '66', description: "the cooperative's province (GET /regions/provinces)" })
  @IsOptional()
  @Matches(/^\d{2}$/, { message: 'provinceCode must be 2 digits' })
  provinceCode?: string;

  @ApiPropertyOptional({ enum: OCOP_GROUPS })
  @IsOptional()
  @IsIn(OCOP_GROUPS)
  group?: OcopGroup;

  @ApiPropertyOptional({ minimum: 1, maximum: 5, example: 4 })
  @IsOptional()
  @ToInt()
  @IsInt({ message: 'minStars must be an integer' })
  @Min(1)
  @Max(5)
  minStars?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_VND, description: 'integer VND' })
  @IsOptional()
  @ToInt()
  @IsInt({ message: 'minPriceVnd must be an integer number of VND' })
  @Min(0)
  @Max(MAX_VND)
  minPriceVnd?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_VND, description: 'integer VND, ≥ minPriceVnd' })
  @IsOptional()
  @ToInt()
  @IsInt({ message: 'maxPriceVnd must be an integer number of VND' })
  @Min(0)
  @Max(MAX_VND)
  maxPriceVnd?: number;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID(undefined, { message: 'cooperativeId must be a UUID' })
  cooperativeId?: string;

  @ApiPropertyOptional({
    type: Boolean,
    description: 'also archived and expired-certificate products; needs cooperativeId and an admin key or that cooperative\'s key',
  })
  @IsOptional()
  @ToBool()
  @IsIn([true, false], { message: 'includeInactive must be true or false' })
  includeInactive?: boolean;

  @ApiPropertyOptional({
    enum: PRODUCT_SORTS,
    description:
      'default: relevance with q, newest without. relevance: names that start with the searched words, then names that hold them, ' +
      'then products found by their cooperative, province or description; within each, more OCOP stars first, then newest',
  })
  @IsOptional()
  @IsIn(PRODUCT_SORTS)
  sort?: ProductSort;
}

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

export class ProductCooperativeDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Hợp tác xã Cà phê Ea Tu' }) name!: string;
  @ApiProperty({ example: '66' }) provinceCode!: string;
  @ApiProperty({ example: 'Tỉnh Đắk Lắk' }) provinceName!: string;
}

export class OcopCertificateDto {
  @ApiProperty({ enum: OCOP_GROUPS }) group!: OcopGroup;
  @ApiProperty({ enum: OCOP_STARS, type: Number }) stars!: number;
  @ApiProperty({ enum: OCOP_LEVELS }) level!: string;
  @ApiProperty() certificateNo!: string;
  @ApiProperty({ nullable: true, type: String }) decisionNo!: string | null;
  @ApiProperty({ format: 'date' }) certifiedAt!: string;
  @ApiProperty({ format: 'date', description: 'last valid day' }) expiresAt!: string;
}

export class PhotoSizesDto {
  @ApiProperty({ name: '320', example: 'https://shop.example.vn/media/photos/0b9c…/w320.webp', description: 'WebP at most 320 px wide' }) '320'!: string;
  @ApiProperty({ name: '640', description: 'WebP at most 640 px wide' }) '640'!: string;
  @ApiProperty({ name: '1280', description: 'WebP at most 1280 px wide (never upscaled: a smaller original keeps its width)' }) '1280'!: string;
}

export class ProductPhotoDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: PhotoSizesDto, description: 'URL of each size; two sizes may name the same file when the original is narrower' }) sizes!: PhotoSizesDto;
  @ApiProperty({ example: 1280, description: 'width of the "1280" file' }) width!: number;
  @ApiProperty({ example: 960, description: 'height of the "1280" file' }) height!: number;
}

export class ProductDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) cooperativeId!: string;
  @ApiProperty({ type: ProductCooperativeDto }) cooperative!: ProductCooperativeDto;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty() sku!: string;
  @ApiProperty({ description: 'integer VND', example: 185000 }) priceVnd!: number;
  @ApiProperty({ example: 'hộp 500g' }) unit!: string;
  @ApiProperty() stockQty!: number;
  @ApiProperty({ type: [String], description: 'the largest size of each photo (in order), then the external image URLs given with the product' }) images!: string[];
  @ApiProperty({ type: [ProductPhotoDto], description: 'uploaded photos that are processed (ready), in order, with every size' }) photos!: ProductPhotoDto[];
  @ApiProperty({ type: OcopCertificateDto }) ocop!: OcopCertificateDto;
  @ApiProperty({ example: '66', description: "the cooperative's province" }) provinceCode!: string;
  @ApiProperty({ enum: ['active', 'archived'] }) status!: string;
  @ApiProperty({ description: 'active, certificate valid today (Asia/Ho_Chi_Minh) and in stock' }) purchasable!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) archivedAt!: string | null;
}

export class ProductPageDto {
  @ApiProperty({ type: [ProductDto] }) items!: ProductDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
