import { Worker } from 'node:worker_threads';

export interface LoadResult {
  latencies: number[];
  errors: number;
  firstError: string | null;
  elapsedMs: number;
}

/** Runs `concurrency` clients × `requestsPerClient` requests against `url` in a worker thread. */
export function runLoad(url: string, opts: { concurrency: number; requestsPerClient: number; client: 'http' | 'fetch' }): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./load-worker.js', import.meta.url), { workerData: { url, ...opts } });
    worker.once('message', (m: LoadResult) => resolve(m));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load worker exited with ${code}`));
    });
  });
}
