/**
 * Catalog benchmark: `npm run bench:catalog`.
 *
 * Starts an embedded PostgreSQL in .data-bench/catalog (fresh every run), migrates, inserts a
 * realistic catalog (100,000 products of ~200 cooperatives, bench/lib/catalog-dataset.ts) with
 * set-based SQL, VACUUM ANALYZE, boots the real app (createApp, log level silent) on a free
 * localhost port and measures text searches and filtered lists with 16 concurrent HTTP clients
 * (a worker thread, Node's fetch). Writes the figures to bench/RESULTS.md ("## Catalog").
 *
 * Besides the HTTP figures it measures, for scale, GET /health/live (the app's fixed cost per
 * request, no database) and the same SQL sent straight to PostgreSQL by as many connections as there
 * are clients (the database's share).
 *
 * Environment: BENCH_PRODUCTS (100000), BENCH_COOPERATIVES (200), BENCH_REQUESTS (per client, 150),
 * BENCH_CONCURRENCY (16), BENCH_DB_POOL (app pool size, 8), BENCH_CLIENT (http | fetch).
 */
import 'reflect-metadata';
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createApp } from '../src/app.factory.js';
import { CatalogService } from '../src/catalog/catalog.service.js';
import type { ProductListQuery } from '../src/catalog/dto/product.dto.js';
import { loadConfig } from '../src/config/config.js';
import { runMigrations } from '../src/database/data-source.js';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { seedCatalogDataset } from './lib/catalog-dataset.js';
import { runDbLoad } from './lib/db-load.js';
import { runLoad } from './lib/load.js';
import { writeResultsSection } from './lib/results.js';
import { ms, summarize, type LatencySummary } from './lib/stats.js';

const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 100_000);
const COOPERATIVES = Number(process.env.BENCH_COOPERATIVES ?? 200);
const REQUESTS_PER_CLIENT = Number(process.env.BENCH_REQUESTS ?? 150);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const DB_POOL = Number(process.env.BENCH_DB_POOL ?? 8);
const CLIENT = (process.env.BENCH_CLIENT ?? 'http') as 'http' | 'fetch';
const WARMUP_REQUESTS = 30;
const TARGET_P95_MS = 30;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'); // dist/bench → repo root
const DATA_DIR = join(ROOT, '.data-bench', 'catalog');
const RESULTS = join(ROOT, 'bench', 'RESULTS.md');

interface BenchQuery {
  name: string;
  query: Record<string, string>;
}

const QUERIES: BenchQuery[] = [
  { name: 'search "ca phe"', query: { q: 'ca phe' } },
  { name: 'search "mat ong"', query: { q: 'mat ong' } },
  { name: 'search "nuoc mam phu quoc"', query: { q: 'nuoc mam phu quoc' } },
  { name: 'search "dak lak"', query: { q: 'dak lak' } },
  { name: 'search "tra shan tuyet"', query: { q: 'tra shan tuyet' } },
  { name: 'list group=food&minStars=4&sort=price_asc', query: { group: 'food', minStars: '4', sort: 'price_asc' } },
  { name: 'list provinceCode=66&sort=newest', query: { provinceCode: '66', sort: 'newest' } },
];

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

function planSummary(n: PlanNode): string[] {
  const self = n['Index Name'] ? `${n['Node Type']} (${n['Index Name']})` : n['Relation Name'] ? `${n['Node Type']} (${n['Relation Name']})` : null;
  return [...(self ? [self] : []), ...(n.Plans ?? []).flatMap(planSummary)];
}

/** What the figures say, computed from this run. */
function reading(
  baseline: { s: LatencySummary; rps: number },
  rows: Array<{
    p: { q: BenchQuery; matches: number | null; execMs: number; planMs: number };
    web: { s: LatencySummary; rps: number };
    cold: { s: LatencySummary; rps: number };
    db: LatencySummary;
  }>,
): string[] {
  const out: string[] = ['Reading:', ''];
  const missed = rows.filter((r) => r.web.s.p95 > TARGET_P95_MS);
  out.push(
    missed.length
      ? `- Default configuration: ${missed.length} of ${rows.length} queries miss p95 ≤ ${TARGET_P95_MS} ms (${missed.map((r) => r.p.q.name).join(', ')}).`
      : `- Default configuration: every query meets p95 ≤ ${TARGET_P95_MS} ms; these are repeated queries, so nearly all answers come from the list cache.`,
  );
  const coldMissed = rows.filter((r) => r.cold.s.p95 > TARGET_P95_MS);
  out.push(
    coldMissed.length
      ? `- Without the cache ${coldMissed.length} of ${rows.length} queries miss it (${coldMissed.map((r) => `${r.p.q.name} ${ms(r.cold.s.p95)} ms`).join(', ')}). ` +
          `One query alone takes ${Math.min(...rows.map((r) => r.p.execMs)).toFixed(2)}–${Math.max(...rows.map((r) => r.p.execMs)).toFixed(2)} ms to execute ` +
          `plus ${Math.min(...rows.map((r) => r.p.planMs)).toFixed(2)}–${Math.max(...rows.map((r) => r.p.planMs)).toFixed(2)} ms to plan; ` +
          `with ${CONCURRENCY} requests in flight on ${cpus().length} CPUs shared by PostgreSQL, the app and the load generator, each waits behind the others ` +
          `(the SQL alone, without the app, already has p95 ${ms(Math.min(...rows.map((r) => r.db.p95)))}–${ms(Math.max(...rows.map((r) => r.db.p95)))} ms at that concurrency).`
      : `- Without the cache every query also meets it.`,
  );
  const lists = rows.filter((r) => r.p.matches === null);
  if (lists.length) {
    out.push(
      `- Lists are index walks that stop after 21 rows: ${lists.map((r) => `${r.p.execMs.toFixed(2)} ms`).join(', ')} of database time per query.`,
    );
  }
  const searches = rows.filter((r) => r.p.matches !== null).sort((a, b) => (b.p.matches ?? 0) - (a.p.matches ?? 0));
  if (searches.length) {
    out.push(
      `- Searches rank by tier (the name starts with the words, holds them, or only the cooperative/description does), then stars and newest; ` +
        `each tier walks an index and stops after the page, so database time no longer grows with the number of matches ` +
        `(${searches.map((r) => `${r.p.matches} matches → ${r.p.execMs.toFixed(1)} ms`).join('; ')}, one query alone).`,
    );
  }
  out.push(`- \`GET /health/live\` (no database) at the same concurrency: p95 ${ms(baseline.s.p95)} ms, ${baseline.rps.toFixed(0)} req/s — the floor of any request here.`);
  return out;
}

function log(msg: string): void {
  console.log(`[bench:catalog] ${msg}`);
}

async function main(): Promise<void> {
  const started = new Date();
  const loadBefore = loadavg().map((x) => x.toFixed(2)).join(' / ');
  rmSync(DATA_DIR, { recursive: true, force: true });
  log(`starting embedded PostgreSQL in ${DATA_DIR}`);
  const server = await startEmbeddedPostgres({ dataDir: DATA_DIR, persistent: false });
  let app: Awaited<ReturnType<typeof createApp>> | undefined;
  let appNoCache: Awaited<ReturnType<typeof createApp>> | undefined;
  let pool: pg.Pool | undefined;
  try {
    const admin = new pg.Client({ connectionString: server.adminUrl });
    await admin.connect();
    await admin.query('CREATE DATABASE ocop_bench');
    await admin.end();
    const url = server.adminUrl.replace(/\/postgres$/, '/ocop_bench');
    await runMigrations(url);
    pool = new pg.Pool({ connectionString: url, max: CONCURRENCY });
    // An idle connection dropped while the server stops must not crash the run.
    pool.on('error', () => undefined);
    const pgVersion = (await pool.query('SHOW server_version')).rows[0].server_version as string;

    const config = loadConfig({
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      SEED_DEMO: 'false',
      RATE_LIMIT_PER_MINUTE: '100000000',
      DB_POOL_MAX: String(DB_POOL),
      STRIPE_WEBHOOK_SECRET: 'whsec_bench_only',
      BANK_FEED_ENCRYPTION_KEYS: Buffer.alloc(32, 7).toString('base64'), // bench only
      ORDER_EXPIRY_SWEEP_SECONDS: '0',
    });
    app = await createApp({ config, databaseUrl: url });
    // The same app with the public list cache off: every request runs its query.
    appNoCache = await createApp({ config: { ...config, catalogCacheSeconds: 0 }, databaseUrl: url });
    const catalog = app.get(CatalogService);
    const today = catalog.today();

    log(`inserting ${COOPERATIVES} cooperatives and ${PRODUCTS} products`);
    const t0 = performance.now();
    await seedCatalogDataset(pool, { cooperatives: COOPERATIVES, products: PRODUCTS, today });
    const seedMs = performance.now() - t0;
    await pool.query('VACUUM ANALYZE products');
    await pool.query('VACUUM ANALYZE cooperatives');
    const size = (await pool.query(`SELECT pg_size_pretty(pg_total_relation_size('products')) AS total, pg_size_pretty(pg_relation_size('products')) AS heap`)).rows[0];
    log(`seeded in ${(seedMs / 1000).toFixed(1)} s; products: ${size.heap} heap, ${size.total} with indexes`);

    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer().address() as AddressInfo).port;
    const base = `http://127.0.0.1:${port}`;
    await appNoCache.listen(0, '127.0.0.1');
    const baseNoCache = `http://127.0.0.1:${(appNoCache.getHttpServer().address() as AddressInfo).port}`;

    // Exactly the SQL the service runs for each query; its plan and single-run time.
    interface Planned {
      q: BenchQuery;
      sql: string;
      params: unknown[];
      matches: number | null;
      execMs: number;
      planMs: number;
      nodes: string[];
    }
    const planned: Planned[] = [];
    for (const q of QUERIES) {
      const plan = catalog.planList({ ...q.query, ...(q.query.minStars ? { minStars: Number(q.query.minStars) } : {}) } as unknown as ProductListQuery);
      for (let i = 0; i < 3; i++) await pool.query(plan.sql, plan.params);
      const res = await pool.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${plan.sql}`, plan.params);
      const root = res.rows[0]['QUERY PLAN'][0];
      let matches: number | null = null;
      if (q.query.q) {
        const tsq = plan.params.find((v) => typeof v === 'string' && v.includes(':*') && !v.includes(':*A')) as string;
        matches = (
          await pool.query(`SELECT count(*)::int AS n FROM products WHERE status = 'active' AND ocop_expires_at >= $2::date AND search_vector @@ to_tsquery('simple', $1)`, [tsq, today])
        ).rows[0].n;
      }
      planned.push({ q, sql: plan.sql, params: plan.params, matches, execMs: root['Execution Time'], planMs: root['Planning Time'], nodes: planSummary(root.Plan) });
    }

    const load = { concurrency: CONCURRENCY, requestsPerClient: REQUESTS_PER_CLIENT };
    async function http(path: string, origin = base): Promise<{ s: LatencySummary; rps: number }> {
      const check = await fetch(origin + path);
      const body = (await check.json()) as { items?: unknown[] };
      if (check.status !== 200 || (path.startsWith('/products') && !body.items?.length)) {
        throw new Error(`${path}: ${check.status} ${JSON.stringify(body).slice(0, 300)}`);
      }
      for (let i = 0; i < WARMUP_REQUESTS; i++) await (await fetch(origin + path)).arrayBuffer();
      const r = await runLoad(origin + path, { ...load, client: CLIENT });
      if (r.errors) throw new Error(`${path}: ${r.errors} failed requests, first: ${r.firstError}`);
      return { s: summarize(r.latencies), rps: (r.latencies.length / r.elapsedMs) * 1000 };
    }

    log(`GET /health/live (baseline): ${CONCURRENCY} clients × ${REQUESTS_PER_CLIENT} requests`);
    const baseline = await http('/health/live');
    log(`  p50 ${ms(baseline.s.p50)} ms  p95 ${ms(baseline.s.p95)} ms  ${baseline.rps.toFixed(0)} req/s`);

    const rows: Array<{ p: Planned; web: { s: LatencySummary; rps: number }; cold: { s: LatencySummary; rps: number }; db: LatencySummary }> = [];
    for (const p of planned) {
      const path = `/products?${new URLSearchParams(p.q.query).toString()}`;
      log(`${p.q.name}: ${CONCURRENCY} clients × ${REQUESTS_PER_CLIENT} requests`);
      const web = await http(path);
      const cold = await http(path, baseNoCache);
      const dbRun = await runDbLoad(pool, p.sql, p.params, load);
      const db = summarize(dbRun.latencies);
      rows.push({ p, web, cold, db });
      log(
        `  HTTP p50 ${ms(web.s.p50)} ms  p95 ${ms(web.s.p95)} ms  ${web.rps.toFixed(0)} req/s | no cache p95 ${ms(cold.s.p95)} ms  ${cold.rps.toFixed(0)} req/s | ` +
          `SQL alone p50 ${ms(db.p50)} ms  p95 ${ms(db.p95)} ms`,
      );
    }

    const cpu = cpus();
    const lines: string[] = [];
    lines.push(`Run ${started.toISOString()} with \`npm run bench:catalog\` (\`npm run build && node dist/bench/catalog.bench.js\`).`);
    lines.push('');
    lines.push(
      `Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} logical CPUs, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${platform()} ${release()}; ` +
        `Node ${process.version}; PostgreSQL ${pgVersion} (embedded, settings of src/database/embedded-postgres.ts). ` +
        `The app, the database and the load generator share these CPUs (load average 1/5/15 min before the run: ${loadBefore}).`,
    );
    lines.push('');
    lines.push(
      `Data: ${PRODUCTS.toLocaleString('en')} products of ${COOPERATIVES} cooperatives in 34 provinces, six OCOP groups (bench/lib/catalog-dataset.ts), ` +
        `inserted in ${(seedMs / 1000).toFixed(1)} s with set-based SQL, then VACUUM ANALYZE; products table ${size.heap} (${size.total} with indexes).`,
    );
    lines.push('');
    lines.push(
      `Load: ${CONCURRENCY} concurrent clients × ${REQUESTS_PER_CLIENT} requests per query after ${WARMUP_REQUESTS} warm-up requests; ` +
        `client \`${CLIENT}\` (keep-alive) in a worker thread; real app (createApp, log level silent), pool of ${DB_POOL} connections; first page of 20. ` +
        `"HTTP" is the app as configured by default (CATALOG_CACHE_SECONDS=2: a public list answered from memory for up to 2 s, so under this load nearly every request after the first is a cache hit); ` +
        `"no cache" is a second instance of the app with CATALOG_CACHE_SECONDS=0, where every request runs the query. ` +
        `"SQL alone" sends the service's SQL for the same query straight to PostgreSQL from ${CONCURRENCY} connections, ${REQUESTS_PER_CLIENT} times each.`,
    );
    lines.push('');
    lines.push(`Target: HTTP p95 ≤ ${TARGET_P95_MS} ms (judged on the default configuration; the no-cache column shows what a query nobody asked for in the last 2 s costs).`);
    lines.push('');
    lines.push('| Query | Matches | HTTP p50 ms | HTTP p95 ms | HTTP p99 ms | req/s | no cache p50 ms | no cache p95 ms | no cache req/s | SQL alone p50 ms | SQL alone p95 ms | SQL 1 run ms (planning) | Target |');
    lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|');
    lines.push(`| \`GET /health/live\` (baseline, no database) | – | ${ms(baseline.s.p50)} | ${ms(baseline.s.p95)} | ${ms(baseline.s.p99)} | ${baseline.rps.toFixed(0)} | – | – | – | – | – | – | ${baseline.s.p95 <= TARGET_P95_MS ? 'met' : 'missed'} |`);
    for (const r of rows) {
      lines.push(
        `| \`${r.p.q.name}\` | ${r.p.matches ?? '–'} | ${ms(r.web.s.p50)} | ${ms(r.web.s.p95)} | ${ms(r.web.s.p99)} | ${r.web.rps.toFixed(0)} | ` +
          `${ms(r.cold.s.p50)} | ${ms(r.cold.s.p95)} | ${r.cold.rps.toFixed(0)} | ` +
          `${ms(r.db.p50)} | ${ms(r.db.p95)} | ${r.p.execMs.toFixed(2)} (${r.p.planMs.toFixed(2)}) | ${r.web.s.p95 <= TARGET_P95_MS ? 'met' : 'missed'}${r.cold.s.p95 <= TARGET_P95_MS ? '' : ' (no cache: missed)'} |`,
      );
    }
    lines.push('');
    lines.push(...reading(baseline, rows));
    lines.push('');
    lines.push('Plans (EXPLAIN ANALYZE of the SQL the service runs; scans only):');
    lines.push('');
    for (const p of planned) lines.push(`- \`${p.q.name}\`: ${p.nodes.join(' → ')}`);
    writeResultsSection(RESULTS, 'Catalog', lines.join('\n'));
    console.log(lines.join('\n'));
    log(`written to ${RESULTS}`);
  } finally {
    await app?.close().catch(() => undefined);
    await appNoCache?.close().catch(() => undefined);
    await pool?.end().catch(() => undefined);
    await server.stop();
    rmSync(DATA_DIR, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
