/**
 * Checkout benchmark: `npm run bench:checkout [-- --rounds 5 --round-seconds 5 --clients 16
 * --qr-rounds 3 --qr-round-seconds 5 --qr-orders 3000]`.
 *
 * Part 1 — checkouts/s. Starts an embedded PostgreSQL in .data-bench/checkout (fresh every run),
 * migrates, seeds a catalog (bench/lib/catalog-dataset.ts) and gives 2 × clients × 4 products ample
 * stock. Boots the real app (createApp, log level silent, rate limit out of reach) on a free localhost
 * port. Then, interleaved in one run, alternating rounds of `--round-seconds`:
 *   A  `--clients` HTTP clients (a worker thread, node:http keep-alive) each doing one-item VietQR
 *      checkouts (POST /checkout) one after the other, each client on its own products;
 *   B  the same number of `pg` connections doing the same work as raw SQL: BEGIN; conditional stock
 *      UPDATE … WHERE stock_qty >= $qty RETURNING (joined to the cooperative for its account);
 *      INSERT checkout (the orders' foreign key needs it), order, item, payment (reference and QR
 *      payload made by the same functions as the app's); COMMIT.
 * CPU time of this process's main thread (the app in A, the SQL clients in B) and of PostgreSQL is
 * read from /proc per round. Afterwards every order, item, payment and stock decrement is checked
 * against the counts, and the app's HTTP pipeline alone is measured (GET /health/live, and a
 * POST /checkout that validation rejects).
 *
 * Part 2 — QR PNG renders/s: GET /orders/:id/qr.png?token= for distinct orders (made untimed by
 * the raw SQL path, which knows their access tokens), each order requested once (distinct payloads:
 * every request is a render, never a hit of QrImageService's cache), against bare
 * `qrcode.toBuffer(payload, { errorCorrectionLevel: 'M', margin: 4, scale: 8 })` on other orders'
 * payloads, the same number of concurrent callers, in this process; interleaved rounds too. One
 * image from the endpoint is compared byte for byte with the bare render of its payload. The cached
 * case (one order requested again and again) is measured for information.
 *
 * Writes the figures to bench/RESULTS.md ("## Checkout").
 */
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import QRCode from 'qrcode';
import { createApp } from '../src/app.factory.js';
import { vietnamDate } from '../src/common/clock.js';
import { loadConfig } from '../src/config/config.js';
import { generateOrderToken, hashOrderToken } from '../src/orders/order-token.js';
import { generateReference, isValidReference, REFERENCE_ALPHABET } from '../src/payments/vietqr/reference.js';
import { encodeVietQr } from '../src/payments/vietqr/vietqr.js';
import { RegionsService } from '../src/regions/regions.service.js';
import { RESULTS_FILE, startBenchPostgres } from './lib/bench-postgres.js';
import { seedCatalogDataset } from './lib/catalog-dataset.js';
import { runHttpRound, type RoundResult } from './lib/http-rounds.js';
import { mainThreadCpuMs, postgresCpuMs, postmasterPid } from './lib/cpu-time.js';
import { loadAverage, machineLine } from './lib/machine.js';
import { writeResultsSection } from './lib/results.js';
import { ms, summarize } from './lib/stats.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}

const ROUNDS = flag('rounds', 5);
const ROUND_MS = flag('round-seconds', 5) * 1000;
const CLIENTS = flag('clients', 16);
const QR_ROUNDS = flag('qr-rounds', 3);
const QR_ROUND_MS = flag('qr-round-seconds', 5) * 1000;
const WARMUP_MS = 5000;
const PRODUCTS_PER_CLIENT = 4;
const STOCK = 10_000_000;
const TARGET_CHECKOUT_RATIO = 0.5;
const TARGET_QR_RATIO = 0.8;
const QR_ORDERS = 2 * flag('qr-orders', 3000);
const QR_OPTIONS = { errorCorrectionLevel: 'M', margin: 4, scale: 8 } as const;

function log(msg: string): void {
  console.log(`[bench:checkout] ${msg}`);
}

interface SideStats {
  ok: number;
  errors: number;
  elapsedMs: number;
  latencies: number[];
  perRound: number[];
  /** CPU ms of this process's main thread (the app, or the raw SQL clients) and of PostgreSQL. */
  cpuMain: number;
  cpuPg: number;
}

const newSide = (): SideStats => ({ ok: 0, errors: 0, elapsedMs: 0, latencies: [], perRound: [], cpuMain: 0, cpuPg: 0 });
function addRound(s: SideStats, r: { ok: number; errors: number; elapsedMs: number; latencies: number[] }, cpu?: { main: number; pg: number }): void {
  s.ok += r.ok;
  s.errors += r.errors;
  s.elapsedMs += r.elapsedMs;
  s.latencies.push(...r.latencies);
  s.perRound.push((r.ok / r.elapsedMs) * 1000);
  if (cpu) {
    s.cpuMain += cpu.main;
    s.cpuPg += cpu.pg;
  }
}

/** Runs `fn`, returning its result and the CPU ms the main thread and PostgreSQL used meanwhile. */
async function withCpu<T>(pgPid: number | null, fn: () => Promise<T>): Promise<[T, { main: number; pg: number } | undefined]> {
  const m0 = mainThreadCpuMs();
  const p0 = pgPid === null ? null : postgresCpuMs(pgPid);
  const r = await fn();
  const m1 = mainThreadCpuMs();
  const p1 = pgPid === null ? null : postgresCpuMs(pgPid);
  if (m0 === null || m1 === null) return [r, undefined];
  return [r, { main: m1 - m0, pg: p0 === null || p1 === null ? NaN : p1 - p0 }];
}
const rate = (s: SideStats): number => (s.ok / s.elapsedMs) * 1000;

function randomCode(n: number): string {
  let out = '';
  while (out.length < n) {
    for (const b of randomBytes(n * 2)) if (b < 243 && out.length < n) out += REFERENCE_ALPHABET[b % REFERENCE_ALPHABET.length];
  }
  return out;
}

interface Buyer {
  name: string;
  phone: string;
  address: { provinceCode: string; communeCode: string; line: string };
}

interface CreatedOrder {
  id: string;
  token: string;
  payload: string;
}

/** B: one checkout as raw SQL on a dedicated connection; null when the stock ran out (never here). */
async function sqlCheckout(c: pg.Client, productId: string, buyer: Buyer, today: string, ttlMinutes: number): Promise<CreatedOrder | null> {
  const now = new Date();
  await c.query('BEGIN');
  try {
    const taken = await c.query(
      `UPDATE products p SET stock_qty = p.stock_qty - $2
       FROM cooperatives c
       WHERE p.id = $1 AND p.stock_qty >= $2 AND p.status = 'active' AND p.ocop_expires_at >= $3::date AND c.id = p.cooperative_id
       RETURNING p.cooperative_id, p.name, p.unit, p.sku, p.price_vnd, c.bank_bin, c.bank_account_number, c.bank_account_name`,
      [productId, 1, today],
    );
    if (!taken.rowCount) {
      await c.query('ROLLBACK');
      return null;
    }
    const r = taken.rows[0];
    const total = Number(r.price_vnd);
    const checkoutId = randomUUID();
    const orderId = randomUUID();
    const reference = generateReference(randomBytes);
    const token = generateOrderToken();
    const qrPayload = encodeVietQr({ bankBin: r.bank_bin, accountNumber: r.bank_account_number, amountVnd: total, purpose: reference });
    await c.query(`INSERT INTO checkouts (id, payment_method, buyer, created_at) VALUES ($1, 'vietqr', $2, $3)`, [
      checkoutId,
      JSON.stringify({ name: buyer.name, phone: buyer.phone }),
      now,
    ]);
    await c.query(
      `INSERT INTO orders (id, code, checkout_id, cooperative_id, buyer_name, buyer_phone, buyer_email, buyer_address, total_vnd, status,
                           access_token_hash, payment_expires_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8, 'pending_payment', $9, $10, $11, $11)`,
      [orderId, `DH${today.slice(2).replaceAll('-', '')}-${randomCode(6)}`, checkoutId, r.cooperative_id, buyer.name, buyer.phone,
        JSON.stringify(buyer.address), total, hashOrderToken(token), new Date(now.getTime() + ttlMinutes * 60_000), now],
    );
    await c.query(
      `INSERT INTO order_items (order_id, product_id, name, unit, sku, price_vnd, qty, line_total_vnd) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [orderId, productId, r.name, r.unit, r.sku, total, 1, total],
    );
    await c.query(
      `INSERT INTO payments (order_id, method, status, amount_vnd, reference, bank_bin, account_number, account_name, qr_payload, created_at, updated_at)
       VALUES ($1, 'vietqr', 'pending', $2, $3, $4, $5, $6, $7, $8, $8)`,
      [orderId, total, reference, r.bank_bin, r.bank_account_number, r.bank_account_name, qrPayload, now],
    );
    await c.query('COMMIT');
    return { id: orderId, token, payload: qrPayload };
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    // An order code or payment reference drawn twice (random, unique per day): draw again, as the
    // app does.
    if ((e as { code?: string }).code === '23505') return sqlCheckout(c, productId, buyer, today, ttlMinutes);
    throw e;
  }
}

async function sqlRound(
  clients: pg.Client[],
  products: string[][],
  buyers: Buyer[],
  today: string,
  ttl: number,
  durationMs: number,
  opts: { keep?: CreatedOrder[]; until?: number } = {},
): Promise<{ ok: number; errors: number; elapsedMs: number; latencies: number[]; firstError: string | null }> {
  const started = performance.now();
  const deadline = started + durationMs;
  const out = { ok: 0, errors: 0, elapsedMs: 0, latencies: [] as number[], firstError: null as string | null };
  await Promise.all(
    clients.map(async (c, i) => {
      for (let k = 0; performance.now() < deadline && (opts.until === undefined || out.ok < opts.until); k++) {
        const t0 = performance.now();
        try {
          const created = await sqlCheckout(c, products[i][k % products[i].length], buyers[i], today, ttl);
          if (created) {
            out.ok += 1;
            out.latencies.push(performance.now() - t0);
            opts.keep?.push(created);
          } else out.errors += 1;
        } catch (e) {
          out.errors += 1;
          out.firstError ??= String(e);
        }
      }
    }),
  );
  out.elapsedMs = performance.now() - started;
  return out;
}

/** Bare renders: `clients` concurrent callers, each payload once, until the deadline. */
async function bareQrRound(payloads: string[], clients: number, durationMs: number): Promise<{ ok: number; errors: number; elapsedMs: number; latencies: number[]; used: number }> {
  const started = performance.now();
  const deadline = started + durationMs;
  const out = { ok: 0, errors: 0, elapsedMs: 0, latencies: [] as number[], used: 0 };
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline && next < payloads.length) {
        const payload = payloads[next++];
        const t0 = performance.now();
        const png = await QRCode.toBuffer(payload, QR_OPTIONS);
        out.latencies.push(performance.now() - t0);
        if (png.length > 0) out.ok += 1;
        else out.errors += 1;
      }
    }),
  );
  out.used = next;
  out.elapsedMs = performance.now() - started;
  return out;
}

function check(cond: boolean, what: string): void {
  if (!cond) throw new Error(`verification failed: ${what}`);
  log(`  ok: ${what}`);
}

async function main(): Promise<void> {
  const started = new Date();
  const loadBefore = loadAverage();
  log(`starting embedded PostgreSQL`);
  const db = await startBenchPostgres('checkout');
  let app: Awaited<ReturnType<typeof createApp>> | undefined;
  let pool: pg.Pool | undefined;
  const sqlClients: pg.Client[] = [];
  try {
    const url = await db.createDatabase('ocop_bench', { migrate: true });
    const pgVersion = await db.version();
    pool = new pg.Pool({ connectionString: url, max: 4 });

    const config = loadConfig({
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      SEED_DEMO: 'false',
      RATE_LIMIT_PER_MINUTE: '1000000000',
      DB_POOL_MAX: String(CLIENTS),
      STRIPE_WEBHOOK_SECRET: 'whsec_bench_only',
      BANK_FEED_ENCRYPTION_KEYS: Buffer.alloc(32, 7).toString('base64'), // bench only
      ORDER_EXPIRY_SWEEP_SECONDS: '0',
    });
    app = await createApp({ config, databaseUrl: url });
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const today = vietnamDate(new Date());

    log('seeding a catalog (50 cooperatives, 2,000 products)');
    await seedCatalogDataset(pool, { cooperatives: 50, products: 2000, today });
    const picked: string[] = (
      await pool.query(`SELECT id FROM products ORDER BY sku LIMIT $1`, [2 * CLIENTS * PRODUCTS_PER_CLIENT])
    ).rows.map((r) => r.id);
    await pool.query(
      `UPDATE products SET stock_qty = $2, status = 'active', archived_at = NULL,
         ocop_expires_at = greatest(ocop_expires_at, $3::date + 365) WHERE id = ANY($1::uuid[])`,
      [picked, STOCK, today],
    );
    await pool.query('VACUUM ANALYZE');
    const slice = (from: number) => Array.from({ length: CLIENTS }, (_, i) => picked.slice(from + i * PRODUCTS_PER_CLIENT, from + (i + 1) * PRODUCTS_PER_CLIENT));
    const productsA = slice(0);
    const productsB = slice(CLIENTS * PRODUCTS_PER_CLIENT);

    const regions = new RegionsService();
    const provinces = regions.listProvinces();
    const buyers: Buyer[] = Array.from({ length: CLIENTS }, (_, i) => {
      const p = provinces[i % provinces.length];
      const communes = regions.communesOf(p.code)!;
      return {
        name: `Nguyễn Thị Khách ${i + 1}`,
        phone: `09${String(12345600 + i).padStart(8, '0')}`,
        address: { provinceCode: p.code, communeCode: communes[i % communes.length].code, line: `${i + 1} Lê Duẩn` },
      };
    });
    const bodiesA = productsA.map((ids, i) => ids.map((productId) => JSON.stringify({ buyer: buyers[i], items: [{ productId, qty: 1 }], paymentMethod: 'vietqr' })));

    for (let i = 0; i < CLIENTS; i++) {
      const c = new pg.Client({ connectionString: url, application_name: 'bench-raw-sql' });
      await c.connect();
      sqlClients.push(c);
    }

    const httpRound = (durationMs: number, collect = 0): Promise<RoundResult> =>
      runHttpRound({ base, clients: CLIENTS, durationMs, expectStatus: 201, collect, post: { path: '/checkout', bodies: bodiesA } });

    log(`warm-up: ${WARMUP_MS / 1000} s each side`);
    const warmA = await httpRound(WARMUP_MS);
    if (warmA.errors) throw new Error(`checkout failed: ${warmA.firstError}`);
    const warmB = await sqlRound(sqlClients, productsB, buyers, today, config.paymentTtlMinutes, WARMUP_MS);
    if (warmB.errors) throw new Error(`raw SQL checkout failed: ${warmB.firstError}`);

    const A = newSide();
    const B = newSide();
    const pgPid = postmasterPid(db.dataDir);
    for (let r = 1; r <= ROUNDS; r++) {
      const [a, cpuA] = await withCpu(pgPid, () => httpRound(ROUND_MS));
      if (a.errors) throw new Error(`round ${r} A: ${a.errors} failed checkouts, first: ${a.firstError}`);
      addRound(A, a, cpuA);
      const [b, cpuB] = await withCpu(pgPid, () => sqlRound(sqlClients, productsB, buyers, today, config.paymentTtlMinutes, ROUND_MS));
      if (b.errors) throw new Error(`round ${r} B: ${b.errors} failed checkouts, first: ${b.firstError}`);
      addRound(B, b, cpuB);
      log(`round ${r}: A (HTTP) ${A.perRound.at(-1)!.toFixed(0)}/s, B (raw SQL) ${B.perRound.at(-1)!.toFixed(0)}/s`);
    }
    const ratio = rate(A) / rate(B);
    const cpuPer = (s: SideStats) => ({ main: s.cpuMain / s.ok, pg: s.cpuPg / s.ok });
    log(`checkouts/s: app ${rate(A).toFixed(1)}, raw SQL ${rate(B).toFixed(1)}, ratio ${ratio.toFixed(2)}`);
    log(`CPU ms per checkout: app thread ${cpuPer(A).main.toFixed(2)} + PostgreSQL ${cpuPer(A).pg.toFixed(2)}; raw SQL clients ${cpuPer(B).main.toFixed(2)} + PostgreSQL ${cpuPer(B).pg.toFixed(2)}`);

    // For scale: what the app's HTTP pipeline costs before a service is reached (same clients, 3 s each).
    const floor = async (job: Parameters<typeof runHttpRound>[0]) => {
      const [r, c] = await withCpu(null, () => runHttpRound(job));
      if (r.errors) throw new Error(`pipeline floor: ${r.errors} unexpected answers, first: ${r.firstError}`);
      return { rate: (r.ok / r.elapsedMs) * 1000, cpu: c === undefined ? null : c.main / r.ok, p50: summarize(r.latencies).p50 };
    };
    const health = await floor({ base, clients: CLIENTS, durationMs: 3000, expectStatus: 200, collect: 0, get: { paths: Array.from({ length: 100_000 }, () => '/health/live') } });
    const invalid = JSON.stringify({ buyer: { name: 'X' }, items: [], paymentMethod: 'vietqr' });
    const rejected = await floor({ base, clients: CLIENTS, durationMs: 3000, expectStatus: 400, collect: 0, post: { path: '/checkout', bodies: [[invalid]] } });
    log(`pipeline: GET /health/live ${health.rate.toFixed(0)}/s (${health.cpu?.toFixed(2)} ms CPU each), invalid POST /checkout → 400 ${rejected.rate.toFixed(0)}/s (${rejected.cpu?.toFixed(2)} ms CPU each)`);

    // Orders for part 2, made untimed by the raw SQL path (it knows their access tokens).
    const qrOrders: CreatedOrder[] = [];
    const extra = await sqlRound(sqlClients, productsB, buyers, today, config.paymentTtlMinutes, 600_000, { keep: qrOrders, until: QR_ORDERS });
    if (extra.errors) throw new Error(`raw SQL checkout failed: ${extra.firstError}`);

    log('verifying');
    const totalA = warmA.ok + A.ok;
    const totalB = warmB.ok + B.ok + extra.ok;
    const counts = (
      await pool.query(
        `SELECT (SELECT count(*)::int FROM orders) AS orders, (SELECT count(*)::int FROM order_items) AS items,
                (SELECT count(*)::int FROM payments WHERE method = 'vietqr' AND status = 'pending') AS payments,
                (SELECT count(DISTINCT reference)::int FROM payments) AS refs,
                (SELECT count(*)::int FROM orders WHERE status = 'pending_payment') AS pending,
                (SELECT coalesce(sum($2::int - stock_qty), 0)::int FROM products WHERE id = ANY($1::uuid[])) AS taken,
                (SELECT count(*)::int FROM order_items WHERE product_id = ANY($3::uuid[])) AS items_a,
                (SELECT count(*)::int FROM order_events) AS events`,
        [picked, STOCK, productsA.flat()],
      )
    ).rows[0];
    check(counts.orders === totalA + totalB, `${counts.orders} orders = ${totalA} HTTP 201s + ${totalB} raw SQL commits`);
    check(counts.items === counts.orders && counts.payments === counts.orders && counts.pending === counts.orders, 'one item and one pending VietQR payment per pending order');
    check(counts.refs === counts.orders, 'payment references distinct');
    check(counts.taken === counts.items, `stock taken (${counts.taken}) = items sold`);
    check(counts.items_a === totalA, 'HTTP checkouts took stock from the HTTP clients\' products only');
    check(counts.events === totalA, 'one order event per app checkout (the raw SQL writes none)');
    const sampleRefs: string[] = (await pool.query(`SELECT reference FROM payments ORDER BY random() LIMIT 1000`)).rows.map((r) => r.reference);
    check(sampleRefs.every(isValidReference), 'sampled references verify their check character');

    // ── Part 2: QR renders ──
    // Distinct orders, never requested before: even ones through the endpoint, odd ones rendered bare.
    const orders = qrOrders.filter((_, i) => i % 2 === 0);
    const barePayloads = qrOrders.filter((_, i) => i % 2 === 1).map((o) => o.payload);
    log(`QR renders: ${orders.length} orders for the endpoint, ${barePayloads.length} other orders' payloads for bare renders`);

    const [one] = orders.splice(0, 1);
    const fromApp = await fetch(`${base}/orders/${one.id}/qr.png?token=${encodeURIComponent(one.token)}`);
    const appPng = Buffer.from(await fromApp.arrayBuffer());
    const barePng = await QRCode.toBuffer(one.payload, QR_OPTIONS);
    check(fromApp.status === 200 && fromApp.headers.get('content-type') === 'image/png', 'the endpoint answers image/png');
    check(appPng.equals(barePng), 'the endpoint\'s PNG is byte-identical to the bare render of the same payload');

    const qrPath = (o: { id: string; token: string }) => `/orders/${o.id}/qr.png?token=${encodeURIComponent(o.token)}`;
    const QA = newSide();
    const QB = newSide();
    let usedA = 0;
    let usedB = 0;
    // warm-up both paths (distinct payloads too)
    usedA += (await runHttpRound({ base, clients: CLIENTS, durationMs: 1000, expectStatus: 200, collect: 0, get: { paths: orders.slice(0, 100).map(qrPath) } })).ok;
    usedB += (await bareQrRound(barePayloads.slice(0, 100), CLIENTS, 1000)).used;
    let exhausted = false;
    for (let r = 1; r <= QR_ROUNDS; r++) {
      const a = await runHttpRound({ base, clients: CLIENTS, durationMs: QR_ROUND_MS, expectStatus: 200, collect: 0, get: { paths: orders.slice(usedA).map(qrPath) } });
      if (a.errors) throw new Error(`QR round ${r}: ${a.errors} failed, first: ${a.firstError}`);
      usedA += a.ok;
      addRound(QA, a);
      const b = await bareQrRound(barePayloads.slice(usedB), CLIENTS, QR_ROUND_MS);
      usedB += b.used;
      addRound(QB, b);
      if (a.elapsedMs < QR_ROUND_MS * 0.9 || b.elapsedMs < QR_ROUND_MS * 0.9) exhausted = true;
      log(`QR round ${r}: endpoint ${QA.perRound.at(-1)!.toFixed(0)}/s, bare toBuffer ${QB.perRound.at(-1)!.toFixed(0)}/s`);
    }
    if (exhausted) log('note: a QR round ran out of distinct orders before its time was up (rates are still renders / elapsed)');
    const qrRatio = rate(QA) / rate(QB);
    const cached = await runHttpRound({ base, clients: CLIENTS, durationMs: QR_ROUND_MS, expectStatus: 200, collect: 0, get: { paths: Array.from({ length: 100_000 }, () => qrPath(one)) } });
    const cachedRate = (cached.ok / cached.elapsedMs) * 1000;
    log(`QR renders/s: endpoint ${rate(QA).toFixed(1)}, bare ${rate(QB).toFixed(1)}, ratio ${qrRatio.toFixed(2)}; cached (one order) ${cachedRate.toFixed(0)}/s`);

    // ── Results ──
    const sA = summarize(A.latencies);
    const sB = summarize(B.latencies);
    const qA = summarize(QA.latencies);
    const qB = summarize(QB.latencies);
    const met = (ok: boolean) => (ok ? '**met**' : '**missed**');
    const lines: string[] = [];
    lines.push(`Run ${started.toISOString()} with \`npm run bench:checkout\` (\`npm run build && node dist/bench/checkout.bench.js${process.argv.slice(2).length ? ' ' + process.argv.slice(2).join(' ') : ''}\`).`);
    lines.push('');
    lines.push(machineLine(pgVersion));
    lines.push(`Load average (1/5/15 min) at start ${loadBefore}, at end ${loadAverage()} (the benchmark's own app, database and load generator included; 2 means both CPUs busy).`);
    lines.push('');
    lines.push(
      `Setup: catalog of 2,000 products of 50 cooperatives (bench/lib/catalog-dataset.ts); ${CLIENTS} clients per side, each on its own ${PRODUCTS_PER_CLIENT} products ` +
        `(stock ${STOCK.toLocaleString('en')}, so no client waits on another's row lock and nothing sells out). ` +
        `A = real app (createApp, log level silent, rate limit out of reach, pool of ${CLIENTS} connections), \`POST /checkout\` with one item, VietQR, ` +
        `no Idempotency-Key, from a worker thread (node:http, keep-alive). ` +
        `B = the same work as raw SQL through \`pg\`, ${CLIENTS} connections in the main thread: BEGIN; \`UPDATE products … WHERE stock_qty >= $qty … RETURNING\` ` +
        `(joined to the cooperative for its account); INSERT checkout, order, item, payment (reference and QR payload from the app's own functions); COMMIT. ` +
        `The app also writes an order event, in 2 statements (the stock UPDATE joined to the cooperative, as B does, and one INSERT of checkout, order, ` +
        `item, payment and event) + BEGIN/COMMIT against the raw SQL's 5 + BEGIN/COMMIT, and runs its HTTP pipeline (security headers, rate limit, request log, JSON body, validation, ` +
        `error filter) and builds the response. Interleaved: ${ROUNDS} × (A ${ROUND_MS / 1000} s, B ${ROUND_MS / 1000} s) after ${WARMUP_MS / 1000} s warm-up each.`,
    );
    lines.push('');
    lines.push(`| Checkouts | total | checkouts/s | per round | p50 ms | p95 ms | p99 ms |`);
    lines.push(`|---|---:|---:|---|---:|---:|---:|`);
    lines.push(`| A: \`POST /checkout\` (app) | ${A.ok} | ${rate(A).toFixed(1)} | ${A.perRound.map((x) => x.toFixed(0)).join(' / ')} | ${ms(sA.p50)} | ${ms(sA.p95)} | ${ms(sA.p99)} |`);
    lines.push(`| B: raw SQL through \`pg\` | ${B.ok} | ${rate(B).toFixed(1)} | ${B.perRound.map((x) => x.toFixed(0)).join(' / ')} | ${ms(sB.p50)} | ${ms(sB.p95)} | ${ms(sB.p99)} |`);
    lines.push('');
    lines.push(`Ratio A/B: **${ratio.toFixed(2)}** (target ≥ ${TARGET_CHECKOUT_RATIO}: ${met(ratio >= TARGET_CHECKOUT_RATIO)}).`);
    lines.push('');
    const cpuText = (s: SideStats) => `${(s.cpuMain / s.ok).toFixed(2)} ms + PostgreSQL ${(s.cpuPg / s.ok).toFixed(2)} ms`;
    lines.push(
      `CPU time per checkout (from /proc over the timed rounds): A — the app's thread ${cpuText(A)}; B — the raw SQL clients ${cpuText(B)}. ` +
        `The app serves every request on one thread, so A cannot exceed ~${Math.round(1000 / (A.cpuMain / A.ok))} checkouts/s whatever the database does. ` +
        `Its HTTP pipeline alone, before any service code runs: \`GET /health/live\` ${health.cpu?.toFixed(2) ?? 'n/a'} ms of that thread per request ` +
        `(${health.rate.toFixed(0)}/s at ${CLIENTS} clients, p50 ${ms(health.p50)} ms); a \`POST /checkout\` rejected by validation (400) ${rejected.cpu?.toFixed(2) ?? 'n/a'} ms ` +
        `(${rejected.rate.toFixed(0)}/s, p50 ${ms(rejected.p50)} ms).`,
    );
    lines.push('');
    lines.push(
      `Verified after the rounds: orders = HTTP 201s + SQL commits (${counts.orders}, incl. warm-up and ${QR_ORDERS} orders made for the QR part); one item and one pending VietQR payment each; references distinct and valid; ` +
        `stock taken = items sold; one order event per app checkout.`,
    );
    lines.push('');
    lines.push(
      `QR PNG: \`GET /orders/:id/qr.png?token=\` over distinct orders (made by the raw SQL path, which knows their access tokens), **each order requested once** — every request renders ` +
        `(QrImageService caches by payload, and no payload repeats), and includes the order lookup and token check — against bare ` +
        `\`qrcode.toBuffer(payload, { errorCorrectionLevel: 'M', margin: 4, scale: 8 })\` over the payloads of other such orders, ${CLIENTS} concurrent callers each, ` +
        `interleaved ${QR_ROUNDS} × (${QR_ROUND_MS / 1000} s + ${QR_ROUND_MS / 1000} s) in this one process after a warm-up. ` +
        `The endpoint's PNG was checked byte-identical to the bare render of its payload.`,
    );
    lines.push('');
    lines.push(`| QR PNG | renders | renders/s | per round | p50 ms | p95 ms |`);
    lines.push(`|---|---:|---:|---|---:|---:|`);
    lines.push(`| endpoint, distinct orders (cache misses) | ${QA.ok} | ${rate(QA).toFixed(1)} | ${QA.perRound.map((x) => x.toFixed(0)).join(' / ')} | ${ms(qA.p50)} | ${ms(qA.p95)} |`);
    lines.push(`| bare \`qrcode.toBuffer\` | ${QB.ok} | ${rate(QB).toFixed(1)} | ${QB.perRound.map((x) => x.toFixed(0)).join(' / ')} | ${ms(qB.p50)} | ${ms(qB.p95)} |`);
    lines.push(`| endpoint, one order again and again (cache hits; for information) | ${cached.ok} | ${cachedRate.toFixed(1)} | – | ${ms(summarize(cached.latencies).p50)} | ${ms(summarize(cached.latencies).p95)} |`);
    lines.push('');
    lines.push(`Ratio endpoint/bare (distinct orders): **${qrRatio.toFixed(2)}** (target ≥ ${TARGET_QR_RATIO}: ${met(qrRatio >= TARGET_QR_RATIO)}).${exhausted ? ' (A round ran out of distinct orders before its time; rates are renders / elapsed time.)' : ''}`);
    writeResultsSection(RESULTS_FILE, 'Checkout', lines.join('\n'));
    console.log(lines.join('\n'));
    log(`written to ${RESULTS_FILE}`);
  } finally {
    for (const c of sqlClients) await c.end().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await pool?.end().catch(() => undefined);
    await db.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
