import { bool, cleanEnv, makeValidator, num, port, str, url, EnvError, EnvMissingError } from 'envalid';
import { availableParallelism } from 'node:os';

/**
 * The environment schema, validated once at start. A wrong or missing value stops the app with one
 * message naming the variable (ConfigError). Every variable here is documented in README.md.
 */
export class ConfigError extends Error {}

const apiKey = makeValidator<string>((v) => {
  if (!/^ocop_sk_[A-Za-z0-9_-]{40,}$/.test(v)) {
    throw new EnvError('must look like ocop_sk_ followed by at least 40 characters of [A-Za-z0-9_-] (use `npm run key:generate`)');
  }
  return v;
});

const byteSize = makeValidator<string>((v) => {
  if (!/^\d+(b|kb|mb)$/i.test(v)) throw new EnvError('must be a size such as 100kb or 1mb');
  return v.toLowerCase();
});

const positiveInt = (opts: { default?: number; desc: string; max?: number }) =>
  makeValidator<number>((v) => {
    const n = Number(v);
    if (!/^\d+$/.test(String(v).trim()) || !Number.isSafeInteger(n) || n < 1 || (opts.max !== undefined && n > opts.max)) {
      throw new EnvError(`must be a whole number from 1${opts.max ? ` to ${opts.max}` : ''}`);
    }
    return n;
  })({ default: opts.default, desc: opts.desc });

const pgUrl = makeValidator<string>((v) => {
  if (!/^postgres(ql)?:\/\//.test(v)) throw new EnvError('must be a postgres:// or postgresql:// URL');
  try {
    new URL(v);
  } catch {
    throw new EnvError('is not a valid URL');
  }
  return v;
});

export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  host: string;
  port: number;
  publicBaseUrl: string;
  databaseUrl?: string;
  dataDir: string;
  embeddedPgPort: number;
  dbPoolMax: number;
  seedDemo: boolean;
  adminApiKey?: string;
  logLevel: string;
  bodyLimit: string;
  rateLimitPerMinute: number;
  trustProxy: boolean;
  paymentTtlMinutes: number;
  expirySweepSeconds: number;
  stripeApiKey: string;
  stripeApiBase?: string;
  stripeWebhookSecret: string;
  bankWebhookApiKey?: string;
  /** HTTP worker processes (node:cluster); 1 = one process, no cluster. */
  webConcurrency: number;
  /** Whether this instance runs background work (payment-expiry sweep, job queue, demo seed). */
  backgroundJobs: boolean;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const e = cleanEnv(
    env,
    {
      NODE_ENV: str({ choices: ['development', 'production', 'test'], default: 'development' }),
      HOST: str({ default: '0.0.0.0', desc: 'interface to listen on' }),
      PORT: port({ default: 3000, desc: 'HTTP port' }),
      PUBLIC_BASE_URL: url({ default: '', desc: 'absolute base URL used in links (qrImageUrl); default http://localhost:PORT' }),
      DATABASE_URL: pgUrl({ default: undefined, desc: 'external PostgreSQL 15+; unset = embedded server' }),
      DATA_DIR: str({ default: './.data', desc: 'embedded PostgreSQL data directory' }),
      EMBEDDED_PG_PORT: num({ default: 0, desc: 'embedded PostgreSQL port; 0 = a free port' }),
      DB_POOL_MAX: positiveInt({ default: 10, desc: 'connections per app instance', max: 500 }),
      SEED_DEMO: bool({ default: true, desc: 'seed the demo dataset once on a fresh database' }),
      ADMIN_API_KEY: apiKey({ default: undefined, desc: 'bootstrap admin API key' }),
      LOG_LEVEL: str({ choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' }),
      BODY_LIMIT: byteSize({ default: '1mb', desc: 'largest JSON body accepted (413 above)' }),
      RATE_LIMIT_PER_MINUTE: positiveInt({ default: 600, desc: 'requests per minute per client IP' }),
      TRUST_PROXY: bool({ default: false, desc: 'trust X-Forwarded-For (behind a load balancer)' }),
      PAYMENT_TTL_MINUTES: positiveInt({ default: 15, desc: 'payment window of a pending order', max: 10080 }),
      ORDER_EXPIRY_SWEEP_SECONDS: num({ default: 30, desc: 'how often pending orders are checked for expiry; 0 = never (tests drive it)' }),
      STRIPE_API_KEY: str({ default: 'sk_test_123', desc: 'Stripe secret key' }),
      STRIPE_API_BASE: url({ default: undefined, desc: 'Stripe API base URL (stripe-mock in dev/tests)' }),
      STRIPE_WEBHOOK_SECRET: str({ default: 'whsec_test_secret', desc: 'Stripe webhook signing secret' }),
      BANK_WEBHOOK_API_KEY: str({ default: undefined, desc: 'API key of the bank-notification service' }),
      WEB_CONCURRENCY: positiveInt({ default: 0, desc: 'HTTP worker processes; default the number of CPUs (1 when NODE_ENV=test)', max: 256 }),
      BACKGROUND_JOBS: bool({ default: true, desc: 'this instance runs background work (payment-expiry sweep, job queue, demo seed)' }),
    },
    {
      reporter: ({ errors }) => {
        for (const [name, err] of Object.entries(errors)) {
          if (!err) continue;
          const why = err instanceof EnvMissingError ? 'is required' : err.message.replace(/^Invalid \w+ input: /, '');
          problems.push(`${name} ${why}`);
        }
      },
    },
  );
  if (problems.length) {
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  if (e.EMBEDDED_PG_PORT < 0 || e.EMBEDDED_PG_PORT > 65535 || !Number.isInteger(e.EMBEDDED_PG_PORT)) {
    throw new ConfigError('Invalid configuration: EMBEDDED_PG_PORT must be a port number (0 = any free port)');
  }
  if (!Number.isInteger(e.ORDER_EXPIRY_SWEEP_SECONDS) || e.ORDER_EXPIRY_SWEEP_SECONDS < 0 || e.ORDER_EXPIRY_SWEEP_SECONDS > 3600) {
    throw new ConfigError('Invalid configuration: ORDER_EXPIRY_SWEEP_SECONDS must be a whole number of seconds from 0 to 3600');
  }
  if (e.NODE_ENV === 'production' && e.STRIPE_WEBHOOK_SECRET === 'whsec_test_secret') {
    throw new ConfigError('Invalid configuration: STRIPE_WEBHOOK_SECRET must be set in production');
  }
  return {
    nodeEnv: e.NODE_ENV as AppConfig['nodeEnv'],
    host: e.HOST,
    port: e.PORT,
    publicBaseUrl: (e.PUBLIC_BASE_URL || `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    dbPoolMax: e.DB_POOL_MAX,
    seedDemo: e.SEED_DEMO,
    adminApiKey: e.ADMIN_API_KEY,
    logLevel: e.LOG_LEVEL,
    bodyLimit: e.BODY_LIMIT,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    trustProxy: e.TRUST_PROXY,
    paymentTtlMinutes: e.PAYMENT_TTL_MINUTES,
    expirySweepSeconds: e.ORDER_EXPIRY_SWEEP_SECONDS,
    stripeApiKey: e.STRIPE_API_KEY,
    stripeApiBase: e.STRIPE_API_BASE,
    stripeWebhookSecret: e.STRIPE_WEBHOOK_SECRET,
    bankWebhookApiKey: e.BANK_WEBHOOK_API_KEY,
    webConcurrency: e.WEB_CONCURRENCY || (e.NODE_ENV === 'test' ? 1 : availableParallelism()),
    backgroundJobs: e.BACKGROUND_JOBS,
  };
}

/** Injection token for the validated AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');
