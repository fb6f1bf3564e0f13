import { type ValidationError, ValidationPipe } from '@nestjs/common';
import { type FieldProblem, InvalidInput } from './errors.js';

/** Flattens class-validator errors into `{ field, problem }` with dotted paths (items.0.qty). */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const err of errors) {
    const field = parent ? `${parent}.${err.property}` : err.property;
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

/** The global pipe: whitelist, forbid unknown fields, transform; errors in the SPEC shape. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => new InvalidInput(flattenValidationErrors(errors), 'Validation failed'),
  });
}
