import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { Optional } from '../../common/dto.js';
import { PageQuery } from '../../common/pagination.js';

export class CreateRefundDto {
  @ApiPropertyOptional({ example: 185000, description: 'whole VND; default: everything refundable' })
  @Optional()
  @IsInt({ message: 'amountVnd must be a whole number of VND' })
  @Min(1)
  @Max(1_000_000_000_000)
  amountVnd?: number;

  @ApiProperty({ example: 'Sản phẩm hết hàng sau khi khách đã thanh toán' })
  @IsString()
  @MaxLength(500)
  reason!: string;
}

export class RefundDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) orderId!: string;
  @ApiProperty({ enum: ['card', 'bank_transfer'] }) method!: string;
  @ApiProperty({ enum: ['pending', 'succeeded', 'failed', 'owed'], description: 'owed: to be paid back by bank transfer' }) status!: string;
  @ApiProperty() amountVnd!: number;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty({ nullable: true, type: String }) stripeRefundId!: string | null;
  @ApiProperty({ enum: ['pending_payment', 'paid', 'processing', 'shipped', 'completed', 'expired', 'cancelled', 'refunded'] }) orderStatus!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export const REFUND_STATUSES = ['pending', 'succeeded', 'failed', 'owed'] as const;

export class RefundListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: REFUND_STATUSES, description: 'owed: VietQR refunds the cooperative still has to pay back by bank transfer' })
  @Optional()
  @IsIn(REFUND_STATUSES, { message: `status must be one of ${REFUND_STATUSES.join(', ')}` })
  status?: string;
}

export class CooperativeRefundDto extends RefundDto {
  @ApiProperty({ example: 'DH261127-7K4M9P' }) orderCode!: string;
  @ApiProperty({ example: 'Nguyễn Thị Lan', description: 'who is owed the money' }) buyerName!: string;
  @ApiProperty({ example: '0987654321' }) buyerPhone!: string;
}

export class CooperativeRefundPageDto {
  @ApiProperty({ type: [CooperativeRefundDto] }) items!: CooperativeRefundDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
