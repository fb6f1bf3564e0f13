import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
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

/**
 * The connection closed while the request body was being read: the client gave up, or was cut off
 * by HTTP_REQUEST_TIMEOUT_SECONDS (Node resets the request, ECONNRESET "aborted", and Fastify's
 * body reader passes it on). The client's doing, not the app's: a 400 nobody receives, logged as a
 * warning by the filter, never an "unhandled error".
 */
export function isBodyCutOff(exception: unknown): boolean {
  // Not `instanceof Error`: Node's own errors may come from another realm (Jest's module sandbox).
  const e = exception as { code?: unknown; message?: unknown } | null;
  return typeof e === 'object' && e !== null && e.code === 'ECONNRESET' && e.message === 'aborted';
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
    const code = typeof res === 'object' && typeof (res as { code?: unknown }).code === 'string' ? (res as { code: string }).code : undefined;
    return { body: { statusCode: status, error: reason(status), message, ...(code ? { code } : {}) }, unexpected: false };
  }
  const e = exception as { code?: string; statusCode?: number; message?: string };
  if (isBodyCutOff(exception)) {
    return {
      body: { statusCode: 400, error: 'Bad Request', message: 'The request was cut off before its body was complete', details: [{ field: 'body', problem: 'was cut off before it was complete' }] },
      unexpected: false,
    };
  }
  // Errors Fastify raises before any handler runs (body size, content type, multipart limits).
  if (e && typeof e.code === 'string' && e.code.startsWith('FST_') && typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const known = FASTIFY_ERRORS[e.code];
    const status = known?.status ?? e.statusCode;
    return {
      body: { statusCode: status, error: reason(status), message: known?.message ?? e.message ?? 'Bad request', ...(known?.field ? { details: [{ field: known.field, problem: known.problem! }] } : {}) },
      unexpected: false,
    };
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

/** Fastify's request errors, in words a client can act on. */
const FASTIFY_ERRORS: Record<string, { status?: number; message: string; field?: string; problem?: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, message: 'Request body exceeds the size limit (BODY_LIMIT)' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, message: 'Unsupported Content-Type: send application/json (or multipart/form-data where a route takes a file)' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { message: 'Content-Length does not match the body', field: 'body', problem: 'is shorter or longer than Content-Length' },
  FST_REQ_FILE_TOO_LARGE: { status: 413, message: 'The uploaded file exceeds the size limit', field: 'file', problem: 'is too large' },
  FST_FILES_LIMIT: { status: 413, message: 'Send one file per request', field: 'file', problem: 'only one file is accepted' },
  FST_FIELDS_LIMIT: { status: 413, message: 'Too many form fields' },
  FST_PARTS_LIMIT: { status: 413, message: 'Too many multipart parts' },
  FST_MP_PREMATURE_CLOSE: { status: 400, message: 'The upload ended before the multipart body was complete', field: 'file', problem: 'the upload was cut off' },
  FST_INVALID_MULTIPART_CONTENT_TYPE: { status: 400, message: 'Send the file as multipart/form-data', field: 'file', problem: 'is required as multipart/form-data' },
};

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const req = ctx.getRequest<FastifyRequest>();
    const { body, unexpected } = toErrorBody(exception);
    if (unexpected) {
      this.logger.error({ err: exception, path: req?.url }, 'unhandled error');
    } else if (isBodyCutOff(exception)) {
      // The answer reaches no one, and the request line is written only once an answer went out.
      this.logger.warn({ reqId: req?.id, req: { method: req?.method, route: req?.routeOptions?.url } }, 'request body cut off: the connection closed before it was complete');
    }
    if (reply.sent) return;
    // An image or PDF route may have set its own headers before failing: errors are always JSON.
    for (const h of ['content-disposition', 'etag', 'cache-control', 'content-length']) reply.removeHeader(h);
    void reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}
