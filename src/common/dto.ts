import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsArray, IsObject, IsOptional, IsString, Length, Matches, ValidateBy, ValidateIf, ValidateNested, type ValidationOptions } from 'class-validator';
import { isCalendarDay } from './dates.js';

// ── Absent, null and present (one rule for every DTO) ───────────────────────────────────────────
// A field that may be left out is @Optional(): absent means "not given" (PATCH: unchanged), and
// null is NOT a value: it goes to the validators and is refused with a 400 naming the field.
// Only a field whose stored value can be empty is @Nullable(): null means "none" (PATCH: clear it).
// The OpenAPI document derives `required` and `nullable` from these (src/common/openapi.ts), so
// what it says is what the validation does. class-validator's @IsOptional() lets null through as
// if absent; do not use it on bodies (query strings cannot hold null, so it is harmless there).

/** May be left out; null is refused (400 naming the field). */
export const Optional = () => ValidateIf((_o, v) => v !== undefined);

/** May be left out or null (null = none / clear it); documented `nullable: true`. */
export const Nullable = () => IsOptional();

/** A nested object (not an array, not a primitive) validated as `cls`. Combine with @Optional/@Nullable when it may be left out. */
export const NestedObject = (cls: () => new () => object, message?: string) =>
  applyDecorators(IsObject(message ? { message } : undefined), ValidateNested(), Type(cls));

/** An array of nested objects validated as `cls` (an item that is not an object, e.g. a nested array, is refused by index). */
export const NestedArray = (cls: () => new () => object) =>
  applyDecorators(IsArray(), IsObject({ each: true, message: ({ property }) => `each item of ${property} must be an object` }), ValidateNested({ each: true }), Type(cls));

/** Query-string integers: "12" → 12; anything else ("1.5", "0x10", "1e3", "", a repeated parameter) is left for @IsInt to refuse. */
export const QueryInt = () => Transform(({ value }) => (typeof value === 'string' && /^-?\d{1,16}$/.test(value) ? Number(value) : value));

/** A real calendar day written YYYY-MM-DD ("2026-02-31" is refused, not sent to PostgreSQL). OpenAPI: `format: date`. */
export function IsCalendarDay(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDay',
      validator: {
        validate: (v) => isCalendarDay(v),
        defaultMessage: (args) => `${args?.property} must be a calendar date written YYYY-MM-DD`,
      },
    },
    options,
  );
}

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
  @Matches(/^[0-9][0-9 .-]*$/, { message: 'accountNumber must be digits (spaces, dots and dashes between them are removed)' })
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
