import { applyDecorators } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldProblemDto {
  @ApiProperty({ example: 'items.0.qty' }) field!: string;
  @ApiProperty({ example: 'qty must not be less than 1' }) problem!: string;
}

/** The error shape of every endpoint (SPEC "Conventions"). */
export class ErrorResponse {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'Bad Request' }) error!: string;
  @ApiProperty({ example: 'Validation failed' }) message!: string;
  @ApiPropertyOptional({ example: 'invalid_input', description: 'stable machine-readable code' }) code?: string;
  @ApiPropertyOptional({ type: [FieldProblemDto] }) details?: FieldProblemDto[];
}

export const ApiInvalid = () => ApiBadRequestResponse({ description: 'Invalid input; every invalid field named in details', type: ErrorResponse });
export const ApiMissing = () => ApiNotFoundResponse({ description: 'Not found', type: ErrorResponse });
export const ApiConflict = (description = 'Conflict with the current state') => ApiConflictResponse({ description, type: ErrorResponse });
export const ApiErrors = (...decorators: MethodDecorator[]) => applyDecorators(...decorators);
