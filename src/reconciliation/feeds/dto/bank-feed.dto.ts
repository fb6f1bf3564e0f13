import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Length, Matches } from 'class-validator';
import { Optional } from '../../../common/dto.js';
import { FEED_PROVIDER_NAMES } from '../providers/index.js';

export class CreateBankFeedDto {
  @ApiProperty({ enum: FEED_PROVIDER_NAMES, example: 'sepay', description: 'the notification service this feed receives from' })
  @IsIn(FEED_PROVIDER_NAMES, { message: `provider must be one of ${FEED_PROVIDER_NAMES.join(', ')}` })
  provider!: string;

  @ApiProperty({ example: 'SePay – tài khoản Vietcombank', minLength: 1, maxLength: 100 })
  @IsString()
  @Length(1, 100)
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  @ApiPropertyOptional({
    description:
      'The secret the provider authenticates with, when the provider issues it (Casso\'s checksum key or "Key bảo mật", a Pay2S token). ' +
      'Omit it and the platform generates one (256 bits) to enter in the provider\'s dashboard. Shown once, in the answer.',
    minLength: 8,
    maxLength: 1024,
  })
  @Optional()
  @IsString()
  @Length(8, 1024)
  @Matches(/^[\x21-\x7e]+$/, { message: 'secret must be printable ASCII without spaces' })
  secret?: string;
}

export class BankFeedDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: FEED_PROVIDER_NAMES }) provider!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'the owner, when a cooperative' }) cooperativeId!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'the owner, when a market (its stalls\' accounts)' }) marketId!: string | null;
  @ApiProperty({ example: 'https://ocop.example.vn/webhooks/bank/4f0c…', description: 'the URL to enter in the provider\'s dashboard' }) webhookUrl!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'set on the answer to DELETE' }) deletedAt!: string | null;
}

export class CreatedBankFeedDto extends BankFeedDto {
  @ApiProperty({ description: 'The feed secret. Shown once: enter it in the provider\'s dashboard now.' })
  secret!: string;
}

export class BankFeedPageDto {
  @ApiProperty({ type: [BankFeedDto] }) items!: BankFeedDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class FeedWebhookAckDto {
  @ApiProperty({ example: true, description: 'every transaction of the call is stored (SePay and Pay2S retry unless they read this)' })
  success!: true;
}

// ── The providers' bodies, for the API docs only: each provider's strategy validates its own body
// (src/reconciliation/feeds/providers), so a field a provider adds never turns into a 400.

export class CassoTransactionDto {
  @ApiProperty({ example: 218897, description: 'Casso\'s transaction id; 0 in the dashboard\'s test call' }) id!: number;
  @ApiProperty({ example: 'FT24364030863634', description: 'the bank\'s reference' }) reference!: string;
  @ApiProperty({ example: 'OC7K4M9P2XG thanh toan don hang' }) description!: string;
  @ApiProperty({ example: 370000, description: 'VND; negative for money out' }) amount!: number;
  @ApiPropertyOptional({ example: 16775000 }) runningBalance?: number;
  @ApiProperty({ example: '2026-11-27 10:02:37', description: 'Vietnam time' }) transactionDateTime!: string;
  @ApiProperty({ example: '1023456789' }) accountNumber!: string;
  @ApiPropertyOptional({ example: 'MBBank' }) bankName?: string;
  @ApiPropertyOptional({ example: 'MBB' }) bankAbbreviation?: string;
  @ApiPropertyOptional() virtualAccountNumber?: string;
  @ApiPropertyOptional() virtualAccountName?: string;
  @ApiPropertyOptional() counterAccountName?: string;
  @ApiPropertyOptional() counterAccountNumber?: string;
  @ApiPropertyOptional() counterAccountBankId?: string;
  @ApiPropertyOptional() counterAccountBankName?: string;
}

export class CassoWebhookDto {
  @ApiProperty({ example: 0 }) error!: number;
  @ApiProperty({ type: CassoTransactionDto }) data!: CassoTransactionDto;
}

export class CassoLegacyTransactionDto {
  @ApiProperty({ example: 5789, description: 'Casso\'s transaction id; 0 in the test call' }) id!: number;
  @ApiProperty({ example: 'FT21124817208010', description: 'the bank\'s transaction code' }) tid!: string;
  @ApiProperty({ example: 'OC7K4M9P2XG chuyen tien' }) description!: string;
  @ApiProperty({ example: 370000, description: 'VND; negative for money out' }) amount!: number;
  @ApiPropertyOptional({ example: 1070904 }) cusum_balance?: number;
  @ApiProperty({ example: '2026-11-27 10:02:37', description: 'Vietnam time; a date alone reads as midnight' }) when!: string;
  @ApiProperty({ example: '1023456789', description: 'the bank account (or subAccId)' }) bank_sub_acc_id!: string;
  @ApiPropertyOptional({ example: '1023456789' }) subAccId?: string;
}

export class CassoLegacyWebhookDto {
  @ApiProperty({ example: 0 }) error!: number;
  @ApiProperty({ type: [CassoLegacyTransactionDto] }) data!: CassoLegacyTransactionDto[];
}

export class Pay2sTransactionDto {
  @ApiProperty({ example: '1788052' }) id!: string;
  @ApiProperty({ example: 'ACB' }) gateway!: string;
  @ApiProperty({ example: '2026-11-27 10:02:37', description: 'Vietnam time' }) transactionDate!: string;
  @ApiProperty({ example: '10418', description: 'the bank\'s transaction number' }) transactionNumber!: string;
  @ApiProperty({ example: '12805521' }) accountNumber!: string;
  @ApiProperty({ example: 'OC7K4M9P2XG GD 789604-040125' }) content!: string;
  @ApiProperty({ enum: ['IN', 'OUT'] }) transferType!: string;
  @ApiProperty({ example: 370000 }) transferAmount!: number;
  @ApiPropertyOptional({ description: 'not checked: Pay2S publishes no algorithm for it' }) checksum?: string;
}

export class Pay2sWebhookDto {
  @ApiProperty({ type: [Pay2sTransactionDto] }) transactions!: Pay2sTransactionDto[];
}
