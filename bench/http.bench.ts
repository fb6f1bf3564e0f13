/**
 * npm run bench:http — what a request costs before any service code runs (issue 11).
 *
 * The app runs as in production (`node dist/src/main.js`, NODE_ENV=production, JSON logs at info,
 * rate limit, security headers, metrics, auth guard, validation) in its own process on an embedded
 * PostgreSQL with the demo catalog; the baseline is a bare node:http server (bench/lib/bare-http-server.ts)
 * answering the same paths with the same bytes, also in its own process. autocannon (this process)
 * drives 16 connections, rounds alternating between the two servers so that both see the same
 * machine; the figure is the ratio of the medians.
 *
 *   GET /health/live   no database: the pipeline alone (target ≥ 0.5 of bare)
 *   GET /products      the first page of the demo catalog (target ≥ 3 × 602 req/s, the first wave's figure)
 *
 * Options: --seconds N (per round, default 10), --rounds N (default 3), --workers N (WEB_CONCURRENCY of
 * the app, default 1: one process against one process; the README's "Scaling out" has the cluster figure).
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT, RESULTS_FILE, startBenchPostgres } from './lib/bench-postgres.js';
import { freePort } from '../src/database/embedded-postgres.js';
import { loadAverage, machineLine } from './lib/machine.js';
import { writeResultsSection } from './lib/results.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const SECONDS = Number(args.get('seconds') ?? 10);
const ROUNDS = Number(args.get('rounds') ?? 3);
const WORKERS = Number(args.get('workers') ?? 1);
const CONNECTIONS = 16;
const FIRST_WAVE_PRODUCTS_RPS = 602;

const PATHS = ['/health/live', '/products'] as const;

function waitForLine(child: ChildProcess, re: RegExp, ms = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no line matching ${re} within ${ms} ms`)), ms);
    const rl = createInterface({ input: child.stdout! });
    rl.on('line', (line) => {
      const m = re.exec(line);
      if (m) {
        clearTimeout(timer);
        rl.close();
        child.stdout!.resume(); // keep draining (the app logs every request)
        resolve(m[1] ?? line);
      }
    });
    child.once('exit', (code) => reject(new Error(`process exited with ${code} before ${re}`)));
  });
}

async function load(url: string, seconds: number): Promise<{ rps: number; p50: number; p99: number; non2xx: number; errors: number }> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: seconds });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const loadBefore = loadAverage();
  const pg = await startBenchPostgres('http');
  const children: ChildProcess[] = [];
  try {
    const url = await pg.createDatabase('ocop_http');
    const port = await freePort();
    const app = spawn(process.execPath, [join(REPO_ROOT, 'dist', 'src', 'main.js')], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        DATABASE_URL: url,
        PORT: String(port),
        HOST: '127.0.0.1',
        SEED_DEMO: 'true',
        LOG_LEVEL: 'info',
        LOG_FORMAT: 'json',
        WEB_CONCURRENCY: String(WORKERS),
        RATE_LIMIT_PER_MINUTE: '100000000',
        STRIPE_WEBHOOK_SECRET: 'whsec_bench_only',
        BANK_FEED_ENCRYPTION_KEYS: Buffer.alloc(32, 7).toString('base64'), // bench only
        ORDER_EXPIRY_SWEEP_SECONDS: '0',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(app);
    await waitForLine(app, /listening on/);
    const base = `http://127.0.0.1:${port}`;

    // The bare server answers with the app's own bytes.
    const canned: Record<string, { contentType: string; body: string }> = {};
    for (const path of PATHS) {
      const res = await fetch(base + path);
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      canned[path] = { contentType: res.headers.get('content-type') ?? 'application/json', body: await res.text() };
    }
    const dir = mkdtempSync(join(tmpdir(), 'bench-http-'));
    writeFileSync(join(dir, 'routes.json'), JSON.stringify(canned));
    const bare = spawn(process.execPath, [join(REPO_ROOT, 'dist', 'bench', 'lib', 'bare-http-server.js'), join(dir, 'routes.json')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(bare);
    const barePort = Number(await waitForLine(bare, /^(\d+)$/));
    const bareBase = `http://127.0.0.1:${barePort}`;

    const rows: string[] = [];
    const summary: Record<string, { app: number; bare: number }> = {};
    for (const path of PATHS) {
      await load(base + path, 3); // warm-up: JIT, connection pool, caches
      await load(bareBase + path, 3);
      const appRuns: Awaited<ReturnType<typeof load>>[] = [];
      const bareRuns: Awaited<ReturnType<typeof load>>[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        appRuns.push(await load(base + path, SECONDS));
        bareRuns.push(await load(bareBase + path, SECONDS));
      }
      const a = median(appRuns.map((x) => x.rps));
      const b = median(bareRuns.map((x) => x.rps));
      summary[path] = { app: a, bare: b };
      const bad = appRuns.reduce((n, x) => n + x.non2xx + x.errors, 0);
      rows.push(
        `| \`GET ${path}\` | ${appRuns.map((x) => Math.round(x.rps)).join(' / ')} | ${bareRuns.map((x) => Math.round(x.rps)).join(' / ')} | ` +
          `**${(a / b).toFixed(2)}** | ${median(appRuns.map((x) => x.p50))} / ${median(appRuns.map((x) => x.p99))} ms | ${bad} |`,
      );
      console.log(`${path}: app ${Math.round(a)} req/s, bare ${Math.round(b)} req/s, ratio ${(a / b).toFixed(2)} (non-2xx/errors ${bad})`);
    }
    const loadAfter = loadAverage();
    const products = summary['/products'].app;
    const body = [
      `Run ${new Date().toISOString()}: \`npm run bench:http -- --seconds ${SECONDS} --rounds ${ROUNDS} --workers ${WORKERS}\`.`,
      machineLine(await pg.version()),
      `Load average (1/5/15 min) before: ${loadBefore}; after: ${loadAfter}.`,
      '',
      `The app as in production (\`node dist/src/main.js\`, NODE_ENV=production, WEB_CONCURRENCY=${WORKERS}, JSON request logs at info, ` +
        'rate limit, helmet headers, metrics, auth guard, validation; demo catalog) vs a bare node:http server answering the same bytes; ' +
        `autocannon, ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${SECONDS} s after a 3 s warm-up each; ratio of the medians.`,
      '',
      '| request | app req/s (rounds) | bare req/s (rounds) | app / bare | app p50 / p99 | app non-2xx + errors |',
      '| --- | --- | --- | --- | --- | --- |',
      ...rows,
      '',
      `Targets: \`/health/live\` ≥ 0.5 of bare (${(summary['/health/live'].app / summary['/health/live'].bare).toFixed(2)}); ` +
        `\`/products\` ≥ 3 × ${FIRST_WAVE_PRODUCTS_RPS} = ${3 * FIRST_WAVE_PRODUCTS_RPS} req/s (${Math.round(products)}, ${(products / FIRST_WAVE_PRODUCTS_RPS).toFixed(1)} ×).`,
    ].join('\n');
    writeResultsSection(RESULTS_FILE, `bench:http — request pipeline${WORKERS > 1 ? ` (${WORKERS} workers)` : ''}`, body);
    console.log(body);
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1000));
    await pg.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
