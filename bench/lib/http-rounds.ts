import { Worker } from 'node:worker_threads';
import type { RoundJob, RoundResult } from './http-rounds-worker.js';

export type { RoundJob, RoundResult } from './http-rounds-worker.js';

/** Runs one timed round of HTTP load (see http-rounds-worker.ts) in a worker thread. */
export function runHttpRound(job: RoundJob): Promise<RoundResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./http-rounds-worker.js', import.meta.url), { workerData: job });
    worker.once('message', (m: RoundResult) => resolve(m));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load worker exited with ${code}`));
    });
  });
}
