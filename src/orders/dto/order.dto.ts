import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { Optional } from '../../common/dto.js';
import { PageQuery } from '../../common/pagination.js';
import { ORDER_STATUSES } from '../order-state.js';
import { AddressDto } from './checkout.dto.js';

export class OrderItemDto {
  @ApiProperty({ format: 'uuid' }) productId!: string;
  @ApiProperty({ example: 'Cà phê Robusta rang xay Ea Kao' }) name!: string;
  @ApiProperty({ example: 'gói 500g' }) unit!: string;
  @ApiProperty() sku!: string;
  @ApiProperty({ example: 185000 }) priceVnd!: number;
  @ApiProperty({ example: 2 }) qty!: number;
  @ApiProperty({ example: 370000 }) lineTotalVnd!: number;
}

export class PaymentBankDto {
  @ApiProperty({ example: '970436' }) bankBin!: string;
  @ApiProperty({ example: 'Vietcombank' }) bankName!: string;
  @ApiProperty({ example: '1023456789' }) accountNumber!: string;
  @ApiProperty({ example: 'HTX CA PHE EA KAO' }) accountName!: string;
}

export class PaymentDto {
  @ApiProperty({ enum: ['vietqr', 'card'] }) method!: string;
  @ApiProperty({ enum: ['pending', 'succeeded', 'failed', 'expired', 'cancelled', 'refunded', 'partially_refunded'] }) status!: string;
  @ApiProperty({ example: 370000 }) amountVnd!: number;
  @ApiProperty({ example: 0, description: 'received so far (several transfers may add up)' }) receivedVnd!: number;
  @ApiProperty({ example: 0 }) refundedVnd!: number;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiPropertyOptional({ example: 'OC7K4M9P2XG', description: 'vietqr: the transfer memo' }) reference?: string;
  @ApiPropertyOptional({ type: PaymentBankDto, description: 'vietqr: the cooperative account' }) bank?: PaymentBankDto;
  @ApiPropertyOptional({ description: 'vietqr: the dynamic VietQR payload (EMVCo MPM)' }) qrPayload?: string;
  @ApiPropertyOptional({ description: 'vietqr: the QR image (needs the order token)' }) qrImageUrl?: string;
  @ApiPropertyOptional({ description: 'card: the Stripe PaymentIntent client secret' }) clientSecret?: string;
  @ApiPropertyOptional({ description: 'card: the Stripe PaymentIntent id' }) paymentIntentId?: string;
}

export class OrderBuyerDto {
  @ApiProperty() name!: string;
  @ApiProperty() phone!: string;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty({ type: AddressDto }) address!: AddressDto;
}

export class OrderReviewDto {
  @ApiProperty({ example: 'the bank reversed transfer FT24306000000301 (200,000 VND) that paid this order' }) reason!: string;
  @ApiProperty({ format: 'date-time' }) flaggedAt!: string;
}

export class OrderDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'DH261127-7K4M9P' }) code!: string;
  @ApiProperty({ format: 'uuid' }) checkoutId!: string;
  @ApiProperty({ format: 'uuid' }) cooperativeId!: string;
  @ApiProperty({ example: 'Hợp tác xã Cà phê Ea Kao' }) cooperativeName!: string;
  @ApiProperty({ type: [OrderItemDto] }) items!: OrderItemDto[];
  @ApiProperty({ example: 370000 }) totalVnd!: number;
  @ApiProperty({ enum: ORDER_STATUSES }) status!: string;
  @ApiProperty({ type: OrderBuyerDto }) buyer!: OrderBuyerDto;
  @ApiProperty({ type: PaymentDto }) payment!: PaymentDto;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) paidAt!: string | null;
  @ApiProperty({ type: OrderReviewDto, nullable: true, description: 'set when a person must look at the order (e.g. the bank took back the transfer that paid it)' })
  review!: OrderReviewDto | null;
}

export class CheckoutOrderDto extends OrderDto {
  @ApiProperty({ description: 'The buyer\'s secret for this order (GET /orders/:id?token= or X-Order-Token). Shown once.' })
  accessToken!: string;
}

export class CheckoutResponseDto {
  @ApiProperty({ format: 'uuid' }) checkoutId!: string;
  @ApiProperty({ type: [CheckoutOrderDto], description: 'one order per cooperative' }) orders!: CheckoutOrderDto[];
}

export class TransitionDto {
  @ApiProperty({ enum: ORDER_STATUSES, example: 'processing' })
  @IsIn(ORDER_STATUSES)
  to!: (typeof ORDER_STATUSES)[number];

  @ApiPropertyOptional({ example: 'Khách hủy qua điện thoại' })
  @Optional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class OrderListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ORDER_STATUSES })
  @IsOptional()
  @IsIn(ORDER_STATUSES)
  status?: string;
}

export class OrderPageDto {
  @ApiProperty({ type: [OrderDto] }) items!: OrderDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class OrderTokenQuery {
  @ApiPropertyOptional({ description: 'the order access token (or header X-Order-Token)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  token?: string;
}
