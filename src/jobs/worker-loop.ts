/**
 * The worker of one queue, apart from pg-boss so that it can be tested on its own: fetch a job
 * (pg-boss: SKIP LOCKED), run it, record the outcome, and look for the next one at once; idle,
 * wait `pollMs` (or until woken). Every error of the queue's own calls is caught: pg-boss 10's
 * work() does not await its complete/fail calls, so a database that went away as a job ended (the
 * embedded server restarting) became an unhandled rejection that killed the process. A job whose
 * outcome could not be recorded stays active until its expiry and runs again: handlers are
 * idempotent and hold a lease.
 */
export interface QueueCalls<J extends { id: string; data: object }> {
  fetch(): Promise<J | undefined>;
  complete(id: string): Promise<unknown>;
  fail(id: string, error: { message: string }): Promise<unknown>;
}

export interface LoopOptions<J extends { id: string; data: object }> {
  queue: string;
  calls: QueueCalls<J>;
  run(job: J): Promise<void>;
  /** Waits up to `ms`; resolves early when woken or stopping. */
  idle(ms: number): Promise<void>;
  signal: AbortSignal;
  warn(msg: string): void;
  pollMs: number;
  /** Longest pause after a failing fetch (doubles from 500 ms). */
  maxBackoffMs?: number;
}

export async function runWorkerLoop<J extends { id: string; data: object }>(o: LoopOptions<J>): Promise<void> {
  let pause = 0;
  const maxBackoff = o.maxBackoffMs ?? 10_000;
  while (!o.signal.aborted) {
    if (pause) await o.idle(pause);
    if (o.signal.aborted) return;
    let job: J | undefined;
    try {
      job = await o.calls.fetch();
    } catch (e) {
      o.warn(`job queue ${o.queue}: cannot fetch (${(e as Error)?.message ?? e}); trying again`);
      pause = Math.min(Math.max(pause * 2, 500), maxBackoff);
      continue;
    }
    if (!job) {
      pause = o.pollMs;
      continue;
    }
    pause = 0;
    let failure: Error | undefined;
    try {
      await o.run(job);
    } catch (e) {
      failure = e instanceof Error ? e : new Error(String(e));
    }
    try {
      if (failure) await o.calls.fail(job.id, { message: failure.message });
      else await o.calls.complete(job.id);
    } catch (e) {
      o.warn(
        `job queue ${o.queue}: job ${job.id} ${failure ? `failed (${failure.message})` : 'ended'} and that could not be recorded ` +
          `(${(e as Error)?.message ?? e}); it runs again after its expiry`,
      );
    }
  }
}
