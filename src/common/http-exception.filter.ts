import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { DomainError, type DomainErrorKind, type FieldProblem } from './errors.js';

const STATUS: Record<DomainErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  unavailable: 503,
};

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code?: string;
  details?: FieldProblem[];
}

function reason(status: number): string {
  const name = HttpStatus[status] as string | undefined;
  return name ? name.split('_').map((w) => w[0] + w.slice(1).toLowerCase()).join(' ') : 'Error';
}

/** Maps every error to the SPEC shape `{ statusCode, error, message, details? }`. Unknown → 500, logged. */
export function toErrorBody(exception: unknown): { body: ErrorBody; unexpected: boolean } {
  if (exception instanceof DomainError) {
    const status = STATUS[exception.kind];
    return {
      body: { statusCode: status, error: reason(status), message: exception.message, code: exception.code, details: exception.details },
      unexpected: false,
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const res = exception.getResponse();
    const message = typeof res === 'string' ? res : Array.isArray((res as { message?: unknown }).message)
      ? ((res as { message: string[] }).message).join('; ')
      : String((res as { message?: unknown }).message ?? exception.message);
    return { body: { statusCode: status, error: reason(status), message }, unexpected: false };
  }
  // Errors thrown by body-parser before any handler runs.
  const e = exception as { type?: string; status?: number; message?: string; limit?: number };
  if (e && e.type === 'entity.too.large') {
    return { body: { statusCode: 413, error: 'Payload Too Large', message: `Request body exceeds the limit of ${e.limit} bytes` }, unexpected: false };
  }
  if (e && e.type === 'entity.parse.failed') {
    return { body: { statusCode: 400, error: 'Bad Request', message: 'Malformed JSON body', details: [{ field: 'body', problem: 'is not valid JSON' }] }, unexpected: false };
  }
  if (e && typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.type) {
    return { body: { statusCode: e.status, error: reason(e.status), message: e.message ?? 'Bad request' }, unexpected: false };
  }
  if (exception instanceof QueryFailedError) {
    const code = (exception as QueryFailedError & { driverError?: { code?: string } }).driverError?.code;
    // Last line of defence: services should have raised a domain error already.
    if (code === '23505') return { body: { statusCode: 409, error: 'Conflict', message: 'Duplicate value', code: 'duplicate' }, unexpected: true };
    if (code === '40001' || code === '40P01') {
      return { body: { statusCode: 503, error: 'Service Unavailable', message: 'Concurrent update, retry', code: 'retry' }, unexpected: true };
    }
  }
  return { body: { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' }, unexpected: true };
}

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    const { body, unexpected } = toErrorBody(exception);
    if (unexpected) {
      this.logger.error({ err: exception, path: req?.url }, 'unhandled error');
    }
    if (res.headersSent) return;
    res.status(body.statusCode).json(body);
  }
}
