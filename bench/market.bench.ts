/**
 * 4.0 markets benchmark: `npm run bench:market [-- --transactions N] [--writers W] [--batch B] [--requests R] [--reuse]`.
 *
 * 1. An embedded PostgreSQL in .data-bench/market (fresh unless --reuse finds a finished dataset),
 *    the app's migrations.
 * 2. 200 markets (in all 34 provinces; Hà Nội and TP.HCM 25 each, Đắk Lắk 20) × 100 stalls (85 %
 *    QR-enabled), set-based SQL (setup, not measured).
 * 3. Ingest: N transactions (default 10,000,000) over two years ending today, in time order, in
 *    batches of B rows through `insertStallTransactionsCount` — the app's own insert path (one
 *    multi-row INSERT … RETURNING feeding the four rollup upserts, one database transaction per
 *    batch) — from W concurrent writers. Measured: transactions/s (target ≥ 5,000/s).
 * 4. ANALYZE, table sizes, then the real app (createApp, LOG_LEVEL silent) on a free 127.0.0.1 port,
 *    and 8 concurrent HTTP clients (keep-alive, in a worker thread so they do not share the app's
 *    event loop) per scenario: one market's 30-day stats, one market's one-year stats, a province
 *    ranking (target p95 ≤ 50 ms), with /health/live as the machine's baseline.
 * 5. The figures go to bench/RESULTS.md under "## Markets" (other sections are kept).
 *
 * The data directory is removed at the end unless --keep; `--keep` then `--reuse` re-measures the
 * latencies on the same dataset without ingesting again.
 *
 * This file is also the load worker (when run as a worker thread).
 */
import 'reflect-metadata';
import { existsSync, readdirSync, readFileSync, rmSync, statfsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory.js';
import { generateApiKey } from '../src/auth/api-key-secret.js';
import { vietnamDate } from '../src/common/clock.js';
import { loadConfig } from '../src/config/config.js';
import { dataSourceOptions, runMigrations } from '../src/database/data-source.js';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { addDays, daysBetween, planPeriod } from '../src/markets/market-stats.js';
import { MarketStatsService } from '../src/markets/market-stats.service.js';
import { insertStallTransactionsCount, type StallTxnInput, type StallTxnMethod } from '../src/markets/stall-transactions.sql.js';
import communesData from '../src/regions/data/communes.json' with { type: 'json' };
import provincesData from '../src/regions/data/provinces.json' with { type: 'json' };
import { seededRandom } from '../src/common/seeded-random.js';
import { writeResultsSection } from './lib/results.js';

// ---------------------------------------------------------------------------------------------
// Load worker: `clients` clients send their requests one after the other over keep-alive sockets.

interface LoadJob {
  port: number;
  clients: number;
  /** Requests to send, in order; each client takes the next one. */
  requests: Array<{ path: string; headers: Record<string, string> }>;
}

interface LoadResult {
  latencies: number[];
  errors: number;
  firstError: string | null;
  elapsedMs: number;
  bytes: number;
}

async function loadWorker(job: LoadJob): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.clients });
  const get = (path: string, headers: Record<string, string>) =>
    new Promise<{ status: number; body: Buffer }>((ok, fail) => {
      const req = http.request({ host: '127.0.0.1', port: job.port, path, method: 'GET', agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => ok({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', fail);
      });
      req.on('error', fail);
      req.end();
    });
  const out: LoadResult = { latencies: [], errors: 0, firstError: null, elapsedMs: 0, bytes: 0 };
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: job.clients }, async () => {
      while (next < job.requests.length) {
        const r = job.requests[next++];
        const t0 = performance.now();
        const res = await get(r.path, r.headers);
        const elapsed = performance.now() - t0;
        if (res.status === 200) {
          out.latencies.push(elapsed);
          out.bytes += res.body.length;
        } else {
          out.errors += 1;
          out.firstError ??= `${res.status} ${r.path} ${res.body.toString('utf8').slice(0, 200)}`;
        }
      }
    }),
  );
  out.elapsedMs = performance.now() - started;
  agent.destroy();
  return out;
}

if (!isMainThread) {
  loadWorker(workerData as LoadJob).then((r) => parentPort!.postMessage(r));
}

function runLoad(job: LoadJob): Promise<LoadResult> {
  return new Promise((ok, fail) => {
    const w = new Worker(new URL(import.meta.url), { workerData: job });
    w.once('message', ok);
    w.once('error', fail);
  });
}

// ---------------------------------------------------------------------------------------------
// Main

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'); // dist/bench → repository root
const DATA_DIR = join(ROOT, '.data-bench', 'market');
const RESULTS = join(ROOT, 'bench', 'RESULTS.md');
const DB = 'ocop_bench_market';
const TARGET_INGEST = 5_000;
const TARGET_P95_MS = 50;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]?.replace(/_/g, ''));
  if (!Number.isSafeInteger(v) || v <= 0) throw new Error(`--${name} needs a positive whole number`);
  return v;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

const TRANSACTIONS = arg('transactions', 10_000_000);
const MARKETS = arg('markets', 200);
const STALLS_PER_MARKET = arg('stalls', 100);
const BATCH = arg('batch', 10_000);
const WRITERS = arg('writers', 2);
const DAYS = arg('days', 730);
const CLIENTS = arg('clients', 8);
const REQUESTS = arg('requests', 800);
const WARMUP = 80;

const log = (m: string) => console.log(`[bench:market] ${m}`);
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/**
 * CPU ticks used so far by each client backend of the benchmark database (the processes serving
 * the app's and the ingest's connections; not autovacuum or other background workers), by pid —
 * Linux /proc; empty elsewhere. With this process's own CPU time it turns wall-clock figures taken
 * on a busy shared machine into a cost per transaction/request. A backend that exits during a
 * measurement takes its last ticks with it (the figure is then a little low, never negative).
 */
function pgCpuTicks(): Map<number, number> {
  const ticks = new Map<number, number>();
  try {
    const pid = Number(readFileSync(join(DATA_DIR, 'postmaster.pid'), 'utf8').split('\n')[0]);
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from #3 (state) on
        if (Number(f[1]) !== pid) continue;
        const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
        if (!cmd.includes(` ${DB} `)) continue; // "postgres: postgres ocop_bench_market 127.0.0.1(…) idle"
        ticks.set(Number(entry), Number(f[11]) + Number(f[12])); // utime + stime
      } catch {
        /* gone */
      }
    }
  } catch {
    /* not Linux */
  }
  return ticks;
}

/** PostgreSQL CPU seconds between two pgCpuTicks() samples: backends seen at the end, less what they had at the start. */
function pgCpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let ticks = 0;
  for (const [pid, t] of after) ticks += t - (before.get(pid) ?? 0);
  return ticks / 100; // USER_HZ
}

/** CPU seconds of this process (app, load generator thread, data generator). */
function nodeCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function cpuNow(): { pg: Map<number, number>; node: number } {
  return { pg: pgCpuTicks(), node: nodeCpuSeconds() };
}

/** "12 months from the monthly rollups − 3 days + 3 days from the daily ones": how planPeriod reads a period. */
function describePlan(from: string, to: string): string {
  const p = planPeriod(from, to);
  const days = (rs: Array<{ from: string; to: string }>) => rs.reduce((n, r) => n + daysBetween(r.from, r.to) + 1, 0);
  const months = p.months ? Math.round(daysBetween(p.months.from, p.months.to) / 30.4) + 1 : 0;
  const parts = [months ? `${months} month${months > 1 ? 's' : ''} from the monthly rollups` : ''];
  if (p.dayRanges.length) parts.push(`+ ${days(p.dayRanges)} days`);
  if (p.minusDayRanges.length) parts.push(`− ${days(p.minusDayRanges)} days`);
  return `${parts.filter(Boolean).join(' ')}${p.dayRanges.length || p.minusDayRanges.length ? ' from the daily rollups' : ''}`;
}


interface Province {
  code: string;
  name: string;
}
interface Commune {
  code: string;
  provinceCode: string;
}

/** Markets per province: Hà Nội 25, TP.HCM 25, Đắk Lắk 20, the rest spread over the other 31. */
function marketProvinces(n: number): string[] {
  const provinces = (provincesData as Province[]).map((p) => p.code);
  const weights = new Map<string, number>([
    ['01', 25],
    ['79', 25],
    ['66', 20],
  ]);
  const out: string[] = [];
  for (const [code, w] of weights) for (let i = 0; i < w && out.length < n; i++) out.push(code);
  const rest = provinces.filter((p) => !weights.has(p));
  for (let i = 0; out.length < n; i++) out.push(rest[i % rest.length]);
  return out;
}

interface StallRef {
  id: string;
  qr: boolean;
}

async function setupMarkets(client: pg.Client): Promise<void> {
  const communeOf = new Map<string, string>();
  for (const c of communesData as Commune[]) if (!communeOf.has(c.provinceCode)) communeOf.set(c.provinceCode, c.code);
  const provinces = marketProvinces(MARKETS);
  await client.query(
    `INSERT INTO markets (name, province_code, commune_code, address)
     SELECT 'Chợ 4.0 số ' || i, p, c, 'Địa chỉ ' || i FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS x(p, c, i)`,
    [provinces, provinces.map((p) => communeOf.get(p)!)],
  );
  const banks = ['970436', '970405', '970418', '970415', '970422', '970407', '970403', '970416', '970432', '970423'];
  await client.query(
    `INSERT INTO stalls (market_id, code, vendor_name, vendor_phone, category, bank_bin, bank_account_number, bank_account_name)
     SELECT m.id, chr(65 + (s / 10)) || '-' || lpad((s % 10 + 1)::text, 2, '0'), 'Người bán ' || n, '09' || lpad(n::text, 8, '0'),
            (ARRAY['fresh_produce','meat_fish','dry_goods','prepared_food','clothing_textiles','household','services','other'])[1 + s % 8],
            CASE WHEN s % 20 < 17 THEN ($1::text[])[1 + n % 10] END,
            CASE WHEN s % 20 < 17 THEN (1000000000 + n)::text END,
            CASE WHEN s % 20 < 17 THEN 'NGUOI BAN ' || n END
     FROM (SELECT id, row_number() OVER (ORDER BY created_at, id) AS mi FROM markets) m
     CROSS JOIN generate_series(0, $2::int - 1) AS s
     CROSS JOIN LATERAL (SELECT (m.mi - 1) * $2::int + s AS n) k`,
    [banks, STALLS_PER_MARKET],
  );
}

/**
 * Ingests `total` transactions over DAYS days ending `today`, in time order, batches of BATCH rows,
 * WRITERS concurrent database transactions. Returns the elapsed milliseconds.
 */
async function ingest(ds: DataSource, stalls: StallRef[], total: number, today: string): Promise<{ ms: number; inserted: number }> {
  const rand = seededRandom(42);
  // Stalls are not equally busy: weights 0.3–1.7, sampled through a cumulative table.
  const cum = new Float64Array(stalls.length);
  let acc = 0;
  stalls.forEach((_, i) => {
    acc += 0.3 + 1.4 * rand();
    cum[i] = acc;
  });
  const pick = () => {
    const x = rand() * acc;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return stalls[lo];
  };
  const first = addDays(today, -(DAYS - 1));
  const firstMs = Date.parse(`${first}T00:00:00+07:00`);
  let produced = 0;
  function* batches(): Generator<StallTxnInput[]> {
    let pending: StallTxnInput[] = [];
    for (let d = 0; d < DAYS; d++) {
      const todayCount = Math.floor(((d + 1) * total) / DAYS) - Math.floor((d * total) / DAYS);
      const cashless = 0.3 + 0.4 * (d / (DAYS - 1)); // adoption grows from 30 % to 70 %
      const dayStart = firstMs + d * 86_400_000;
      const rows: Array<StallTxnInput & { t: number }> = [];
      for (let i = 0; i < todayCount; i++) {
        const s = pick();
        const t = dayStart + (5 * 3600 + Math.floor(rand() * 14 * 3600)) * 1000; // 05:00–19:00 Vietnam time
        let method: StallTxnMethod = 'cash';
        if (s.qr && rand() < cashless) method = rand() < 0.1 ? 'card' : 'qr';
        const amountVnd = Math.max(10_000, Math.round((10_000 + 490_000 * rand() ** 3) / 1000) * 1000);
        rows.push({ stallId: s.id, amountVnd, method, occurredAt: new Date(t), t });
      }
      rows.sort((a, b) => a.t - b.t);
      for (const r of rows) {
        pending.push(r);
        if (pending.length === BATCH) {
          produced += pending.length;
          yield pending;
          pending = [];
        }
      }
    }
    if (pending.length) {
      produced += pending.length;
      yield pending;
    }
  }
  const it = batches();
  let inserted = 0;
  let lastLog = performance.now();
  const started = performance.now();
  const writer = async () => {
    for (;;) {
      const next = it.next();
      if (next.done) return;
      const n = await ds.transaction((m) => insertStallTransactionsCount(m, next.value, { source: 'csv' }));
      inserted += n; // not `inserted += await …`: that reads `inserted` before the await
      const now = performance.now();
      if (now - lastLog > 15_000) {
        lastLog = now;
        log(`  ${fmt(inserted)} / ${fmt(total)} rows, ${fmt(inserted / ((now - started) / 1000))} rows/s`);
      }
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
  if (produced !== inserted) throw new Error(`produced ${produced} rows but inserted ${inserted}`);
  return { ms: performance.now() - started, inserted };
}

interface Latency {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  rps: number;
  errors: number;
  kb: number;
}

function summarize(r: LoadResult): Latency {
  const s = [...r.latencies].sort((a, b) => a - b);
  const p = (q: number) => s[Math.min(s.length, Math.max(1, Math.ceil(q * s.length))) - 1] ?? NaN;
  return {
    n: s.length,
    p50: p(0.5),
    p95: p(0.95),
    p99: p(0.99),
    mean: s.reduce((a, b) => a + b, 0) / (s.length || 1),
    rps: (s.length / r.elapsedMs) * 1000,
    errors: r.errors,
    kb: r.bytes / (s.length || 1) / 1024,
  };
}

async function main(): Promise<void> {
  const disk = statfsSync(ROOT);
  const freeGiB = (disk.bavail * disk.bsize) / 2 ** 30;
  log(`free disk at ${ROOT}: ${freeGiB.toFixed(1)} GiB`);
  const reuse = flag('reuse') && existsSync(join(DATA_DIR, 'PG_VERSION'));
  if (!reuse) rmSync(DATA_DIR, { recursive: true, force: true });
  const server = await startEmbeddedPostgres({ dataDir: DATA_DIR, persistent: true });
  const url = server.adminUrl.replace(/\/postgres$/, `/${DB}`);
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  let app: Awaited<ReturnType<typeof createApp>> | undefined;
  let ds: DataSource | undefined;
  try {
    const pgVersion = (await admin.query('SHOW server_version')).rows[0].server_version as string;
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB])).rowCount;
    let ingestFigures: { ms: number; inserted: number; setupMs: number; pgCpu: number; nodeCpu: number; load: number[] } | null = null;
    const today = vietnamDate(new Date());
    if (!reuse || !exists) {
      await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${DB}`);
      await runMigrations(url);
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const t0 = performance.now();
      await setupMarkets(c);
      await c.end();
      const setupMs = performance.now() - t0;
      ds = new DataSource(dataSourceOptions(url, { poolMax: WRITERS + 1 }));
      await ds.initialize();
      const stalls = ((await ds.query('SELECT id, bank_account_number IS NOT NULL AS qr FROM stalls ORDER BY id')) as StallRef[]).map((s) => ({ id: s.id, qr: s.qr }));
      log(`${MARKETS} markets, ${fmt(stalls.length)} stalls; ingesting ${fmt(TRANSACTIONS)} transactions over ${DAYS} days ending ${today} (batches of ${fmt(BATCH)}, ${WRITERS} writers)…`);
      const cpu0 = cpuNow();
      const load0 = loadavg()[0];
      const r = await ingest(ds, stalls, TRANSACTIONS, today);
      const cpu1 = cpuNow();
      const load1 = loadavg()[0];
      ingestFigures = { ...r, setupMs, pgCpu: pgCpuBetween(cpu0.pg, cpu1.pg), nodeCpu: cpu1.node - cpu0.node, load: [load0, load1] };
      log(
        `ingested ${fmt(r.inserted)} in ${(r.ms / 1000).toFixed(1)} s: ${fmt(r.inserted / (r.ms / 1000))} transactions/s; ` +
          `CPU ${pgCpuBetween(cpu0.pg, cpu1.pg).toFixed(0)} s PostgreSQL + ${(cpu1.node - cpu0.node).toFixed(0)} s Node; load average ${load0.toFixed(1)} → ${load1.toFixed(1)}`,
      );
      const a0 = performance.now();
      await ds.query('VACUUM (ANALYZE) stall_daily_rollups, stall_monthly_rollups, market_daily_rollups, market_monthly_rollups, stalls, markets');
      await ds.query('ANALYZE stall_transactions');
      log(`VACUUM ANALYZE (rollups) + ANALYZE (transactions): ${((performance.now() - a0) / 1000).toFixed(1)} s`);
      await ds.query(`INSERT INTO app_meta (key, value) VALUES ('bench_market', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [
        JSON.stringify({ ...ingestFigures, today, transactions: TRANSACTIONS, batch: BATCH, writers: WRITERS }),
      ]);
    } else {
      ds = new DataSource(dataSourceOptions(url, { poolMax: 2 }));
      await ds.initialize();
      log('reusing the dataset of a previous run (--reuse)');
    }
    const meta = ((await ds.query(`SELECT value FROM app_meta WHERE key = 'bench_market'`)) as Array<{ value: { ms: number; inserted: number; setupMs: number; pgCpu: number; nodeCpu: number; load: number[]; today: string; batch: number; writers: number } }>)[0]?.value;
    const dataToday = meta?.today ?? today;
    const sizes = (await ds.query(
      `SELECT c.relname AS name, pg_total_relation_size(c.oid) AS total, pg_relation_size(c.oid) AS heap, c.reltuples::bigint AS rows
       FROM pg_class c WHERE c.relname IN ('stall_transactions','stall_daily_rollups','stall_monthly_rollups','market_daily_rollups','market_monthly_rollups') ORDER BY 2 DESC`,
    )) as Array<{ name: string; total: string; heap: string; rows: string }>;
    const counts = (await ds.query(`SELECT (SELECT count(*) FROM stall_transactions)::bigint AS tx, (SELECT count(*) FROM stalls)::int AS stalls, (SELECT count(*) FROM markets)::int AS markets`))[0] as {
      tx: string;
      stalls: number;
      markets: number;
    };

    // The app.
    const adminKey = generateApiKey();
    const config = loadConfig({
      NODE_ENV: 'development',
      LOG_LEVEL: 'silent',
      ADMIN_API_KEY: adminKey,
      SEED_DEMO: 'false',
      RATE_LIMIT_PER_MINUTE: '100000000',
      ORDER_EXPIRY_SWEEP_SECONDS: '0',
      DB_POOL_MAX: '10',
    });
    app = await createApp({ config, databaseUrl: url });
    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer().address() as AddressInfo).port;
    log(`app listening on 127.0.0.1:${port}`);

    // Markets to query: 16 markets of Hà Nội (the largest province), each with its own manager key.
    const sample = (await ds.query(`SELECT id FROM markets WHERE province_code = '01' ORDER BY id LIMIT 16`)) as Array<{ id: string }>;
    const keys = new Map<string, string>();
    for (const m of sample) {
      const res = await fetch(`http://127.0.0.1:${port}/markets/${m.id}/api-keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'bench' }),
      });
      keys.set(m.id, ((await res.json()) as { key: string }).key);
    }
    const from30 = addDays(dataToday, -29);
    const from365 = addDays(dataToday, -364);
    const provinceMarkets = (await ds.query(`SELECT count(*)::int AS n FROM markets WHERE province_code = '01'`))[0].n as number;
    const scenarios: Array<{ name: string; path: (i: number) => string; key: (i: number) => string; target: boolean }> = [
      { name: '`GET /health/live` (baseline: no database, no auth)', path: () => '/health/live', key: () => '', target: false },
      {
        name: 'one market, 30 days, by day (manager key)',
        path: (i) => `/markets/${sample[i % sample.length].id}/stats?from=${from30}&to=${dataToday}&granularity=day`,
        key: (i) => keys.get(sample[i % sample.length].id)!,
        target: true,
      },
      {
        name: 'one market, one year, by week (manager key)',
        path: (i) => `/markets/${sample[i % sample.length].id}/stats?from=${from365}&to=${dataToday}&granularity=week`,
        key: (i) => keys.get(sample[i % sample.length].id)!,
        target: true,
      },
      {
        name: 'one market, one year, by day (365 points)',
        path: (i) => `/markets/${sample[i % sample.length].id}/stats?from=${from365}&to=${dataToday}&granularity=day`,
        key: (i) => keys.get(sample[i % sample.length].id)!,
        target: true,
      },
      {
        name: `province ranking, 30 days (Hà Nội, ${provinceMarkets} markets, admin)`,
        path: () => `/markets/stats?provinceCode=01&from=${from30}&to=${dataToday}`,
        key: () => adminKey,
        target: true,
      },
      {
        name: `province ranking, one year (Hà Nội, ${provinceMarkets} markets, admin)`,
        path: () => `/markets/stats?provinceCode=01&from=${from365}&to=${dataToday}`,
        key: () => adminKey,
        target: true,
      },
    ];
    const results: Array<{ name: string; lat: Latency; target: boolean; cpuMs: number; load: number }> = [];
    for (const s of scenarios) {
      const req = (i: number) => ({ path: s.path(i), headers: s.key(i) ? { authorization: `Bearer ${s.key(i)}` } : ({} as Record<string, string>) });
      await runLoad({ port, clients: CLIENTS, requests: Array.from({ length: WARMUP }, (_, i) => req(i)) });
      const c0 = cpuNow();
      const load = loadavg()[0];
      const lat = summarize(await runLoad({ port, clients: CLIENTS, requests: Array.from({ length: REQUESTS }, (_, i) => req(i)) }));
      const c1 = cpuNow();
      if (lat.errors) throw new Error(`${s.name}: ${lat.errors} errors`);
      const cpuMs = ((pgCpuBetween(c0.pg, c1.pg) + (c1.node - c0.node)) * 1000) / REQUESTS;
      results.push({ name: s.name, lat, target: s.target, cpuMs, load });
      log(`${s.name}: p50 ${lat.p50.toFixed(1)} ms, p95 ${lat.p95.toFixed(1)} ms, p99 ${lat.p99.toFixed(1)} ms, ${lat.rps.toFixed(0)} req/s, CPU ${cpuMs.toFixed(1)} ms/request, load ${load.toFixed(1)}`);
    }

    // The service alone (no HTTP, no auth, one at a time): a one-year market request.
    const statsService = app.get(MarketStatsService);
    const alone: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      await statsService.marketStats(sample[i % sample.length].id, { from: from365, to: dataToday, granularity: 'week' });
      alone.push(performance.now() - t0);
    }
    alone.sort((a, b) => a - b);
    const aloneMedian = alone[Math.floor(alone.length / 2)];

    // Report.
    const ingestRate = meta ? meta.inserted / (meta.ms / 1000) : NaN;
    const cpu = cpus();
    const cmdArgs = process.argv.slice(2).join(' ');
    const lines: string[] = [];
    lines.push(`Run ${new Date().toISOString()} with \`npm run bench:market${cmdArgs ? ` -- ${cmdArgs}` : ''}\` (\`npm run build && node dist/bench/market.bench.js${cmdArgs ? ` ${cmdArgs}` : ''}\`).`);
    lines.push('');
    lines.push(
      `Machine: ${cpu[0]?.model.replace(/\s+/g, ' ').trim()} × ${cpu.length} logical CPUs, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${platform()} ${release()}; Node ${process.version}; ` +
        `PostgreSQL ${pgVersion} (embedded, settings of src/database/embedded-postgres.ts: shared_buffers 256MB, defaults otherwise — fsync and synchronous_commit on). ` +
        'The app, the database and the load generator share these CPUs: the /health/live row is the floor.',
    );
    lines.push('');
    lines.push(
      `Data: ${counts.markets} markets in ${new Set(marketProvinces(counts.markets)).size} provinces (Hà Nội 25, TP.HCM 25, Đắk Lắk 20, 4–5 in each other province), ` +
        `${fmt(counts.stalls)} stalls (${STALLS_PER_MARKET} per market, 85 % QR-enabled), ${fmt(Number(counts.tx))} transactions over ${DAYS} days ending ${dataToday} ` +
        '(05:00–19:00 Vietnam time, stalls unequally busy, 10,000–500,000 VND, cashless share growing from 30 % to 70 %).',
    );
    lines.push('');
    if (meta) {
      lines.push(
        `Ingest: **${fmt(ingestRate)} transactions/s** (target ≥ ${fmt(TARGET_INGEST)}/s: **${ingestRate >= TARGET_INGEST ? 'met' : 'missed'}**) — ${fmt(meta.inserted)} rows in ${(meta.ms / 1000).toFixed(1)} s, ` +
          `in time order, batches of ${fmt(meta.batch)} rows, ${meta.writers} concurrent writers, each batch one database transaction running \`insertStallTransactionsCount\` ` +
          '(src/markets/stall-transactions.sql.ts: the statement every writer of the app uses — multi-row INSERT … RETURNING feeding the upserts of the stall×day, stall×month, market×day and market×month rollups). ' +
          'Transaction ids are time-ordered UUIDs (market_uuid_v7()). Setup of markets and stalls (not measured): ' +
          `${(meta.setupMs / 1000).toFixed(1)} s.`,
      );
      lines.push('');
      const cpuTotal = meta.pgCpu + meta.nodeCpu;
      lines.push(
        `CPU used by the ingest: ${fmt(meta.pgCpu)} s PostgreSQL + ${fmt(meta.nodeCpu)} s Node (data generation included) = ` +
          `**${((cpuTotal * 1e6) / meta.inserted).toFixed(0)} µs of CPU per transaction**, ${fmt(meta.inserted / cpuTotal)} transactions per CPU-second; ` +
          `load average (1 min) ${meta.load[0].toFixed(1)} at the start, ${meta.load[1].toFixed(1)} at the end on ${cpus().length} CPUs ` +
          '(the benchmark\'s own writers and database included).',
      );
    } else {
      lines.push('Ingest: not measured in this run (--reuse).');
    }
    lines.push('');
    lines.push('| Table | rows (estimate) | heap | with indexes |');
    lines.push('|---|---:|---:|---:|');
    for (const s of sizes) lines.push(`| \`${s.name}\` | ${fmt(Number(s.rows))} | ${fmt(Number(s.heap) / 2 ** 20)} MB | ${fmt(Number(s.total) / 2 ** 20)} MB |`);
    lines.push('');
    lines.push(
      `Load: ${CLIENTS} concurrent clients (node:http keep-alive, worker thread), ${fmt(REQUESTS)} requests per scenario after ${WARMUP} warm-up requests; real app (createApp, log level silent, pool of 10). ` +
        `Market scenarios rotate over ${sample.length} markets of Hà Nội, each with its own market_manager key (so every request also authenticates a key in the database). ` +
        `Periods end ${dataToday}: 30 days = ${from30}…${dataToday} (read as ${describePlan(from30, dataToday)}); one year = ${from365}…${dataToday} (${describePlan(from365, dataToday)}). ` +
        `Target: p95 ≤ ${TARGET_P95_MS} ms.`,
    );
    lines.push('');
    lines.push('| Scenario | p50 ms | p95 ms | p99 ms | mean ms | req/s | KiB/response | CPU ms/request | load avg | Target |');
    lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|:---:|');
    for (const r of results) {
      lines.push(
        `| ${r.name} | ${r.lat.p50.toFixed(1)} | ${r.lat.p95.toFixed(1)} | ${r.lat.p99.toFixed(1)} | ${r.lat.mean.toFixed(1)} | ${r.lat.rps.toFixed(0)} | ${r.lat.kb.toFixed(1)} | ${r.cpuMs.toFixed(1)} | ${r.load.toFixed(1)} | ${r.target ? (r.lat.p95 <= TARGET_P95_MS ? 'met' : 'missed') : '–'} |`,
      );
    }
    lines.push('');
    lines.push(
      '"CPU ms/request": CPU time of the benchmark database\'s backends plus this process (app and load generator) during the scenario, divided by its requests, ' +
        'as the guest kernel accounts it. On this shared VM it runs high under contention (even /health/live shows several ms), so compare the scenarios ' +
        'with each other and with /health/live rather than reading it as an absolute. "load avg": the 1-minute load average when the scenario started.',
    );
    lines.push('');
    lines.push(`One year of one market through MarketStatsService alone (no HTTP, no auth, one request at a time): median ${aloneMedian.toFixed(1)} ms over 30 calls. Statistics never read \`stall_transactions\`.`);
    // The full 10M run is "Markets"; a smaller --transactions run keeps its own section beside it.
    const heading = TRANSACTIONS === 10_000_000 ? 'Markets' : `Markets (${TRANSACTIONS.toLocaleString('en-US')} transactions)`;
    writeResultsSection(RESULTS, heading, lines.join('\n'));
    log(`wrote ${RESULTS} (## Markets)`);
  } finally {
    if (app) await app.close();
    if (ds?.isInitialized) await ds.destroy();
    await admin.end();
    await server.stop();
    if (!flag('keep')) rmSync(DATA_DIR, { recursive: true, force: true });
  }
}

if (isMainThread) {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
