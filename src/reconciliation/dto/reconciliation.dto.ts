import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsCalendarDay, Optional } from '../../common/dto.js';
import { PageQuery } from '../../common/pagination.js';
import { TEXT_ENCODINGS, type TextEncoding } from '../statements/text-stream.js';

/**
 * The bank-notification payload (SePay-style), for the API docs. Validated by the SePay feed
 * strategy (feeds/providers/sepay.ts) with unknown fields allowed: a provider adding a field must not
 * turn every delivery into a 400 it retries forever.
 */
export class BankWebhookDto {
  @ApiProperty({
    oneOf: [{ type: 'integer' }, { type: 'string' }],
    example: 92704,
    description: 'the provider\'s transaction id (with gateway: the dedup key)',
  })
  @IsNotEmpty()
  id!: number | string;

  @ApiProperty({ example: 'Vietcombank' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  gateway!: string;

  @ApiProperty({ example: '2026-11-27 10:02:37', description: 'Vietnam time (Asia/Ho_Chi_Minh) unless an offset is given' })
  @IsString()
  @MaxLength(40)
  transactionDate!: string;

  @ApiProperty({ example: '1023456789' })
  @IsString()
  @Matches(/^[0-9 .-]{4,30}$/, { message: 'accountNumber must be an account number' })
  accountNumber!: string;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  code?: string | null;

  @ApiProperty({ example: 'MBVCB.3278907687.OC7K4M9P2XG thanh toan.CT tu 0011001234567 NGUYEN VAN A' })
  @IsString()
  @MaxLength(1000)
  content!: string;

  @ApiProperty({ enum: ['in', 'out'] })
  @IsIn(['in', 'out'])
  transferType!: 'in' | 'out';

  @ApiProperty({ example: 370000 })
  @IsInt({ message: 'transferAmount must be a whole number of VND' })
  @Min(1)
  @Max(1_000_000_000_000)
  transferAmount!: number;

  @ApiPropertyOptional()
  @IsOptional()
  accumulated?: number | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  subAccount?: string | null;

  @ApiPropertyOptional({ example: 'FT26331000123456', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  referenceCode?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;
}

export class BankTransactionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'webhook' }) source!: string;
  @ApiProperty() externalId!: string;
  @ApiProperty({ nullable: true, type: String }) gateway!: string | null;
  @ApiProperty() accountNumber!: string;
  @ApiProperty({ enum: ['in', 'out'] }) direction!: string;
  @ApiProperty() amountVnd!: number;
  @ApiProperty() content!: string;
  @ApiProperty({ nullable: true, type: String }) referenceCode!: string | null;
  @ApiProperty({ format: 'date-time' }) bookedAt!: string;
  @ApiProperty({ example: '2026-11-27' }) businessDay!: string;
  @ApiProperty({ enum: ['pending', 'paid', 'underpaid', 'overpaid', 'late', 'stall_credit', 'unmatched', 'ignored', 'outgoing', 'reversal'] }) outcome!: string;
  @ApiProperty({ nullable: true, type: String }) outcomeReason!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) orderId!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) stallId!: string | null;
  @ApiProperty() amountAppliedVnd!: number;
  @ApiProperty() amountToRefundVnd!: number;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiProperty({ description: 'the bank booked this as the reversal of an earlier entry' }) reversal!: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'the transfer this reversal takes back (or gives back)' }) reversesId!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'the reversal that took this transfer back' }) reversedById!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'kept, but maybe the same transfer as this one: a person decides' })
  possibleDuplicateOf!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'why a person must look at this transfer, else null' }) reviewReason!: string | null;
}

export const TRANSFER_OUTCOMES = ['pending', 'paid', 'underpaid', 'overpaid', 'late', 'stall_credit', 'unmatched', 'ignored', 'reversal'] as const;

export class CooperativeTransferQuery extends PageQuery {
  @ApiPropertyOptional({ enum: TRANSFER_OUTCOMES, description: 'only transfers with this outcome' })
  @IsOptional()
  @IsIn(TRANSFER_OUTCOMES, { message: `outcome must be one of ${TRANSFER_OUTCOMES.join(', ')}` })
  outcome?: string;
}

export class CooperativeTransferDto extends BankTransactionDto {
  @ApiProperty({ nullable: true, type: String, example: 'DH261127-7K4M9P', description: 'the order the transfer went to' }) orderCode!: string | null;
}

export class CooperativeTransferPageDto {
  @ApiProperty({ type: [CooperativeTransferDto] }) items!: CooperativeTransferDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class LedgerLineDto {
  @ApiProperty({ example: 'buyer_refunds_owed:6f1c…', description: 'the ledger account (see GET /cooperatives/:id/balance)' }) account!: string;
  @ApiProperty({ example: 'buyer_refunds_owed', description: 'the account without its cooperative' }) accountKind!: string;
  @ApiProperty({ example: 0 }) debitVnd!: number;
  @ApiProperty({ example: 185000 }) creditVnd!: number;
}

export class LedgerJournalDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['card_payment', 'card_refund', 'vietqr_overpayment', 'vietqr_late_payment', 'vietqr_refund_owed', 'manual_match_reversal'] }) kind!: string;
  @ApiProperty({ example: 'refund', description: 'what the journal records (order, refund, bank_transaction…)' }) sourceType!: string;
  @ApiProperty() sourceId!: string;
  @ApiProperty({ nullable: true, type: String }) memo!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: [LedgerLineDto], description: 'every line of the journal (debits equal credits)' }) lines!: LedgerLineDto[];
}

export class LedgerJournalPageDto {
  @ApiProperty({ type: [LedgerJournalDto] }) items!: LedgerJournalDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class BankTransactionPageDto {
  @ApiProperty({ type: [BankTransactionDto] }) items!: BankTransactionDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class DecisionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['match', 'ignore', 'reopen'] }) action!: string;
  @ApiProperty({ nullable: true, type: String }) orderId!: string | null;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty() previousOutcome!: string;
  @ApiProperty({ description: 'API key id of who decided ("env" = ADMIN_API_KEY)' }) actorKeyId!: string;
  @ApiProperty() actorRole!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class BankTransactionDetailDto extends BankTransactionDto {
  @ApiProperty({ type: [DecisionDto], description: 'the audit trail of manual decisions' }) decisions!: DecisionDto[];
}

export class ManualMatchDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'orderId must be a UUID' })
  orderId!: string;

  @ApiPropertyOptional({ example: 'Khách ghi sai nội dung chuyển khoản, đã xác nhận qua điện thoại' })
  @Optional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class ReasonDto {
  @ApiProperty({ example: 'Tiền chuyển nhầm, đã hoàn lại ngoài hệ thống' })
  @IsString()
  @IsNotEmpty({ message: 'reason must not be empty' })
  @MaxLength(500)
  reason!: string;
}

export class UnmatchedQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'only transactions to this account' })
  @IsOptional()
  @Matches(/^\d{4,19}$/, { message: 'accountNumber must be digits' })
  accountNumber?: string;
}

export class ReportQuery {
  @ApiProperty({ example: '2026-11-27', description: 'business day (Asia/Ho_Chi_Minh)' })
  @IsCalendarDay({ message: 'date must be a calendar date written YYYY-MM-DD' })
  date!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'required for a cooperative key (its own id)' })
  @IsOptional()
  @IsUUID('all', { message: 'cooperativeId must be a UUID' })
  cooperativeId?: string;
}

export class BalanceDto {
  @ApiProperty({ format: 'uuid' }) cooperativeId!: string;
  @ApiProperty({ description: 'card money collected by the platform, owed to the cooperative' }) heldForCooperativeVnd!: number;
  @ApiProperty({ description: 'refunds, overpayments and late transfers owed back to buyers' }) owedToBuyersVnd!: number;
  @ApiProperty({ description: 'of which sits in the cooperative\'s own account (VietQR) and must be returned' }) dueFromCooperativeVnd!: number;
  @ApiProperty({ description: 'held − due: > 0 the platform pays the cooperative; < 0 the cooperative owes' }) netPayableVnd!: number;
}

export class ReportLineDto {
  @ApiProperty({ enum: ['underpaid', 'overpaid', 'late', 'unmatched', 'unpaid'] }) kind!: string;
  @ApiProperty({ nullable: true, type: String }) transactionId!: string | null;
  @ApiProperty({ nullable: true, type: String }) orderId!: string | null;
  @ApiProperty({ nullable: true, type: String }) orderCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) reference!: string | null;
  @ApiProperty() amountVnd!: number;
  @ApiProperty() reason!: string;
}

export class ReportOrdersDto {
  @ApiProperty({ type: 'integer' }) orders!: number;
  @ApiProperty({ type: 'integer' }) amountVnd!: number;
}

export class ReportTransfersDto {
  @ApiProperty({ type: 'integer' }) transactions!: number;
  @ApiProperty({ type: 'integer' }) amountVnd!: number;
}

export class ReportDto {
  @ApiProperty({ format: 'date' }) date!: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) cooperativeId!: string | null;
  @ApiProperty({ type: ReportOrdersDto, description: 'VietQR orders created that day: count and total' }) expected!: ReportOrdersDto;
  @ApiProperty({ type: ReportTransfersDto, description: 'incoming transfers booked that day' }) received!: ReportTransfersDto;
  @ApiProperty({ type: ReportTransfersDto, description: 'of which applied to orders' }) matched!: ReportTransfersDto;
  @ApiProperty({ type: [ReportLineDto] }) discrepancies!: ReportLineDto[];
}

export class StatementImportQuery {
  @ApiPropertyOptional({ description: 'the account the statement is of, when the file does not say' })
  @IsOptional()
  @Matches(/^\d{4,19}$/, { message: 'accountNumber must be digits' })
  accountNumber?: string;

  @ApiPropertyOptional({ enum: ['csv', 'camt053', 'camt054', 'mt940', 'xlsx', 'xls'], description: 'detected from the content when absent' })
  @IsOptional()
  @IsIn(['csv', 'camt053', 'camt054', 'mt940', 'xlsx', 'xls'])
  format?: string;

  @ApiPropertyOptional({
    enum: TEXT_ENCODINGS,
    description:
      'the text encoding of a CSV or MT940 file (camt too), when detection gets it wrong: UTF-8 (default; a BOM is honoured), UTF-16, ' +
      'Windows-1258 (Vietnamese), Windows-1250/1252, ISO-8859-1. Without it, a file that is not UTF-8 is read in the code page its letters point to.',
  })
  @IsOptional()
  @IsIn(TEXT_ENCODINGS, { message: `encoding must be one of ${TEXT_ENCODINGS.join(', ')}` })
  encoding?: TextEncoding;

  @ApiPropertyOptional({ description: '"true": answer when the import has finished (default: 202 at once)' })
  @IsOptional()
  @IsIn(['true', 'false'])
  wait?: string;
}

export class StatementImportDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() filename!: string;
  @ApiProperty() format!: string;
  @ApiProperty({ nullable: true, type: String }) accountNumber!: string | null;
  @ApiProperty() sha256!: string;
  @ApiProperty({ enum: ['processing', 'completed', 'failed'] }) status!: string;
  @ApiProperty() linesRead!: number;
  @ApiProperty() inserted!: number;
  @ApiProperty() duplicates!: number;
  @ApiProperty() matched!: number;
  @ApiProperty() unmatched!: number;
  @ApiProperty({ description: 'zero-amount lines (waived fees, notices): read, not stored' }) skipped!: number;
  @ApiProperty({ description: 'stored but flagged for a person: possible duplicates of a stored transfer, reversals whose credit was not found, orders a reversal took money from' })
  flagged!: number;
  @ApiProperty({ description: 'reversals the bank booked (never payments)' }) reversals!: number;
  @ApiProperty({ nullable: true, type: String, description: 'the encoding named with ?encoding=, else null (detected)' }) encoding!: string | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty({ nullable: true, type: Number }) errorLine!: number | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) finishedAt!: string | null;
}

export class WebhookAckDto {
  @ApiProperty({ example: true }) success!: boolean;
  @ApiPropertyOptional({ format: 'uuid' }) id?: string;
  @ApiPropertyOptional({ example: false }) duplicate?: boolean;
}

export const IntQuery = () => Type(() => Number);
