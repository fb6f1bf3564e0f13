import { runWorkerLoop, type QueueCalls } from './worker-loop.js';

type Job = { id: string; data: { n: number } };

function harness(script: Array<'job' | 'none' | 'fetch-error'>, opts: { completeFails?: boolean; failFails?: boolean; runFails?: (n: number) => boolean } = {}) {
  const ac = new AbortController();
  const events: string[] = [];
  let i = 0;
  const calls: QueueCalls<Job> = {
    async fetch() {
      const step = script[i++];
      if (step === undefined) {
        ac.abort();
        return undefined;
      }
      if (step === 'fetch-error') throw new Error('connect ECONNREFUSED');
      if (step === 'none') return undefined;
      return { id: `j${i}`, data: { n: i } };
    },
    async complete(id) {
      events.push(`complete ${id}`);
      if (opts.completeFails) throw new Error('connect ECONNREFUSED');
    },
    async fail(id, e) {
      events.push(`fail ${id}: ${e.message}`);
      if (opts.failFails) throw new Error('connect ECONNREFUSED');
    },
  };
  const idles: number[] = [];
  const warnings: string[] = [];
  const run = runWorkerLoop<Job>({
    queue: 'q',
    calls,
    async run(job) {
      events.push(`run ${job.id}`);
      if (opts.runFails?.(job.data.n)) throw new Error(`boom ${job.data.n}`);
    },
    async idle(ms) {
      idles.push(ms);
    },
    signal: ac.signal,
    warn: (m) => warnings.push(m),
    pollMs: 2000,
  });
  return { run, events, idles, warnings };
}

describe('runWorkerLoop', () => {
  it('runs jobs back to back, completes them, and idles only when there is none', async () => {
    const h = harness(['job', 'job', 'none', 'job']);
    await h.run;
    expect(h.events).toEqual(['run j1', 'complete j1', 'run j2', 'complete j2', 'run j4', 'complete j4']);
    expect(h.idles).toEqual([2000]);
  });

  it('records a failing job as failed and goes on', async () => {
    const h = harness(['job', 'job'], { runFails: (n) => n === 1 });
    await h.run;
    expect(h.events).toEqual(['run j1', 'fail j1: boom 1', 'run j2', 'complete j2']);
  });

  it('survives a database that is gone when the outcome is recorded (no rejection escapes), and says so', async () => {
    const h = harness(['job', 'job'], { completeFails: true });
    await expect(h.run).resolves.toBeUndefined();
    expect(h.events).toEqual(['run j1', 'complete j1', 'run j2', 'complete j2']);
    expect(h.warnings).toEqual([expect.stringContaining('job j1 ended and that could not be recorded'), expect.stringContaining('job j2 ended')]);
    const f = harness(['job'], { runFails: () => true, failFails: true });
    await expect(f.run).resolves.toBeUndefined();
    expect(f.warnings[0]).toContain('failed (boom 1) and that could not be recorded');
  });

  it('backs off while fetching fails (0.5 s, doubling, at most 10 s), then carries on', async () => {
    const h = harness(['fetch-error', 'fetch-error', 'fetch-error', 'fetch-error', 'fetch-error', 'fetch-error', 'job']);
    await h.run;
    expect(h.idles).toEqual([500, 1000, 2000, 4000, 8000, 10000]);
    expect(h.events).toEqual(['run j7', 'complete j7']);
  });

  it('stops when the signal aborts', async () => {
    const ac = new AbortController();
    ac.abort();
    let fetched = 0;
    await runWorkerLoop({
      queue: 'q',
      calls: { fetch: async () => (fetched++, undefined), complete: async () => undefined, fail: async () => undefined },
      run: async () => undefined,
      idle: async () => undefined,
      signal: ac.signal,
      warn: () => undefined,
      pollMs: 1,
    });
    expect(fetched).toBe(0);
  });
});
