import { IsEmail, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { IsCalendarDay, Nullable, Optional } from './dto.js';
import { propertyRules } from './openapi-constraints.js';

class Sample {
  @IsString() @Length(2, 200) name!: string;
  @Optional() @IsString() @Matches(/^\d{2}$/) provinceCode?: string;
  @Nullable() @IsEmail() email?: string | null;
  @IsOptional() @IsUUID() legacy?: string;
  @IsInt() @Min(1) @Max(100) qty!: number;
  @IsIn([3, 4, 5]) stars!: number;
  @IsIn(['a', 'b']) kind!: string;
  @IsCalendarDay() day!: string;
  @Matches(/^x$/i) caseless!: string;
}

describe('propertyRules: what class-validator enforces, as OpenAPI keywords', () => {
  const rules = propertyRules(Sample);
  it.each([
    ['name', { optional: false, nullable: false, schema: { type: 'string', minLength: 2, maxLength: 200 } }],
    ['provinceCode', { optional: true, nullable: false, schema: { type: 'string', pattern: '^\\d{2}$' } }],
    ['email', { optional: true, nullable: true, schema: { type: 'string', format: 'email' } }],
    ['legacy', { optional: true, nullable: true, schema: { type: 'string', format: 'uuid' } }],
    ['qty', { optional: false, nullable: false, schema: { type: 'integer', minimum: 1, maximum: 100 } }],
    ['stars', { optional: false, nullable: false, schema: { type: 'integer', enum: [3, 4, 5] } }],
    ['kind', { optional: false, nullable: false, schema: { type: 'string', enum: ['a', 'b'] } }],
    ['day', { optional: false, nullable: false, schema: { type: 'string', format: 'date' } }],
    // A case-insensitive regex has no OpenAPI pattern: left out rather than said wrong.
    ['caseless', { optional: false, nullable: false, schema: { type: 'string' } }],
  ])('%s', (property, expected) => expect(rules.get(property)).toEqual(expected));
});
