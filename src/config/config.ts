import { bool, cleanEnv, makeValidator, num, port, str, url, EnvError, EnvMissingError } from 'envalid';
import { parseSecretKey, SecretBoxError } from '../common/secret-box.js';
import { mediaDir } from '../database/data-layout.js';
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

/** Comma-separated 256-bit keys; the first encrypts, all decrypt (rotation). */
const secretKeys = makeValidator<string[]>((v) => {
  const keys = v.split(',').map((k) => k.trim()).filter(Boolean);
  if (!keys.length) throw new EnvError('must list at least one key');
  keys.forEach((k, i) => {
    try {
      parseSecretKey(k);
    } catch (e) {
      throw new EnvError(`key ${i + 1} ${e instanceof SecretBoxError ? e.message : 'is invalid'}`);
    }
  });
  return keys;
});

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
  logFormat: 'json' | 'pretty';
  bodyLimit: string;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  rateLimitPerMinute: number;
  trustProxy: boolean;
  paymentTtlMinutes: number;
  expirySweepSeconds: number;
  stripeApiKey: string;
  stripeApiBase?: string;
  stripeWebhookSecret: string;
  bankWebhookApiKey?: string;
  /** Keys that encrypt bank-feed secrets at rest; unset (not in production) = a key file beside DATA_DIR. */
  bankFeedEncryptionKeys?: string[];
  apiKeyCacheSeconds: number;
  catalogCacheSeconds: number;
  jobSweepSeconds: number;
  media: MediaConfig;
  /** HTTP worker processes (node:cluster); 1 = one process, no cluster. */
  webConcurrency: number;
  /** Whether this instance runs background work (payment-expiry sweep, job queue workers and their recovery sweep, demo seed). */
  backgroundJobs: boolean;
}

export interface MediaConfig {
  storage: 'disk' | 's3';
  /** Disk storage: DATA_DIR/media. */
  dir: string;
  maxUploadBytes: number;
  maxPixels: number;
  /** With MEDIA_STORAGE=s3. */
  s3?: {
    bucket: string;
    /** e.g. https://<account>.r2.cloudflarestorage.com, http://minio:9000; unset = AWS. */
    endpoint?: string;
    region: string;
    /** Unset = the AWS SDK's default chain (AWS_* variables, shared config, instance/task role). */
    credentials?: { accessKeyId: string; secretAccessKey: string };
    /** `https://host/bucket/key` instead of `https://bucket.host/key` (MinIO, most self-hosted servers). */
    forcePathStyle: boolean;
    /** Where the bucket's objects are publicly readable (CDN, R2 public bucket); unset = the app serves them. */
    publicBaseUrl?: string;
  };
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
      LOG_FORMAT: str({ choices: ['json', 'pretty', ''], default: '', desc: 'json (default outside development) or pretty (default in development)' }),
      BODY_LIMIT: byteSize({ default: '1mb', desc: 'largest JSON body accepted (413 above)' }),
      HTTP_HEADERS_TIMEOUT_SECONDS: positiveInt({ default: 10, desc: 'time a client has to send its request headers', max: 600 }),
      HTTP_REQUEST_TIMEOUT_SECONDS: positiveInt({ default: 300, desc: 'time a client has to send a whole request (uploads included)', max: 3600 }),
      HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: positiveInt({ default: 72, desc: 'idle keep-alive connections close after this (above the load balancer idle timeout)', max: 3600 }),
      RATE_LIMIT_PER_MINUTE: positiveInt({ default: 600, desc: 'requests per minute per client IP' }),
      TRUST_PROXY: bool({ default: false, desc: 'trust X-Forwarded-For (behind a load balancer)' }),
      PAYMENT_TTL_MINUTES: positiveInt({ default: 15, desc: 'payment window of a pending order', max: 10080 }),
      ORDER_EXPIRY_SWEEP_SECONDS: num({ default: 30, desc: 'how often pending orders are checked for expiry; 0 = never (tests drive it)' }),
      STRIPE_API_KEY: str({ default: 'sk_test_123', desc: 'Stripe secret key' }),
      STRIPE_API_BASE: url({ default: undefined, desc: 'Stripe API base URL (stripe-mock in dev/tests)' }),
      STRIPE_WEBHOOK_SECRET: str({ default: 'whsec_test_secret', desc: 'Stripe webhook signing secret' }),
      BANK_WEBHOOK_API_KEY: str({ default: undefined, desc: 'API key of the bank-notification service' }),
      MEDIA_STORAGE: str({ choices: ['disk', 's3'], default: 'disk', desc: 'where product photos are stored' }),
      MEDIA_MAX_UPLOAD_SIZE: byteSize({ default: '20mb', desc: 'largest photo upload (413 above)' }),
      MEDIA_MAX_PIXELS: positiveInt({ default: 50_000_000, desc: 'largest photo in pixels, checked before decoding', max: 268_402_689 }),
      S3_BUCKET: str({ default: undefined, desc: 'bucket for product photos (MEDIA_STORAGE=s3)' }),
      S3_ENDPOINT: url({ default: undefined, desc: 'S3-compatible endpoint (MinIO, R2); unset = AWS' }),
      S3_REGION: str({ default: 'us-east-1', desc: 'S3 region (R2: auto)' }),
      S3_ACCESS_KEY_ID: str({ default: undefined, desc: 'S3 access key; unset = the AWS SDK default credential chain' }),
      S3_SECRET_ACCESS_KEY: str({ default: undefined, desc: 'S3 secret key' }),
      S3_FORCE_PATH_STYLE: bool({ default: false, desc: 'path-style bucket addressing (MinIO)' }),
      S3_PUBLIC_BASE_URL: url({ default: undefined, desc: 'public URL of the bucket (CDN); unset = the app serves photos' }),
      BANK_FEED_ENCRYPTION_KEYS: secretKeys({ default: undefined, desc: 'keys encrypting bank-feed secrets at rest, newest first' }),
      CATALOG_CACHE_SECONDS: num({ default: 2, desc: 'how long an instance keeps public product lists (product changes clear them on every instance; stock in lists may lag this long); 0 = never' }),
      API_KEY_CACHE_SECONDS: num({ default: 10, desc: 'how long a verified API key is remembered (revocation is immediate on every instance); 0 = never' }),
      JOB_SWEEP_SECONDS: num({ default: 15, desc: 'how often owed background work that lost its process is re-sent; 0 = never' }),
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
  if (!Number.isInteger(e.CATALOG_CACHE_SECONDS) || e.CATALOG_CACHE_SECONDS < 0 || e.CATALOG_CACHE_SECONDS > 3600) {
    throw new ConfigError('Invalid configuration: CATALOG_CACHE_SECONDS must be a whole number of seconds from 0 to 3600');
  }
  if (!Number.isInteger(e.API_KEY_CACHE_SECONDS) || e.API_KEY_CACHE_SECONDS < 0 || e.API_KEY_CACHE_SECONDS > 3600) {
    throw new ConfigError('Invalid configuration: API_KEY_CACHE_SECONDS must be a whole number of seconds from 0 to 3600');
  }
  if (!Number.isInteger(e.JOB_SWEEP_SECONDS) || e.JOB_SWEEP_SECONDS < 0 || e.JOB_SWEEP_SECONDS > 3600) {
    throw new ConfigError('Invalid configuration: JOB_SWEEP_SECONDS must be a whole number of seconds from 0 to 3600');
  }
  if (e.MEDIA_STORAGE === 's3' && !e.S3_BUCKET) {
    throw new ConfigError('Invalid configuration: S3_BUCKET is required with MEDIA_STORAGE=s3');
  }
  if (!e.S3_ACCESS_KEY_ID !== !e.S3_SECRET_ACCESS_KEY) {
    throw new ConfigError('Invalid configuration: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together (or both left unset for the AWS default credentials)');
  }
  if (e.NODE_ENV === 'production' && e.STRIPE_WEBHOOK_SECRET === 'whsec_test_secret') {
    throw new ConfigError('Invalid configuration: STRIPE_WEBHOOK_SECRET must be set in production');
  }
  if (e.NODE_ENV === 'production' && !e.BANK_FEED_ENCRYPTION_KEYS) {
    throw new ConfigError('Invalid configuration: BANK_FEED_ENCRYPTION_KEYS must be set in production (openssl rand -base64 32; every instance needs the same keys)');
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
    logFormat: (e.LOG_FORMAT || (e.NODE_ENV === 'development' ? 'pretty' : 'json')) as AppConfig['logFormat'],
    bodyLimit: e.BODY_LIMIT,
    headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_SECONDS * 1000,
    requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_SECONDS * 1000,
    keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_SECONDS * 1000,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    trustProxy: e.TRUST_PROXY,
    paymentTtlMinutes: e.PAYMENT_TTL_MINUTES,
    expirySweepSeconds: e.ORDER_EXPIRY_SWEEP_SECONDS,
    stripeApiKey: e.STRIPE_API_KEY,
    stripeApiBase: e.STRIPE_API_BASE,
    stripeWebhookSecret: e.STRIPE_WEBHOOK_SECRET,
    bankWebhookApiKey: e.BANK_WEBHOOK_API_KEY,
    bankFeedEncryptionKeys: e.BANK_FEED_ENCRYPTION_KEYS,
    apiKeyCacheSeconds: e.API_KEY_CACHE_SECONDS,
    catalogCacheSeconds: e.CATALOG_CACHE_SECONDS,
    jobSweepSeconds: e.JOB_SWEEP_SECONDS,
    media: {
      storage: e.MEDIA_STORAGE as MediaConfig['storage'],
      dir: mediaDir(e.DATA_DIR),
      maxUploadBytes: parseByteSize(e.MEDIA_MAX_UPLOAD_SIZE),
      maxPixels: e.MEDIA_MAX_PIXELS,
      s3:
        e.MEDIA_STORAGE === 's3'
          ? {
              bucket: e.S3_BUCKET!,
              endpoint: e.S3_ENDPOINT,
              region: e.S3_REGION,
              credentials: e.S3_ACCESS_KEY_ID ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY! } : undefined,
              forcePathStyle: e.S3_FORCE_PATH_STYLE,
              publicBaseUrl: e.S3_PUBLIC_BASE_URL?.replace(/\/$/, ''),
            }
          : undefined,
    },
    webConcurrency: e.WEB_CONCURRENCY || (e.NODE_ENV === 'test' ? 1 : availableParallelism()),
    backgroundJobs: e.BACKGROUND_JOBS,
  };
}

/** '100kb', '1mb', '512b' → bytes (BODY_LIMIT is validated to this shape). */
export function parseByteSize(v: string): number {
  const m = /^(\d+)(b|kb|mb)$/i.exec(v.trim());
  if (!m) throw new ConfigError(`not a byte size: ${v}`);
  return Number(m[1]) * ({ b: 1, kb: 1024, mb: 1024 * 1024 } as const)[m[2].toLowerCase() as 'b' | 'kb' | 'mb'];
}

/** Injection token for the validated AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');
