import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type Observable, tap } from 'rxjs';
import { IMMUTABLE_CACHE_CONTROL } from './storage/s3-media-storage.js';

/**
 * `Cache-Control: public, max-age=31536000, immutable` on successful responses only. (`@Header()`
 * is applied before the handler runs, so a 404 would be cached for a year too.) Works with any
 * HTTP adapter through HttpAdapterHost.
 */
@Injectable()
export class ImmutableCacheInterceptor implements NestInterceptor {
  constructor(private readonly host: HttpAdapterHost) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const res = context.switchToHttp().getResponse();
    return next.handle().pipe(tap(() => this.host.httpAdapter.setHeader(res, 'Cache-Control', IMMUTABLE_CACHE_CONTROL)));
  }
}
