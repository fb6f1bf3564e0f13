import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Length, Matches } from 'class-validator';

/** Trims strings (leaves other values for the validators to reject). */
export const Trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

/** A bank account anywhere in the API: `{ bankBin, accountNumber, accountName }`. */
export class BankAccountDto {
  @ApiProperty({ example: '970436', description: 'NAPAS BIN of the bank (GET /banks)' })
  @Trim()
  @IsString()
  @Matches(/^\d{6}$/, { message: 'bankBin must be 6 digits' })
  bankBin!: string;

  @ApiProperty({ example: '1023456789', description: 'digits only (spaces, dots and dashes are removed), 6–19 digits' })
  @Trim()
  @IsString()
  @Length(6, 30)
  accountNumber!: string;

  @ApiProperty({ example: 'HTX NONG NGHIEP TAN LAP', description: 'account holder; stored uppercase without diacritics, as banks print it' })
  @Trim()
  @IsString()
  @Length(2, 100)
  accountName!: string;
}

/** Vietnamese phone numbers: 0 or +84, then 9–10 digits (mobile 0[35789]…, landline 02…). */
export const VN_PHONE = /^(?:\+84|0)(?:[35789]\d{8}|2\d{9})$/;
export const normalizePhone = () =>
  Transform(({ value }) => (typeof value === 'string' ? value.replace(/[\s.()-]/g, '') : value));
