import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('gives defaults on an empty environment', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.publicBaseUrl).toBe('http://localhost:3000');
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataDir).toBe('./.data');
    expect(c.seedDemo).toBe(true);
    expect(c.paymentTtlMinutes).toBe(15);
  });

  it.each([
    [{ PORT: 'abc' }, /PORT/],
    [{ DATABASE_URL: 'mysql://x/y' }, /DATABASE_URL must be a postgres/],
    [{ SEED_DEMO: 'maybe' }, /SEED_DEMO/],
    [{ ADMIN_API_KEY: 'short' }, /ADMIN_API_KEY must look like ocop_sk_/],
    [{ PAYMENT_TTL_MINUTES: '0' }, /PAYMENT_TTL_MINUTES must be a whole number/],
    [{ BODY_LIMIT: 'huge' }, /BODY_LIMIT must be a size/],
    [{ NODE_ENV: 'production' }, /STRIPE_WEBHOOK_SECRET/],
    [{ MEDIA_STORAGE: 'ftp' }, /MEDIA_STORAGE/],
    [{ MEDIA_STORAGE: 's3' }, /S3_BUCKET is required with MEDIA_STORAGE=s3/],
    [{ S3_ACCESS_KEY_ID: 'AKIA' }, /S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together/],
    [{ MEDIA_MAX_UPLOAD_SIZE: '20 megabytes' }, /MEDIA_MAX_UPLOAD_SIZE must be a size/],
    [{ MEDIA_MAX_PIXELS: '0' }, /MEDIA_MAX_PIXELS must be a whole number/],
    [{ S3_ENDPOINT: 'not a url' }, /S3_ENDPOINT/],
    [{ NODE_ENV: 'production', STRIPE_WEBHOOK_SECRET: 'whsec_live_x' }, /BANK_FEED_ENCRYPTION_KEYS must be set in production/],
    [{ BANK_FEED_ENCRYPTION_KEYS: 'too-short-to-be-a-key' }, /BANK_FEED_ENCRYPTION_KEYS key 1 must be 32 random bytes/],
  ])('rejects %j with one message naming the variable', (env, re) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(re);
  });

  it('stores photos on disk under DATA_DIR by default, with 20 MB and 50 MP limits', () => {
    expect(loadConfig({ DATA_DIR: '/srv/ocop' }).media).toEqual({ storage: 'disk', dir: '/srv/ocop/media', maxUploadBytes: 20 * 1024 * 1024, maxPixels: 50_000_000, s3: undefined });
  });

  it('reads the S3-compatible storage settings', () => {
    const c = loadConfig({
      MEDIA_STORAGE: 's3',
      S3_BUCKET: 'ocop-photos',
      S3_ENDPOINT: 'https://abc.r2.cloudflarestorage.com',
      S3_REGION: 'auto',
      S3_ACCESS_KEY_ID: 'key',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_PUBLIC_BASE_URL: 'https://img.example.vn/',
      MEDIA_MAX_UPLOAD_SIZE: '8mb',
    });
    expect(c.media).toMatchObject({ storage: 's3', maxUploadBytes: 8 * 1024 * 1024 });
    expect(c.media.s3).toEqual({
      bucket: 'ocop-photos',
      endpoint: 'https://abc.r2.cloudflarestorage.com',
      region: 'auto',
      credentials: { accessKeyId: 'key', secretAccessKey: 'secret' },
      forcePathStyle: false,
      publicBaseUrl: 'https://img.example.vn',
    });
    expect(loadConfig({ MEDIA_STORAGE: 's3', S3_BUCKET: 'b' }).media.s3?.credentials).toBeUndefined(); // the SDK's default chain
  });

  it('reads bank-feed encryption keys (newest first); an invalid one is named without echoing it', () => {
    const a = 'g64cx2QP91m799w7hGWY3FGDsXWD3v3fIzSQb4jzks8=';
    const b = '9f'.repeat(32);
    expect(loadConfig({ BANK_FEED_ENCRYPTION_KEYS: `${a}, ${b}` }).bankFeedEncryptionKeys).toEqual([a, b]);
    expect(loadConfig({}).bankFeedEncryptionKeys).toBeUndefined();
    expect(() => loadConfig({ BANK_FEED_ENCRYPTION_KEYS: `${a},secret-typo-xyz` })).toThrow(/BANK_FEED_ENCRYPTION_KEYS key 2/);
    expect(() => loadConfig({ BANK_FEED_ENCRYPTION_KEYS: `${a},secret-typo-xyz` })).not.toThrow(/secret-typo-xyz/);
  });

  it('names every invalid variable at once', () => {
    expect(() => loadConfig({ PORT: 'x', SEED_DEMO: 'y' })).toThrow(/PORT.*SEED_DEMO|SEED_DEMO.*PORT/);
  });
});
