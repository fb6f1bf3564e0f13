import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createTestApp, type TestApp } from './harness/app.js';

describe('HTTP pipeline (e2e): rate limit', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '5' } });
  });
  afterAll(() => t.close());

  it('answers 429 in the error shape after RATE_LIMIT_PER_MINUTE requests, with Retry-After; probes are never limited', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await t.http.get('/banks')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const res = await t.http.get('/banks').expect(429);
    expect(res.body).toEqual({ statusCode: 429, error: 'Too Many Requests', message: 'Rate limit exceeded, retry later', code: 'rate_limited' });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.headers['ratelimit-limit']).toBe('5');
    for (let i = 0; i < 10; i++) await t.http.get('/health/live').expect(200);
  });
});

describe('HTTP pipeline (e2e): body checks and slow clients', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await createTestApp({ env: { HTTP_HEADERS_TIMEOUT_SECONDS: '1' } });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(() => t.close());

  it('refuses bodies nested deeper than 64 levels with 400 naming body, and stores nothing', async () => {
    const before = (await t.db.query('SELECT count(*)::int AS n FROM orders')).rows[0].n;
    const arrays = '['.repeat(100_000) + ']'.repeat(100_000);
    const r1 = await t.http.post('/checkout').set('Content-Type', 'application/json').send(arrays).expect(400);
    expect(r1.body.details).toEqual([{ field: 'body', problem: 'nests objects or arrays deeper than 64 levels' }]);
    const objects = '{"buyer":'.repeat(5000) + '1' + '}'.repeat(5000);
    const r2 = await t.http.post('/checkout').set('Content-Type', 'application/json').send(objects).expect(400);
    expect(r2.body.details[0].field).toBe('body');
    expect((await t.db.query('SELECT count(*)::int AS n FROM orders')).rows[0].n).toBe(before);
  });

  it('refuses prototype poisoning and unsupported content types', async () => {
    const r = await t.http.post('/vietqr/decode').set('Content-Type', 'application/json').send('{"__proto__":{"x":1},"payload":"abc"}').expect(400);
    expect(r.body.details[0]).toMatchObject({ field: 'body' });
    const r2 = await t.http.post('/vietqr/decode').set('Content-Type', 'application/xml').send('<payload/>').expect(415);
    expect(r2.body).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
  });

  it('answers errors of image routes as JSON, not as an image', async () => {
    const res = await t.http.get('/vietqr/qr.png').query({ payload: 'x'.repeat(5000) });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({ statusCode: 400, details: [expect.objectContaining({ field: 'payload' })] });
  });

  it('closes a connection that trickles its headers past HTTP_HEADERS_TIMEOUT_SECONDS', async () => {
    const started = Date.now();
    const outcome = await new Promise<{ closedAfterMs: number; received: string }>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let received = '';
      let n = 0;
      const drip = setInterval(() => {
        if (socket.writable) socket.write(`X-Slow-${n++}: ${'a'.repeat(10)}\r\n`);
      }, 200);
      socket.on('connect', () => socket.write('GET /health/live HTTP/1.1\r\nHost: localhost\r\n'));
      socket.on('data', (d) => (received += d.toString()));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(drip);
        clearTimeout(giveUp);
        resolve({ closedAfterMs: Date.now() - started, received });
      });
      const giveUp = setTimeout(() => {
        clearInterval(drip);
        socket.destroy();
        reject(new Error('the server kept the trickling connection open for 8 s'));
      }, 8000);
    });
    // 1 s allowed, checked every second at most: closed well before the 40 s the first wave saw.
    expect(outcome.closedAfterMs).toBeLessThan(3500);
    expect(outcome.received === '' || outcome.received.startsWith('HTTP/1.1 408')).toBe(true);
  });

  it('keeps a normal keep-alive client served', async () => {
    for (let i = 0; i < 3; i++) await t.http.get('/health/live').expect(200);
  });
});
