import { availableParallelism } from 'node:os';
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
    expect(c.webConcurrency).toBe(availableParallelism());
    expect(c.backgroundJobs).toBe(true);
  });

  it('runs one web process in tests unless WEB_CONCURRENCY says otherwise', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).webConcurrency).toBe(1);
    expect(loadConfig({ NODE_ENV: 'test', WEB_CONCURRENCY: '3' }).webConcurrency).toBe(3);
    expect(loadConfig({ BACKGROUND_JOBS: 'false' }).backgroundJobs).toBe(false);
  });

  it.each([
    [{ PORT: 'abc' }, /PORT/],
    [{ DATABASE_URL: 'mysql://x/y' }, /DATABASE_URL must be a postgres/],
    [{ SEED_DEMO: 'maybe' }, /SEED_DEMO/],
    [{ ADMIN_API_KEY: 'short' }, /ADMIN_API_KEY must look like ocop_sk_/],
    [{ PAYMENT_TTL_MINUTES: '0' }, /PAYMENT_TTL_MINUTES must be a whole number/],
    [{ BODY_LIMIT: 'huge' }, /BODY_LIMIT must be a size/],
    [{ NODE_ENV: 'production' }, /STRIPE_WEBHOOK_SECRET/],
    [{ WEB_CONCURRENCY: '0' }, /WEB_CONCURRENCY must be a whole number from 1 to 256/],
    [{ WEB_CONCURRENCY: 'many' }, /WEB_CONCURRENCY/],
    [{ BACKGROUND_JOBS: 'sometimes' }, /BACKGROUND_JOBS/],
  ])('rejects %j with one message naming the variable', (env, re) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(re);
  });

  it('names every invalid variable at once', () => {
    expect(() => loadConfig({ PORT: 'x', SEED_DEMO: 'y' })).toThrow(/PORT.*SEED_DEMO|SEED_DEMO.*PORT/);
  });
});
