/**
 * Domain errors: raised by pure logic and services, never HTTP exceptions.
 * One exception filter (common/http-exception.filter.ts) maps them to the SPEC error shape:
 * { statusCode, error, message, details?: [{ field, problem }] }.
 */
export interface FieldProblem {
  field: string;
  problem: string;
}

export type DomainErrorKind =
  | 'invalid' // 400
  | 'unauthorized' // 401
  | 'forbidden' // 403
  | 'not_found' // 404
  | 'conflict' // 409
  | 'too_large' // 413
  | 'unsupported_media_type' // 415
  | 'unavailable'; // 503

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    readonly details?: FieldProblem[],
    /** Stable machine-readable code, e.g. "out_of_stock", "illegal_transition". */
    readonly code?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: one or more fields are invalid. */
export class InvalidInput extends DomainError {
  constructor(details: FieldProblem[], message?: string) {
    super('invalid', message ?? details.map((d) => `${d.field}: ${d.problem}`).join('; '), details, 'invalid_input');
  }
  static field(field: string, problem: string): InvalidInput {
    return new InvalidInput([{ field, problem }]);
  }
}

export class NotFound extends DomainError {
  constructor(what: string, id?: string) {
    super('not_found', id ? `${what} ${id} not found` : `${what} not found`, undefined, 'not_found');
  }
}

export class Conflict extends DomainError {
  constructor(message: string, code = 'conflict', details?: FieldProblem[]) {
    super('conflict', message, details, code);
  }
}

export class Forbidden extends DomainError {
  constructor(message = 'You may not access this resource') {
    super('forbidden', message, undefined, 'forbidden');
  }
}

export class Unauthorized extends DomainError {
  constructor(message = 'Missing or invalid credentials') {
    super('unauthorized', message, undefined, 'unauthorized');
  }
}

/** 413: an upload is larger than accepted. */
export class PayloadTooLarge extends DomainError {
  constructor(details: FieldProblem[], code = 'payload_too_large') {
    super('too_large', details.map((d) => `${d.field}: ${d.problem}`).join('; '), details, code);
  }
}

/** 415: the content is of a type this endpoint does not take (judged by content, not by name). */
export class UnsupportedMediaType extends DomainError {
  constructor(details: FieldProblem[], code = 'unsupported_media_type') {
    super('unsupported_media_type', details.map((d) => `${d.field}: ${d.problem}`).join('; '), details, code);
  }
}

export class Unavailable extends DomainError {
  constructor(message: string) {
    super('unavailable', message, undefined, 'unavailable');
  }
}
