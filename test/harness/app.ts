import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import type { Writable } from 'node:stream';
import request from 'supertest';

import { type App, createApp } from '../../src/app.factory.js';
import { generateApiKey } from '../../src/auth/api-key-secret.js';
import { Clock } from '../../src/common/clock.js';
import { createRootLogger } from '../../src/common/logging.js';
import { servedOpenApiDocument } from '../../src/common/openapi.js';
import { loadConfig } from '../../src/config/config.js';
import { runMigrations } from '../../src/database/data-source.js';
import { TEMPLATE_DB, withDatabase } from './db-url.js';
import { OpenApiValidator } from './openapi-validator.js';

export interface TestApp {
  app: App;
  http: ReturnType<typeof request>;
  /** Direct access to this test file's database, to assert what it holds. */
  db: Pool;
  databaseUrl: string;
  adminKey: string;
  /** DATA_DIR of this app (product photos on disk), shared with an instance on the same database. */
  dataDir: string;
  /** The app's own OpenAPI document (/docs-json), which every answer in this file is checked against. */
  openapi: OpenApiValidator;
  /** Answers that disagreed with the OpenAPI document so far; `close()` fails the file when any did. */
  openapiViolations: string[];
  close(): Promise<void>;
}

/**
 * Boots the real app (the production module) on a fresh database cloned from the migrated template.
 * `env` overrides configuration variables; `clock` replaces the system clock; `log` receives the
 * app's log output (built as the app builds it, from LOG_LEVEL and LOG_FORMAT; see ./logs.ts),
 * which otherwise goes nowhere (LOG_LEVEL=silent unless `env` sets it).
 */
export async function createTestApp(
  opts: { env?: Record<string, string>; clock?: Clock; sameDatabaseAs?: TestApp; log?: Writable } = {},
): Promise<TestApp> {
  const adminUrl = process.env.OCOP_TEST_ADMIN_URL;
  if (!adminUrl) throw new Error('OCOP_TEST_ADMIN_URL unset: run e2e tests through jest (globalSetup)');
  // A second instance of the app on another test's database (several instances, one PostgreSQL).
  const shared = opts.sameDatabaseAs;
  const dbName = shared ? null : `ocop_t_${randomBytes(6).toString('hex')}`;
  if (dbName) {
    await ensureTemplate(adminUrl);
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${dbName} TEMPLATE ${TEMPLATE_DB}`);
    } finally {
      await admin.end();
    }
  }
  const databaseUrl = shared ? shared.databaseUrl : withDatabase(adminUrl, dbName!);
  const adminKey = shared ? shared.adminKey : generateApiKey();
  // Files the app writes (product photos under DATA_DIR/media) go to a folder of this test file.
  const dataDir = shared ? shared.dataDir : mkdtempSync(join(tmpdir(), 'ocop-test-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    ADMIN_API_KEY: adminKey,
    RATE_LIMIT_PER_MINUTE: '100000',
    SEED_DEMO: 'false',
    DB_POOL_MAX: '20',
    ORDER_EXPIRY_SWEEP_SECONDS: '0',
    // Lists straight from the database (stock levels in lists are exact); test/catalog-cache.e2e-spec.ts tests the cache.
    CATALOG_CACHE_SECONDS: '0',
    ...opts.env,
  });
  const logger = opts.log ? createRootLogger({ level: config.logLevel, format: config.logFormat, destination: opts.log }) : undefined;
  const app = await createApp({ config, databaseUrl, clock: opts.clock, logger });
  const violations: string[] = [];
  let validator: OpenApiValidator | undefined;
  checkAnswersAgainstOpenApi(app, () => validator, violations);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  // The object /docs-json serves (fetching it would count against a test's rate limit).
  validator = new OpenApiValidator(JSON.parse(JSON.stringify(servedOpenApiDocument(app))));
  const db = new Pool({ connectionString: databaseUrl, max: 4 });
  return {
    app,
    http: request(app.getHttpServer()),
    db,
    databaseUrl,
    adminKey,
    dataDir,
    openapi: validator,
    openapiViolations: violations,
    async close() {
      await db.end();
      await app.close();
      if (dbName) {
        rmSync(dataDir, { recursive: true, force: true });
        const c = new Client({ connectionString: adminUrl });
        await c.connect();
        try {
          await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
        } finally {
          await c.end();
        }
      }
      if (violations.length) {
        throw new Error(`${violations.length} answer(s) disagree with the OpenAPI document (/docs-json):\n- ${[...new Set(violations)].join('\n- ')}`);
      }
    },
  };
}

/**
 * Every answer the app gives in an e2e test is checked against its OpenAPI document (status
 * documented for the operation, content type documented, JSON body matching the schema): a Fastify
 * onSend hook, registered only here, records disagreements, and `close()` fails the test file.
 */
function checkAnswersAgainstOpenApi(app: App, validator: () => OpenApiValidator | undefined, violations: string[]): void {
  app.getHttpAdapter().getInstance().addHook('onSend', (req, reply, payload, done) => {
    const v = validator();
    const route = req.routeOptions.url;
    if (v && route && req.method !== 'HEAD') {
      const contentType = String(reply.getHeader('content-type') ?? '');
      let body: unknown;
      if (/^application\/json/i.test(contentType) && (typeof payload === 'string' || Buffer.isBuffer(payload))) {
        try {
          body = JSON.parse(payload.toString());
        } catch {
          body = payload.toString();
        }
      } else if (payload !== undefined && payload !== null && payload !== '') body = '(not JSON)';
      const problems = v.check({ method: req.method, route, status: reply.statusCode, contentType, body });
      if (problems.length) {
        violations.push(...problems);
        console.error(`OpenAPI disagreement: ${problems.join('; ')}`);
      }
    }
    done(null, payload);
  });
}

/** The first test file (in any worker) migrates the template once; the others wait on the lock. */
async function ensureTemplate(adminUrl: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock(7710002)');
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [TEMPLATE_DB]);
    if (!exists.rowCount) {
      await admin.query(`CREATE DATABASE ${TEMPLATE_DB}_build`);
      await runMigrations(withDatabase(adminUrl, `${TEMPLATE_DB}_build`));
      await admin.query(`ALTER DATABASE ${TEMPLATE_DB}_build RENAME TO ${TEMPLATE_DB}`);
    }
  } finally {
    await admin.query('SELECT pg_advisory_unlock(7710002)').catch(() => undefined);
    await admin.end();
  }
}

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

/** supertest parser for binary bodies (PNG, PDF): `.buffer(true).parse(binaryBody)` gives a Buffer. */
export function binaryBody(res: { on(event: string, fn: (chunk?: Buffer) => void): unknown }, cb: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c) => chunks.push(c!));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}
