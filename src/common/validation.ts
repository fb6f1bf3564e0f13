import { type ArgumentMetadata, type ValidationError, ValidationPipe } from '@nestjs/common';
import { type FieldProblem, InvalidInput } from './errors.js';
import { pathOfNul } from './json-body.js';

/** Flattens class-validator errors into `{ field, problem }` with dotted paths (items.0.qty). */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const err of errors) {
    // A key that is the empty string is named as JSON writes it (""), never as an empty field.
    const property = err.property === '' ? '""' : err.property;
    const field = parent ? `${parent}.${property}` : property;
    if (err.constraints) {
      for (const [rule, msg] of Object.entries(err.constraints)) {
        // whitelist + forbidNonWhitelisted reports unknown fields with this rule.
        out.push({ field, problem: rule === 'whitelistValidation' ? 'is not an allowed field' : msg });
      }
    }
    if (err.children?.length) out.push(...flattenValidationErrors(err.children, field));
  }
  return out;
}

/**
 * Query strings and form bodies can carry NUL (`%00`), which PostgreSQL text cannot hold: refused
 * here for every route, before any DTO or handler sees the value (JSON bodies: src/common/json-body.ts).
 */
class AppValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'query' || metadata.type === 'body' || metadata.type === 'param') {
      const at = pathOfNul(value, metadata.data ?? '');
      if (at !== null) throw InvalidInput.field(at || metadata.type, 'must not contain NUL characters');
    }
    return super.transform(value, metadata);
  }
}

/** The global pipe: whitelist, forbid unknown fields, transform; errors in the SPEC shape. */
export function createValidationPipe(): ValidationPipe {
  return new AppValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => new InvalidInput(flattenValidationErrors(errors), 'Validation failed'),
  });
}
