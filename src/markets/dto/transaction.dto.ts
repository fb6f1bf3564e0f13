import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, Min } from 'class-validator';
import { IsCalendarDay } from '../../common/dto.js';
import { MAX_VND } from '../../common/money.js';
import { PageQuery } from '../../common/pagination.js';
import { STALL_TXN_METHODS } from '../stall-transactions.sql.js';
import { FiguresDto } from './stats.dto.js';

/** An instant with its offset: 2026-03-01T23:30:00+07:00 or 2026-03-01T16:30:00Z. */
const WITH_ZONE = /(?:Z|[+-]\d{2}:?\d{2})$/i;

export class CreateStallTransactionDto {
  @ApiProperty({ format: 'uuid', description: 'a stall of this market' })
  @IsUUID('all', { message: 'stallId must be a UUID' })
  stallId!: string;

  @ApiProperty({ example: 45000, description: 'whole VND, > 0', minimum: 1, maximum: MAX_VND })
  @IsInt({ message: 'amountVnd must be a whole number of VND' })
  @Min(1)
  @Max(MAX_VND)
  amountVnd!: number;

  @ApiProperty({ enum: STALL_TXN_METHODS, description: 'qr (VietQR transfer), card, or cash' })
  @IsIn(STALL_TXN_METHODS)
  method!: string;

  @ApiProperty({
    example: '2026-03-01T16:30:00Z',
    description: 'when the sale happened: ISO-8601 with Z or an offset; at most 5 minutes in the future. Counted on its Asia/Ho_Chi_Minh day.',
  })
  @IsString()
  @IsISO8601({ strict: true }, { message: 'occurredAt must be an ISO-8601 date-time' })
  @Matches(WITH_ZONE, { message: 'occurredAt must end with Z or an offset such as +07:00' })
  occurredAt!: string;
}

export class StallTransactionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) marketId!: string;
  @ApiProperty({ format: 'uuid' }) stallId!: string;
  @ApiProperty({ example: 45000 }) amountVnd!: number;
  @ApiProperty({ enum: STALL_TXN_METHODS }) method!: string;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ example: '2026-03-01', description: 'Asia/Ho_Chi_Minh calendar day of occurredAt' }) businessDay!: string;
  @ApiProperty({ enum: ['api', 'csv', 'bank', 'seed'], description: 'how it was recorded' }) source!: string;
  @ApiProperty({ nullable: true, type: String, description: 'bank credits only' }) bankTransactionId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class StallTransactionPageDto {
  @ApiProperty({ type: [StallTransactionDto] }) items!: StallTransactionDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class TransactionListQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'stallId must be a UUID' })
  stallId?: string;

  @ApiPropertyOptional({ enum: STALL_TXN_METHODS })
  @IsOptional()
  @IsIn(STALL_TXN_METHODS)
  method?: string;

  @ApiPropertyOptional({ example: '2026-03-01', description: 'first Asia/Ho_Chi_Minh day (inclusive)' })
  @IsOptional()
  @IsCalendarDay({ message: 'from must be a calendar date written YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-03-31', description: 'last Asia/Ho_Chi_Minh day (inclusive)' })
  @IsOptional()
  @IsCalendarDay({ message: 'to must be a calendar date written YYYY-MM-DD' })
  to?: string;
}

export class TransactionBatchResultDto {
  @ApiProperty({ example: 1250, description: 'rows recorded (all of them: a batch is all or nothing)' }) imported!: number;
  @ApiProperty({ example: '2026-03-01', nullable: true, type: String, description: 'first business day in the file' }) firstDay!: string | null;
  @ApiProperty({ example: '2026-03-31', nullable: true, type: String, description: 'last business day in the file' }) lastDay!: string | null;
  @ApiProperty({ type: FiguresDto, description: 'what the file added' }) totals!: FiguresDto;
}
