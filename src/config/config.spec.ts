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
    [{ NODE_ENV: 'production', STRIPE_WEBHOOK_SECRET: 'whsec_live_x' }, /BANK_FEED_ENCRYPTION_KEYS must be set in production/],
    [{ BANK_FEED_ENCRYPTION_KEYS: 'too-short-to-be-a-key' }, /BANK_FEED_ENCRYPTION_KEYS key 1 must be 32 random bytes/],
  ])('rejects %j with one message naming the variable', (env, re) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(re);
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
