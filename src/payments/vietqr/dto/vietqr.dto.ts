import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsOptional, registerDecorator, type ValidationArguments } from 'class-validator';
import { QueryInt, Trim } from '../../../common/dto.js';
import { InvalidInput } from '../../../common/errors.js';
import { QR_DEFAULT_SCALE, QR_MAX_SCALE } from '../qr-image.js';
import { VIETQR_LIMITS, type VietQrInput, type VietQrService, encodeVietQr } from '../vietqr.js';

/** EMVCo MPM payloads are at most 512 characters. */
export const EMVCO_MAX_LENGTH = 512;
export const VIETQR_SERVICES: VietQrService[] = ['QRIBFTTA', 'QRIBFTTC'];

/**
 * The problem the VietQR codec finds with one field, judged on its own (the other fields replaced
 * by valid values; the account is judged against the requested service). Keeps the DTO and the
 * codec on one set of rules and one wording.
 */
function vietQrFieldProblem(field: keyof VietQrInput, value: unknown, object: Record<string, unknown>): string | undefined {
  const service: VietQrService = object.service === 'QRIBFTTC' ? 'QRIBFTTC' : 'QRIBFTTA';
  const probe = {
    bankBin: '970436',
    accountNumber: service === 'QRIBFTTC' ? '9704360000000000' : '0000000000',
    service,
    [field]: value,
  } as VietQrInput;
  try {
    encodeVietQr(probe);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidInput) return error.details?.find((d) => d.field === field)?.problem;
    throw error;
  }
}

/** Validates a property with the VietQR codec's own rule for that field. */
function IsVietQrField(field: keyof VietQrInput): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isVietQrField',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        // A missing required field is reported once, by @IsDefined.
        validate: (value: unknown, args: ValidationArguments) =>
          value === undefined || vietQrFieldProblem(field, value, args.object as Record<string, unknown>) === undefined,
        defaultMessage: (args: ValidationArguments) =>
          vietQrFieldProblem(field, args.value, args.object as Record<string, unknown>) ?? `${field} is invalid`,
      },
    });
  };
}

/** A string of min..max characters, reported as one problem (class-validator would name the field twice). */
function IsTextOfLength(min: number, max: number): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isTextOfLength',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown) => typeof value === 'string' && value.length >= min && value.length <= max,
        defaultMessage: (args: ValidationArguments) =>
          args.value === undefined || args.value === null
            ? `${args.property} is required`
            : typeof args.value !== 'string'
              ? `${args.property} must be a string`
              : `${args.property} must have ${min} to ${max} characters, has ${args.value.length}`,
      },
    });
  };
}

/** A whole number in min..max (query strings are converted first), reported as one problem. */
function IsWholeNumberIn(min: number, max: number): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isWholeNumberIn',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max,
        defaultMessage: (args: ValidationArguments) => `${args.property} must be a whole number from ${min} to ${max}`,
      },
    });
  };
}

export class DecodeVietQrDto {
  @ApiProperty({
    description: 'An EMVCo merchant-presented QR payload, as read from the code (surrounding whitespace is ignored)',
    example: '00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA530370454061200005802VN62170813ung ho lu lut6304C15C',
    maxLength: EMVCO_MAX_LENGTH,
  })
  @Trim()
  @IsTextOfLength(1, EMVCO_MAX_LENGTH)
  payload!: string;
}

export class EncodeVietQrDto {
  @ApiProperty({ example: '970436', description: 'NAPAS BIN of the beneficiary bank, 6 digits (GET /banks)', pattern: '^\\d{6}$' })
  @IsDefined({ message: 'bankBin is required' })
  @IsVietQrField('bankBin')
  bankBin!: string;

  @ApiProperty({
    example: '1023456789',
    description: 'account number: 1–19 letters or digits, no spaces or punctuation; with service QRIBFTTC a card number of 16–19 digits',
    maxLength: VIETQR_LIMITS.accountMaxLength,
  })
  @IsDefined({ message: 'accountNumber is required' })
  @IsVietQrField('accountNumber')
  accountNumber!: string;

  @ApiPropertyOptional({
    example: 1943000,
    description: 'whole VND; present → dynamic QR (the banking app fills in the amount), absent → static QR',
    minimum: 1,
    maximum: VIETQR_LIMITS.amountMaxVnd,
    type: 'integer',
  })
  @IsOptional()
  @IsVietQrField('amountVnd')
  amountVnd?: number;

  @ApiPropertyOptional({
    example: 'OCOP7K3M9Q',
    description: 'transfer memo (purpose of transaction, tag 62.08): 1–25 ASCII letters, digits and spaces, no diacritics',
    maxLength: VIETQR_LIMITS.purposeMaxLength,
  })
  @IsOptional()
  @IsVietQrField('purpose')
  purpose?: string;

  @ApiPropertyOptional({ example: 'HTX CHE TAN CUONG', description: 'printable ASCII, 1–25 characters', maxLength: VIETQR_LIMITS.merchantNameMaxLength })
  @IsOptional()
  @IsVietQrField('merchantName')
  merchantName?: string;

  @ApiPropertyOptional({ example: 'THAI NGUYEN', description: 'printable ASCII, 1–15 characters', maxLength: VIETQR_LIMITS.merchantCityMaxLength })
  @IsOptional()
  @IsVietQrField('merchantCity')
  merchantCity?: string;

  @ApiPropertyOptional({ enum: VIETQR_SERVICES, default: 'QRIBFTTA', description: 'QRIBFTTA transfer to an account, QRIBFTTC to a card number' })
  @IsOptional()
  @IsIn(VIETQR_SERVICES, { message: 'service must be QRIBFTTA (to account) or QRIBFTTC (to card)' })
  service?: VietQrService;
}

export class EncodedVietQrDto {
  @ApiProperty({ example: '00020101021238570010A00000072701270006970436011010234567890208QRIBFTTA5303704540719430005802VN62140810OCOP7K3M9Q6304XXXX' })
  payload!: string;

  @ApiProperty({ example: 'http://localhost:3000/vietqr/qr.png?payload=000201…', description: 'PNG of the payload (GET /vietqr/qr.png)' })
  qrImageUrl!: string;
}

export class QrImageQuery {
  @ApiProperty({ description: 'a valid VietQR payload (CRC checked), URL-encoded', maxLength: EMVCO_MAX_LENGTH })
  @IsTextOfLength(1, EMVCO_MAX_LENGTH)
  payload!: string;

  @ApiPropertyOptional({ description: 'PNG only: pixels per module', minimum: 1, maximum: QR_MAX_SCALE, default: QR_DEFAULT_SCALE, type: 'integer' })
  @IsOptional()
  @QueryInt()
  @IsWholeNumberIn(1, QR_MAX_SCALE)
  scale?: number;
}

export class QrSvgQuery {
  @ApiProperty({ description: 'a valid VietQR payload (CRC checked), URL-encoded', maxLength: EMVCO_MAX_LENGTH })
  @IsTextOfLength(1, EMVCO_MAX_LENGTH)
  payload!: string;
}

export class TlvNodeDto {
  @ApiProperty({ example: '38', description: 'data object id (2 digits)' }) id!: string;
  @ApiProperty({ example: '0010A000000727…', description: 'raw value' }) value!: string;
  @ApiPropertyOptional({ type: () => [TlvNodeDto], description: 'nested data objects of a template (26–51, 62, 64; 38.01 expanded)' })
  children?: TlvNodeDto[];
}

/** What `decodeVietQr` reports (see src/payments/vietqr/vietqr.ts). Optional fields are absent when the payload lacks them. */
export class VietQrDecodedDto {
  @ApiProperty({ example: '01', description: 'tag 00' }) payloadFormat!: string;
  @ApiProperty({ enum: ['static', 'dynamic'], description: 'tag 01: 11 static (no amount), 12 dynamic' }) initiationMethod!: 'static' | 'dynamic';
  @ApiProperty({ example: 'A000000727', description: 'tag 38.00, NAPAS' }) guid!: string;
  @ApiProperty({ example: '970415', description: 'tag 38.01.00' }) bankBin!: string;
  @ApiProperty({ example: '0011001932418', description: 'tag 38.01.01: account, card number or merchant id' }) accountNumber!: string;
  @ApiPropertyOptional({ example: 'QRIBFTTA', description: 'tag 38.02' }) serviceCode?: string;
  @ApiPropertyOptional({ example: '5812', description: 'tag 52' }) merchantCategoryCode?: string;
  @ApiPropertyOptional({ example: 120000, type: 'integer', description: 'tag 54, whole VND' }) amountVnd?: number;
  @ApiProperty({ example: '704', description: 'tag 53' }) currency!: string;
  @ApiProperty({ example: 'VN', description: 'tag 58' }) country!: string;
  @ApiPropertyOptional({ description: 'tag 59' }) merchantName?: string;
  @ApiPropertyOptional({ description: 'tag 60' }) merchantCity?: string;
  @ApiPropertyOptional({ example: 'ung ho lu lut', description: 'tag 62.08, the transfer memo' }) purpose?: string;
  @ApiPropertyOptional({ description: 'tag 62.01' }) billNumber?: string;
  @ApiPropertyOptional({ description: 'tag 62.05' }) referenceLabel?: string;
  @ApiPropertyOptional({ description: 'tag 62.07' }) terminal?: string;
  @ApiProperty({ example: 'C15C', description: 'tag 63, CRC-16/CCITT-FALSE, verified' }) crc!: string;
  @ApiProperty({ type: [TlvNodeDto], description: 'raw data objects in payload order' }) tags!: TlvNodeDto[];
}
