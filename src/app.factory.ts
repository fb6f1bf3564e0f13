import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json, urlencoded, type NextFunction, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppModule, type AppModuleOptions } from './app.module.js';
import { ErrorResponse, FieldProblemDto } from './common/api-docs.js';
import { toErrorBody } from './common/http-exception.filter.js';
import { createValidationPipe } from './common/validation.js';
import { addFeedSecuritySchemes } from './reconciliation/feeds/feed-openapi.js';

/** Builds the whole app (the same for production, tests and benchmarks); does not listen. */
export async function createApp(opts: AppModuleOptions): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(opts), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  if (opts.config.trustProxy) app.set('trust proxy', true);
  app.disable('x-powered-by');
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          'img-src': ["'self'", 'data:', 'https:'],
          'script-src': ["'self'"],
          'connect-src': ["'self'"],
          // helmet's default upgrade-insecure-requests makes browsers fetch every asset of a page
          // served over plain http (a LAN address, a host name) as https, which fails: the pages
          // would not load. Behind TLS, HSTS and the proxy keep traffic on https.
          'upgrade-insecure-requests': null,
        },
      },
      crossOriginEmbedderPolicy: false,
    }),
  );
  // Per client IP, per instance (see README "Scaling out"). Probes and metrics are never limited.
  app.use(
    rateLimit({
      windowMs: 60_000,
      limit: opts.config.rateLimitPerMinute,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      skip: (req) => req.path.startsWith('/health/') || req.path === '/metrics',
      handler: (_req, res, _next, options) => {
        res.setHeader('Retry-After', String(Math.ceil(options.windowMs / 1000)));
        res.status(429).json({ statusCode: 429, error: 'Too Many Requests', message: 'Rate limit exceeded, retry later', code: 'rate_limited' });
      },
    }),
  );
  // Raw bytes are kept for signature checks (Stripe webhooks sign the exact body).
  app.use(
    json({
      limit: opts.config.bodyLimit,
      verify: (req, _res, buf) => {
        (req as unknown as { rawBody: Buffer }).rawBody = buf;
      },
    }),
  );
  app.use(urlencoded({ extended: false, limit: opts.config.bodyLimit }));
  // Body-parser errors (malformed JSON, 413) happen before Nest's filters: map them here.
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!err) return next();
    const { body } = toErrorBody(err);
    res.status(body.statusCode).json(body);
  });
  app.useGlobalPipes(createValidationPipe());
  setupOpenApi(app);
  return app;
}

export function setupOpenApi(app: INestApplication): void {
  const doc = SwaggerModule.createDocument(
    app,
    addFeedSecuritySchemes(new DocumentBuilder())
      .setTitle('ocop-market API')
      .setDescription(
        'Marketplace for Vietnam\'s OCOP products: catalog, VietQR checkout, bank reconciliation, 4.0 markets. ' +
          'Money is integer VND. Errors: { statusCode, error, message, details?: [{ field, problem }] }. ' +
          'Lists: ?limit= (≤100) and opaque ?cursor=, answered as { items, nextCursor }.',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'ocop_sk_…', description: 'API key' })
      .build(),
    { extraModels: [ErrorResponse, FieldProblemDto] },
  );
  SwaggerModule.setup('docs', app, doc, { jsonDocumentUrl: 'docs-json', customSiteTitle: 'ocop-market API' });
}
