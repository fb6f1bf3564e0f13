import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsEmail,
  IsIn,
  IsInt,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { NestedArray, NestedObject, normalizePhone, Optional, Trim, VN_PHONE } from '../../common/dto.js';

export class AddressDto {
  @ApiProperty({ example: '66' })
  @Trim()
  @IsString()
  @Matches(/^\d{2}$/, { message: 'provinceCode must be 2 digits' })
  provinceCode!: string;

  @ApiProperty({ example: '24133', description: 'must belong to the province' })
  @Trim()
  @IsString()
  @Matches(/^\d{5}$/, { message: 'communeCode must be 5 digits' })
  communeCode!: string;

  @ApiProperty({ example: '12 Lê Duẩn' })
  @Trim()
  @IsString()
  @Length(3, 300)
  line!: string;
}

export class BuyerDto {
  @ApiProperty({ example: 'Nguyễn Thị Lan' })
  @Trim()
  @IsString()
  @Length(2, 100)
  name!: string;

  @ApiProperty({ example: '0912345678' })
  @normalizePhone()
  @IsString()
  @Matches(VN_PHONE, { message: 'phone must be a Vietnamese phone number (0… or +84…)' })
  phone!: string;

  @ApiPropertyOptional({ example: 'lan@example.vn' })
  @Optional()
  @Trim()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(200)
  email?: string;

  @ApiProperty({ type: AddressDto })
  @NestedObject(() => AddressDto)
  address!: AddressDto;
}

export class CartItemDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'productId must be a UUID' })
  productId!: string;

  @ApiProperty({ minimum: 1, maximum: 1000, example: 2 })
  @IsInt({ message: 'qty must be a whole number' })
  @Min(1)
  @Max(1000)
  qty!: number;
}

export const PAYMENT_METHODS = ['vietqr', 'card'] as const;

export class CheckoutDto {
  @ApiProperty({ type: BuyerDto })
  @NestedObject(() => BuyerDto)
  buyer!: BuyerDto;

  @ApiProperty({ type: [CartItemDto], minItems: 1, maxItems: 50 })
  @NestedArray(() => CartItemDto)
  @ArrayMinSize(1, { message: 'items must hold at least one product' })
  @ArrayMaxSize(50)
  items!: CartItemDto[];

  @ApiProperty({ enum: PAYMENT_METHODS })
  @IsIn(PAYMENT_METHODS)
  paymentMethod!: 'vietqr' | 'card';
}
