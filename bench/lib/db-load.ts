import type pg from 'pg';

/**
 * The database alone: `concurrency` connections each running `sql` `requestsPerClient` times,
 * one after the other. Latencies in milliseconds (client-side, including the protocol round trip).
 */
export async function runDbLoad(
  pool: pg.Pool,
  sql: string,
  params: unknown[],
  opts: { concurrency: number; requestsPerClient: number },
): Promise<{ latencies: number[]; elapsedMs: number }> {
  const started = performance.now();
  const clients = await Promise.all(Array.from({ length: opts.concurrency }, () => pool.connect()));
  try {
    const perClient = await Promise.all(
      clients.map(async (c) => {
        const latencies: number[] = [];
        for (let i = 0; i < opts.requestsPerClient; i++) {
          const t0 = performance.now();
          await c.query(sql, params);
          latencies.push(performance.now() - t0);
        }
        return latencies;
      }),
    );
    return { latencies: perClient.flat(), elapsedMs: performance.now() - started };
  } finally {
    for (const c of clients) c.release();
  }
}
