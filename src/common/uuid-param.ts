import { ParseUUIDPipe } from '@nestjs/common';
import { InvalidInput } from './errors.js';

/** `:id` path parameters must be UUIDs: anything else is a 400 naming the parameter. */
export function UuidParam(name = 'id'): ParseUUIDPipe {
  return new ParseUUIDPipe({
    version: undefined,
    exceptionFactory: () => InvalidInput.field(name, 'must be a UUID'),
  });
}
