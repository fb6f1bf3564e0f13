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
import { cpus, totalmem, platform, release } from 'node:os';
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

function log(msg: string): void {
  console.log(`[bench:catalog] ${msg}`);
}

async function main(): Promise<void> {
  const started = new Date();
  rmSync(DATA_DIR, { recursive: true, force: true });
  log(`starting embedded PostgreSQL in ${DATA_DIR}`);
  const server = await startEmbeddedPostgres({ dataDir: DATA_DIR, persistent: false });
  let app: Awaited<ReturnType<typeof createApp>> | undefined;
  let pool: pg.Pool | undefined;
  try {
    const admin = new pg.Client({ connectionString: server.adminUrl });
    await admin.connect();
    await admin.query('CREATE DATABASE ocop_bench');
    await admin.end();
    const url = server.adminUrl.replace(/\/postgres$/, '/ocop_bench');
    await runMigrations(url);
    pool = new pg.Pool({ connectionString: url, max: 2 });
    const pgVersion = (await pool.query('SHOW server_version')).rows[0].server_version as string;

    const config = loadConfig({
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      SEED_DEMO: 'false',
      RATE_LIMIT_PER_MINUTE: '100000000',
      DB_POOL_MAX: String(DB_POOL),
      STRIPE_WEBHOOK_SECRET: 'whsec_bench_only',
      ORDER_EXPIRY_SWEEP_SECONDS: '0',
    });
    app = await createApp({ config, databaseUrl: url });
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

    // Plans and single-run database time of exactly what the service runs.
    const plans = new Map<string, { matches: number | null; execMs: number; nodes: string[] }>();
    for (const q of QUERIES) {
      const plan = catalog.planList({ ...q.query, ...(q.query.minStars ? { minStars: Number(q.query.minStars) } : {}) } as unknown as ProductListQuery);
      await pool.query(plan.sql, plan.params);
      const res = await pool.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${plan.sql}`, plan.params);
      const root = res.rows[0]['QUERY PLAN'][0];
      let matches: number | null = null;
      if (q.query.q) {
        const tsq = plan.params.find((v) => typeof v === 'string' && v.includes(':*') && !v.includes(':*A')) as string;
        matches = (await pool.query(`SELECT count(*)::int AS n FROM products WHERE status = 'active' AND ocop_expires_at >= $2::date AND search_vector @@ to_tsquery('simple', $1)`, [tsq, today])).rows[0].n;
      }
      plans.set(q.name, { matches, execMs: root['Execution Time'], nodes: planSummary(root.Plan) });
    }

    const results: Array<{ q: BenchQuery; s: LatencySummary; rps: number; errors: number; items: number }> = [];
    for (const q of QUERIES) {
      const path = `/products?${new URLSearchParams(q.query).toString()}`;
      const check = await fetch(base + path);
      const body = (await check.json()) as { items?: unknown[] };
      if (check.status !== 200 || !body.items?.length) throw new Error(`${path}: ${check.status} ${JSON.stringify(body).slice(0, 300)}`);
      for (let i = 0; i < WARMUP_REQUESTS; i++) await (await fetch(base + path)).arrayBuffer();
      log(`${q.name}: ${CONCURRENCY} clients × ${REQUESTS_PER_CLIENT} requests`);
      const r = await runLoad(base + path, { concurrency: CONCURRENCY, requestsPerClient: REQUESTS_PER_CLIENT });
      if (r.errors) throw new Error(`${q.name}: ${r.errors} failed requests, first: ${r.firstError}`);
      const s = summarize(r.latencies);
      results.push({ q, s, rps: (r.latencies.length / r.elapsedMs) * 1000, errors: r.errors, items: body.items.length });
      log(`  p50 ${ms(s.p50)} ms  p95 ${ms(s.p95)} ms  p99 ${ms(s.p99)} ms  ${((r.latencies.length / r.elapsedMs) * 1000).toFixed(0)} req/s`);
    }

    const cpu = cpus();
    const lines: string[] = [];
    lines.push(`Run ${started.toISOString()} with \`npm run bench:catalog\` (\`node dist/bench/catalog.bench.js\`).`);
    lines.push('');
    lines.push(
      `Machine: ${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length} logical CPUs, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${platform()} ${release()}; ` +
        `Node ${process.version}; PostgreSQL ${pgVersion} (embedded, default settings of src/database/embedded-postgres.ts). ` +
        `App, database and load generator share these CPUs.`,
    );
    lines.push('');
    lines.push(
      `Data: ${PRODUCTS.toLocaleString('en')} products of ${COOPERATIVES} cooperatives (bench/lib/catalog-dataset.ts), inserted in ${(seedMs / 1000).toFixed(1)} s, ` +
        `then VACUUM ANALYZE; products table ${size.heap} (${size.total} with indexes). ` +
        `Load: ${CONCURRENCY} concurrent clients × ${REQUESTS_PER_CLIENT} requests per query (after ${WARMUP_REQUESTS} warm-up requests), ` +
        `Node fetch with keep-alive from a worker thread, app pool ${DB_POOL} connections, log level silent, page size 20 (default).`,
    );
    lines.push('');
    lines.push(`Target: p95 ≤ ${TARGET_P95_MS} ms.`);
    lines.push('');
    lines.push('| Query | Matches | p50 ms | p95 ms | p99 ms | max ms | req/s | DB time (1 run) ms | Target |');
    lines.push('|---|---:|---:|---:|---:|---:|---:|---:|:---:|');
    for (const r of results) {
      const p = plans.get(r.q.name)!;
      lines.push(
        `| \`${r.q.name}\` | ${p.matches ?? '–'} | ${ms(r.s.p50)} | ${ms(r.s.p95)} | ${ms(r.s.p99)} | ${ms(r.s.max)} | ${r.rps.toFixed(0)} | ${p.execMs.toFixed(2)} | ${r.s.p95 <= TARGET_P95_MS ? 'met' : 'missed'} |`,
      );
    }
    lines.push('');
    lines.push('Plans (EXPLAIN ANALYZE of the SQL CatalogService runs, scans only):');
    lines.push('');
    for (const q of QUERIES) lines.push(`- \`${q.name}\`: ${plans.get(q.name)!.nodes.join(' → ')}`);
    writeResultsSection(RESULTS, 'Catalog', lines.join('\n'));
    console.log(lines.join('\n'));
    log(`written to ${RESULTS}`);
  } finally {
    await app?.close().catch(() => undefined);
    await pool?.end().catch(() => undefined);
    await server.stop();
    rmSync(DATA_DIR, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
