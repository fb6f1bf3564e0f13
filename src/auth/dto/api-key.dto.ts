import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { ROLES } from '../principal.js';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'Kế toán HTX', description: 'a label to tell keys apart', minLength: 1, maxLength: 100 })
  @IsString()
  @Length(1, 100)
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;
}

export class ApiKeyDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) cooperativeId!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) marketId!: string | null;
  @ApiProperty({ example: 'ocop_sk_Ab3dE6gH', description: 'the first characters of the key, to tell keys apart' }) prefix!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastUsedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revokedAt!: string | null;
}

export class IssuedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ description: 'The secret API key. Shown once: store it now.', example: 'ocop_sk_…' })
  key!: string;
}

export class ApiKeyPageDto {
  @ApiProperty({ type: [ApiKeyDto] }) items!: ApiKeyDto[];
  @ApiPropertyOptional({ nullable: true, type: String }) nextCursor!: string | null;
}

export class PrincipalDto {
  @ApiProperty({ description: 'key id, or "env" for ADMIN_API_KEY' }) keyId!: string;
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiProperty({ nullable: true, type: String }) cooperativeId!: string | null;
  @ApiProperty({ type: [String] }) marketIds!: string[];
}
