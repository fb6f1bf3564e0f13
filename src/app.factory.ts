import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import { HttpException, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { type FastifyInstance, type FastifyRequest, LogController } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Logger as Pino } from 'pino';
import { AppModule, type AppModuleOptions } from './app.module.js';
import './common/http.js';
import { parseJsonBody } from './common/json-body.js';
import { createOpenApiDocument, type OpenApiOptions } from './common/openapi.js';
import { createRootLogger, PinoNestLogger } from './common/logging.js';
import { API_HEADERS, PAGE_HEADERS } from './common/security-headers.js';
import { createValidationPipe } from './common/validation.js';
import { parseByteSize } from './config/config.js';
import { MetricsService } from './health/metrics.service.js';
import { webDistDir } from './web/web-bundle.js';

export type App = NestFastifyApplication;

/** Largest multipart upload (statement files); each route sets its own lower limit. */
export const MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;

/** Request paths that are never rate limited nor logged per request. */
const PROBES = new Set(['/health/live', '/health/ready', '/metrics']);

function requestId(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
}

/** Order tokens never reach the logs: `?token=` is masked. */
const maskUrl = (url: string) => (url.includes('token=') ? url.replace(/([?&]token=)[^&]*/g, '$1[redacted]') : url);

/**
 * Builds the whole app (the same for production, tests and benchmarks); does not listen.
 *
 * HTTP runs on Fastify (NestJS's officially supported adapter): measured on this machine, a NestJS
 * route answered 0.22 of a bare node:http server's rate on Express and 0.85 on Fastify (bench/RESULTS.md).
 * Everything that runs for every request is set up here, once: the JSON parser (raw bytes kept for
 * signature checks, nesting depth limited), security headers, the rate limit, one log line and the
 * metrics per request.
 */
export async function createApp(opts: AppModuleOptions & { logger?: Pino }): Promise<App> {
  const { config } = opts;
  const log = opts.logger ?? createRootLogger({ level: config.logLevel, format: config.logFormat });
  const bodyLimit = parseByteSize(config.bodyLimit);
  const adapter = new FastifyAdapter({
    loggerInstance: log,
    // One line per request, written by the onResponse hook below.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: config.trustProxy,
    bodyLimit,
    genReqId: requestId,
    // Slow clients (README "Configuration"): a client gets headersTimeout to send its headers and
    // requestTimeout for the whole request; idle keep-alive sockets close after keepAliveTimeout,
    // which must exceed the idle timeout of a load balancer in front (60 s on most).
    http: { headersTimeout: config.headersTimeoutMs, connectionsCheckingInterval: Math.min(1000, config.headersTimeoutMs) } as never,
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    routerOptions: { maxParamLength: 200 },
  });
  const app = await NestFactory.create<App>(AppModule.forRoot(opts), adapter, {
    logger: new PinoNestLogger(log),
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;

  // JSON bodies: one parser for every route (src/common/json-body.ts); raw bytes kept for
  // signature checks (Stripe signs the exact body).
  const json = (req: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
    req.rawBody = body as Buffer;
    try {
      done(null, parseJsonBody(body));
    } catch (e) {
      done(e as Error, undefined);
    }
  };
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, json);
  fastify.addContentTypeParser(/^application\/[\w.+-]+\+json$/, { parseAs: 'buffer', bodyLimit }, json);
  // Errors raised before a route handler runs (body parser, size limits, multipart, rate limit)
  // reach Nest's error handler, hence the global AllExceptionsFilter (toErrorBody).

  const metrics = app.get(MetricsService);
  fastify.addHook('onRequest', (req, reply, done) => {
    // API answers get the short API set; the interactive docs are pages (the web pages set their own).
    void reply.headers(req.url.startsWith('/docs') ? PAGE_HEADERS : API_HEADERS).header('x-request-id', req.id);
    done();
  });
  // One line and one metrics sample per request, after the answer has gone out.
  fastify.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    metrics.observe(req.method, route, status, reply.elapsedTime / 1000);
    if (!PROBES.has(route)) {
      const line = { reqId: req.id, req: { method: req.method, url: maskUrl(req.url) }, res: { statusCode: status }, responseTime: Math.round(reply.elapsedTime * 10) / 10 };
      if (status >= 500) log.error(line, 'request failed');
      else if (status >= 400) log.warn(line, 'request refused');
      else log.info(line, 'request completed');
    }
    done();
  });

  // Per client IP, per instance (see README "Scaling out"). Probes and metrics are never limited:
  // their routes say `rateLimit: false` (HealthController), so the hook is not even added to them.
  await app.register(rateLimit as never, {
    global: true,
    max: config.rateLimitPerMinute,
    timeWindow: 60_000,
    enableDraftSpec: true,
    errorResponseBuilder: () => new HttpException({ message: 'Rate limit exceeded, retry later', code: 'rate_limited' }, 429),
  });
  // Form bodies: SePay webhooks can be set to send application/x-www-form-urlencoded.
  await app.register(formbody as never, { bodyLimit });
  await app.register(multipart as never, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 20, parts: 21, headerPairs: 100 } });
  // reply.sendFile for the web pages (WebController); the folder may not exist until `npm run build:web`.
  await app.register(fastifyStatic as never, { root: webDistDir(), serve: false, wildcard: false });

  app.useGlobalPipes(createValidationPipe());
  setupOpenApi(app, { publicBaseUrl: config.publicBaseUrl });
  return app;
}

export function setupOpenApi(app: INestApplication, opts: OpenApiOptions): void {
  SwaggerModule.setup('docs', app, createOpenApiDocument(app, opts), { jsonDocumentUrl: 'docs-json', customSiteTitle: 'ocop-market API' });
}
