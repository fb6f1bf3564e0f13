import { randomBytes, randomUUID } from 'node:crypto';
import { ManualClock } from '../src/common/clock.js';
import { createMarket } from './fixtures/markets/markets.js';
import { bearer, createTestApp, type TestApp } from './harness/app.js';
import { createFeed, type CreatedFeed, FEED_PROVIDERS, feedAuthHeaders, feedCalls, type FeedProvider } from './harness/bank-feeds.js';
import { createCooperative } from './harness/fixtures.js';
import { isJsonLine, LogCapture } from './harness/logs.js';

/**
 * What the app writes to its log, captured in memory from the logger the app builds
 * (createRootLogger with the configured LOG_LEVEL and LOG_FORMAT).
 */
describe('development logs (e2e): LOG_FORMAT=pretty, the default under NODE_ENV=development', () => {
  async function bootAt(level: 'info' | 'debug'): Promise<{ t: TestApp; log: LogCapture }> {
    const log = new LogCapture();
    const t = await createTestApp({ env: { NODE_ENV: 'development', LOG_LEVEL: level }, log: log.stream });
    await t.http.get('/banks').expect(200);
    await log.waitFor((text) => text.includes('request completed'));
    return { t, log };
  }

  it('at info: readable lines (time, level, message, fields), no JSON, and no "Mapped {…} route" lines', async () => {
    const { t, log } = await bootAt('info');
    try {
      const lines = log.lines();
      expect(lines.filter((l) => /^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: request completed$/.test(l))).toHaveLength(1);
      expect(log.text()).toMatch(/\n\s+"url": "\/banks"\n/);
      // A service's own line at info is shown (the key file of a fresh DATA_DIR).
      expect(lines.some((l) => /\] INFO: bank-feed secrets: created encryption key file /.test(l))).toBe(true);
      expect(lines.filter(isJsonLine)).toEqual([]);
      expect(lines.filter((l) => l.includes('Mapped {') || l.includes('dependencies initialized'))).toEqual([]);
      expect(lines.filter((l) => /\] DEBUG: /.test(l))).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('at debug: one "Mapped {…} route" line per route, at DEBUG', async () => {
    const { t, log } = await bootAt('debug');
    try {
      const mapped = log.lines().filter((l) => l.includes('Mapped {'));
      expect(mapped.length).toBeGreaterThan(50);
      expect(mapped.every((l) => /^\[[\d:.]+\] DEBUG: Mapped \{\/[^,]*, [A-Z]+\} route$/.test(l))).toBe(true);
      expect(mapped).toContainEqual(expect.stringMatching(/DEBUG: Mapped \{\/webhooks\/bank\/:feedId, POST\} route$/));
      expect(log.text()).toContain('context: "RouterExplorer"');
      expect(log.lines().filter(isJsonLine)).toEqual([]);
    } finally {
      await t.close();
    }
  });
});

/**
 * Bank-feed secrets, and the API keys of the callers, never reach the log (README "Bank feeds":
 * secrets shown once), at the most detailed level, through everything a feed goes through.
 */
describe('bank-feed secrets are never logged (e2e)', () => {
  const clock = new ManualClock(new Date('2026-11-27T02:00:00Z'));
  const calls = feedCalls(clock, 9000);
  const log = new LogCapture();
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      clock,
      log: log.stream,
      env: { LOG_LEVEL: 'trace', LOG_FORMAT: 'json', BANK_FEED_ENCRYPTION_KEYS: randomBytes(32).toString('base64'), PUBLIC_BASE_URL: 'https://ocop.example.vn' },
    });
  });
  afterAll(() => t.close());

  it('creating, calling (signed and wrongly signed) and deleting a feed of each provider leaves no secret or key in any log line', async () => {
    const coop = await createCooperative(t);
    const market = await createMarket(t);
    // Secrets the provider issued (given at creation) and secrets the platform generated.
    const given: Partial<Record<FeedProvider, string>> = {
      casso: `cassoKey${randomBytes(24).toString('hex')}`,
      casso_legacy: `legacyToken${randomBytes(16).toString('hex')}`,
    };
    const feeds: Array<{ provider: FeedProvider; feed: CreatedFeed }> = [];
    for (const provider of FEED_PROVIDERS) {
      const mine = await createFeed(t, { coop }, provider, given[provider]);
      if (given[provider]) expect(mine.secret).toBe(given[provider]);
      feeds.push({ provider, feed: mine });
      // A market's feed too, created with the market manager's key.
      feeds.push({ provider, feed: await createFeed(t, { market }, provider) });
    }
    const hook = (id: string) => t.http.post(`/webhooks/bank/${id}`);
    for (const { provider, feed } of feeds) {
      const body = calls.oneTransfer(provider);
      await hook(feed.id).set(feedAuthHeaders(provider, feed.secret, body, clock.now().getTime())).send(body as object).expect(200);
      // Wrongly signed: the presented value holds the real secret (a log of what was presented would show it).
      const again = calls.oneTransfer(provider);
      await hook(feed.id).set(feedAuthHeaders(provider, `${feed.secret}0`, again, clock.now().getTime())).send(again as object).expect(401);
    }
    for (const { provider, feed } of feeds) {
      await t.http.delete(`/bank-feeds/${feed.id}`).set(bearer(t.adminKey)).expect(200);
      const body = calls.oneTransfer(provider);
      await hook(feed.id).set(feedAuthHeaders(provider, feed.secret, body, clock.now().getTime())).send(body as object).expect(404);
    }
    // A call to a feed that never existed, presenting a real secret.
    await hook(randomUUID()).set('Authorization', `Apikey ${feeds[0].feed.secret}`).send(calls.oneTransfer('sepay') as object).expect(404);

    const records = log.records();
    const text = log.text();
    // The log did record all of it (the test cannot pass on an empty log).
    const requestLines = records.filter((r) => r.msg === 'request completed' || r.msg === 'request refused') as unknown as Array<{
      req: { method: string; url: string };
      res: { statusCode: number };
    }>;
    const seen = (method: string, url: string, status: number) => requestLines.filter((r) => r.req.method === method && r.req.url === url && r.res.statusCode === status).length;
    for (const { feed } of feeds) {
      expect(seen('POST', `/webhooks/bank/${feed.id}`, 200)).toBe(1);
      expect(seen('POST', `/webhooks/bank/${feed.id}`, 401)).toBe(1);
      expect(seen('POST', `/webhooks/bank/${feed.id}`, 404)).toBe(1);
      expect(seen('DELETE', `/bank-feeds/${feed.id}`, 200)).toBe(1);
    }
    expect(seen('POST', `/cooperatives/${coop.id}/bank-feeds`, 201)).toBe(4);
    expect(seen('POST', `/markets/${market.id}/bank-feeds`, 201)).toBe(4);
    const refused = records.filter((r) => r.msg === 'bank feed call refused') as unknown as Array<{ feedId: string; provider: string; reason: string; level: number }>;
    expect(refused.map((r) => r.feedId).sort()).toEqual(feeds.map((f) => f.feed.id).sort());
    expect(refused.every((r) => r.level === 40 && typeof r.reason === 'string' && r.reason.length > 0)).toBe(true);
    expect(records.some((r) => r.level === 20)).toBe(true); // debug lines (Nest's start-up detail) were written: LOG_LEVEL=trace took effect

    // Not one secret, nor the keys that authenticated the calls, in any form the log could take.
    const secrets = [...feeds.map((f) => f.feed.secret), ...Object.values(given)];
    const keys = [t.adminKey, coop.key, market.key];
    for (const s of [...secrets, ...keys]) {
      expect(s.length).toBeGreaterThanOrEqual(32);
      for (const needle of [s, s.slice(-24), Buffer.from(s).toString('base64').slice(0, 24)]) {
        if (text.includes(needle)) throw new Error(`the log holds a secret or key (${needle.slice(0, 6)}…):\n${log.lines().filter((l) => l.includes(needle)).join('\n')}`);
      }
    }
  });
});
