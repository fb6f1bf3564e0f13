/**
 * npm run bench:http-layers — where the cost of a short request goes (issue 11): the same
 * `GET /health/live` answered by a bare node:http server, by a bare NestJS-on-Fastify app, and by
 * that app with each layer the real app adds, alone and all together. Each server runs in its own
 * process; autocannon (this process), 16 connections, a 2 s warm-up and a 6 s measurement per
 * configuration, in one run. Writes "bench:http-layers" to bench/RESULTS.md.
 */
import 'reflect-metadata';
import autocannon from 'autocannon';
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { APP_GUARD, NestFactory, Reflector } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { LogController } from 'fastify';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { Counter, Histogram, Registry } from 'prom-client';
import { createValidationPipe } from '../src/common/validation.js';
import { API_HEADERS } from '../src/common/security-headers.js';
import { RESULTS_FILE } from './lib/bench-postgres.js';
import { loadAverage, machineInfo } from './lib/machine.js';
import { writeResultsSection } from './lib/results.js';

const LAYERS: Record<string, string> = {
  guard: 'a global guard reading route metadata (as AuthGuard does for a request without a key)',
  pipe: 'the global ValidationPipe',
  headers: 'security headers and a request id (one onRequest hook)',
  metrics: 'Prometheus counter and histogram per request (one onResponse hook)',
  ratelimit: '@fastify/rate-limit (global, in-memory)',
  multipart: '@fastify/multipart registered',
  formbody: '@fastify/formbody registered',
  logger: 'pino as Fastify\'s logger, request logging off (the app writes its own line; probes get none)',
};

async function serve(layers: string[]): Promise<number> {
  const has = (l: string) => layers.includes(l);
  if (has('bare')) {
    const body = Buffer.from('{"status":"ok"}');
    const s = createServer((_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
      res.end(body);
    });
    await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
    return (s.address() as { port: number }).port;
  }
  @Controller('health')
  class H {
    @Get('live') live() {
      return { status: 'ok' };
    }
  }
  @Injectable()
  class G {
    constructor(private readonly r: Reflector) {}
    canActivate(ctx: import('@nestjs/common').ExecutionContext): boolean {
      const t = [ctx.getHandler(), ctx.getClass()];
      this.r.getAllAndOverride('auth:public', t);
      this.r.getAllAndOverride('auth:roles', t);
      this.r.getAllAndOverride('auth:external', t);
      return ctx.switchToHttp().getRequest<{ headers: Record<string, string> }>().headers.authorization === undefined || true;
    }
  }
  @Module({ controllers: [H], providers: has('guard') ? [{ provide: APP_GUARD, useClass: G }] : [] })
  class M {}
  const log = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false }));
  const adapter = new FastifyAdapter(has('logger') ? { loggerInstance: log, logController: new LogController({ disableRequestLogging: true }) } : {});
  const app = await NestFactory.create<import('@nestjs/platform-fastify').NestFastifyApplication>(M, adapter, { logger: false, bodyParser: false });
  const f = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  if (has('pipe')) app.useGlobalPipes(createValidationPipe());
  if (has('headers')) {
    f.addHook('onRequest', (_req, reply, done) => {
      void reply.headers(API_HEADERS).header('x-request-id', randomUUID());
      done();
    });
  }
  if (has('metrics')) {
    const reg = new Registry();
    const c = new Counter({ name: 'a', help: 'a', labelNames: ['method', 'route', 'status'], registers: [reg] });
    const hi = new Histogram({ name: 'b', help: 'b', labelNames: ['method', 'route', 'status'], registers: [reg], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
    f.addHook('onResponse', (req, reply, done) => {
      const l = { method: req.method, route: req.routeOptions.url ?? 'x', status: String(reply.statusCode) };
      c.inc(l);
      hi.observe(l, reply.elapsedTime / 1000);
      done();
    });
  }
  if (has('ratelimit')) await app.register((await import('@fastify/rate-limit')).default as never, { global: true, max: 1e9, timeWindow: 60_000, enableDraftSpec: true });
  if (has('multipart')) await app.register((await import('@fastify/multipart')).default as never, {});
  if (has('formbody')) await app.register((await import('@fastify/formbody')).default as never, {});
  await app.listen(0, '127.0.0.1');
  return (app.getHttpServer().address() as { port: number }).port;
}

async function main(): Promise<void> {
  if (process.argv[2] === 'serve') {
    process.send!(await serve((process.argv[3] ?? '').split(',').filter(Boolean)));
    return;
  }
  const configs = [['bare'], [], ...Object.keys(LAYERS).map((l) => [l]), Object.keys(LAYERS)];
  const before = loadAverage();
  const rows: string[] = [];
  let nest = 0;
  let bare = 0;
  for (const cfg of configs) {
    const child = fork(fileURLToPath(import.meta.url), ['serve', cfg.join(',')]);
    const port = await new Promise<number>((ok) => child.once('message', (m) => ok(m as number)));
    await autocannon({ url: `http://127.0.0.1:${port}/health/live`, connections: 16, duration: 2 });
    const r = await autocannon({ url: `http://127.0.0.1:${port}/health/live`, connections: 16, duration: 6 });
    child.kill();
    const rps = r.requests.average;
    if (cfg[0] === 'bare') bare = rps;
    if (!cfg.length) nest = rps;
    const name = cfg[0] === 'bare' ? 'bare node:http' : !cfg.length ? 'NestJS on Fastify, nothing else' : cfg.length > 1 ? 'all of the layers' : `+ ${cfg[0]}: ${LAYERS[cfg[0]]}`;
    rows.push(`| ${name} | ${Math.round(rps)} | ${(rps / bare).toFixed(2)} | ${nest ? (rps / nest).toFixed(2) : '–'} |`);
    console.log(rows[rows.length - 1]);
  }
  const m = machineInfo();
  writeResultsSection(
    RESULTS_FILE,
    'bench:http-layers — what each layer of the pipeline costs',
    [
      `Run ${new Date().toISOString()}: \`npm run bench:http-layers\`. Machine: ${m.cpuModel} × ${m.cpuCount} logical CPUs, Node ${m.node}. Load average before: ${before}; after: ${loadAverage()}.`,
      '',
      '`GET /health/live` (`{"status":"ok"}`), each server in its own process, autocannon 16 connections, 2 s warm-up, 6 s measured. Single runs: differences under ~10 % are noise.',
      '',
      '| server | req/s | / bare | / Nest |',
      '| --- | --- | --- | --- |',
      ...rows,
    ].join('\n'),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
