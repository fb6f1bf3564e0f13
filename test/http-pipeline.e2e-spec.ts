import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createTestApp, type TestApp } from './harness/app.js';
import { cooperativeBody } from './harness/fixtures.js';
import { LogCapture } from './harness/logs.js';

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
    // Probes and metrics: never limited, and the limiter does not even run on them (no RateLimit headers).
    for (const path of ['/health/live', '/health/ready', '/metrics']) {
      for (let i = 0; i < 10; i++) {
        const probe = await t.http.get(path).expect(200);
        expect(probe.headers['ratelimit-limit']).toBeUndefined();
      }
    }
  });
});

describe('HTTP pipeline (e2e): body checks and slow clients', () => {
  let t: TestApp;
  let port: number;
  const log = new LogCapture();

  beforeAll(async () => {
    t = await createTestApp({
      log: log.stream,
      env: { LOG_LEVEL: 'info', LOG_FORMAT: 'json', HTTP_HEADERS_TIMEOUT_SECONDS: '1', HTTP_REQUEST_TIMEOUT_SECONDS: '2', HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: '2' },
    });
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
    let n = 0;
    const outcome = await trickle(port, 'GET /health/live HTTP/1.1\r\nHost: localhost\r\n', (socket) => socket.write(`X-Slow-${n++}: ${'a'.repeat(10)}\r\n`), 200, 'the trickling connection');
    // 1 s allowed, checked every second at most: closed well before the 40 s the first wave saw.
    expect(outcome.closedAfterMs).toBeLessThan(3500);
    expect(outcome.received === '' || outcome.received.startsWith('HTTP/1.1 408')).toBe(true);
  });

  it('cuts off a client that sends its headers and trickles the body past HTTP_REQUEST_TIMEOUT_SECONDS; nothing is stored', async () => {
    const count = async () => (await t.db.query('SELECT count(*)::int AS n FROM cooperatives')).rows[0].n as number;
    const before = await count();
    // A valid request (proved below): only its slowness stops it.
    const body = JSON.stringify(cooperativeBody({ taxCode: '0100109106', name: 'HTX Trickle' }));
    const head =
      'POST /cooperatives HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
      `Authorization: Bearer ${t.adminKey}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
    let sent = 0;
    // 8 bytes every 200 ms: the whole body would take ~10 s.
    const outcome = await trickle(
      port,
      head,
      (socket) => {
        if (sent < body.length) {
          socket.write(body.slice(sent, sent + 8));
          sent += 8;
        }
      },
      200,
      'the trickling upload',
    );
    // Not before the 2 s allowed; at the next check (every second) after it.
    expect(outcome.closedAfterMs).toBeGreaterThanOrEqual(1900);
    expect(outcome.closedAfterMs).toBeLessThan(4500);
    expect(sent).toBeLessThan(body.length);
    expect(outcome.received === '' || outcome.received.startsWith('HTTP/1.1 408')).toBe(true);
    expect(outcome.received).not.toMatch(/^HTTP\/1\.1 2/);
    await new Promise((r) => setTimeout(r, 200));
    expect(await count()).toBe(before);
    // Logged as the client's doing (a warning naming the route), not as an error of the app (no 500, no "unhandled error").
    const about = log.records().filter((r) => JSON.stringify(r).includes('/cooperatives'));
    expect(about).toEqual([
      expect.objectContaining({ level: 40, context: 'Errors', msg: 'request body cut off: the connection closed before it was complete', req: { method: 'POST', route: '/cooperatives' } }),
    ]);
    expect(log.records().filter((r) => r.level >= 50)).toEqual([]);
    // The same request sent at once is stored: the timeout, not the body, stopped the slow one.
    await t.http.post('/cooperatives').set('Authorization', `Bearer ${t.adminKey}`).set('Content-Type', 'application/json').send(body).expect(201);
    expect(await count()).toBe(before + 1);
  });

  it('closes an idle keep-alive connection after HTTP_KEEP_ALIVE_TIMEOUT_SECONDS, not before, and serves it until then', async () => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    let buffer = Buffer.alloc(0);
    let closedAt = 0;
    let waiting: (() => void) | undefined;
    socket.on('data', (d: Buffer) => {
      buffer = Buffer.concat([buffer, d]);
      waiting?.();
    });
    socket.on('close', () => {
      closedAt = Date.now();
      waiting?.();
    });
    /** Sends a GET on the open connection; resolves with the whole answer (head and body). */
    const exchange = (path: string) =>
      new Promise<string>((resolve, reject) => {
        buffer = Buffer.alloc(0);
        const timer = setTimeout(() => reject(new Error(`no answer to ${path} within 3 s`)), 3000);
        waiting = () => {
          const end = buffer.indexOf('\r\n\r\n');
          const length = /content-length: (\d+)/i.exec(buffer.toString('latin1'));
          if (end >= 0 && length && buffer.length >= end + 4 + Number(length[1])) {
            clearTimeout(timer);
            waiting = undefined;
            resolve(buffer.toString());
          } else if (closedAt) {
            clearTimeout(timer);
            reject(new Error(`the connection closed before the answer to ${path}`));
          }
        };
        socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
      });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    try {
      const first = await exchange('/health/live');
      expect(first).toMatch(/^HTTP\/1\.1 200/);
      expect(first).toMatch(/\r\nconnection: keep-alive\r\n/i);
      expect(first).toMatch(/\r\nkeep-alive: timeout=2\r\n/i);
      // Idle for most of the allowed time: the connection still serves, and the idle time starts again.
      await new Promise((r) => setTimeout(r, 1500));
      expect(closedAt).toBe(0);
      const second = await exchange('/banks');
      expect(second).toMatch(/^HTTP\/1\.1 200/);
      const idleFrom = Date.now();
      const closedAfterMs = await new Promise<number>((resolve, reject) => {
        const giveUp = setTimeout(() => reject(new Error('the idle keep-alive connection was still open after 6 s')), 6000);
        waiting = () => {
          if (closedAt) {
            clearTimeout(giveUp);
            resolve(closedAt - idleFrom);
          }
        };
        if (closedAt) waiting();
      });
      // Closed by the server (the client never ends it) after the advertised 2 s; Node keeps an idle
      // socket 1 s past the advertised timeout (so a client reusing it at the last moment is not reset).
      expect(closedAfterMs).toBeGreaterThanOrEqual(1950);
      expect(closedAfterMs).toBeLessThan(4500);
    } finally {
      socket.destroy();
    }
  });

  it('keeps a normal keep-alive client served', async () => {
    for (let i = 0; i < 3; i++) await t.http.get('/health/live').expect(200);
  });
});

/**
 * A raw client that writes `first`, then calls `drip` every `everyMs` while the socket is writable;
 * resolves when the server closes the connection (with what it answered), rejects after 8 s.
 */
function trickle(port: number, first: string, drip: (socket: Socket) => void, everyMs: number, what: string): Promise<{ closedAfterMs: number; received: string }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const timer = setInterval(() => {
      if (socket.writable) drip(socket);
    }, everyMs);
    socket.on('connect', () => socket.write(first));
    socket.on('data', (d) => (received += d.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({ closedAfterMs: Date.now() - started, received });
    });
    const giveUp = setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      reject(new Error(`the server kept ${what} open for 8 s`));
    }, 8000);
  });
}
