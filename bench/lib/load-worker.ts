/**
 * Load generator, run in its own thread so its work does not sit on the app's event loop:
 * `concurrency` clients, each sending `requestsPerClient` GETs one after the other (bounded), with
 * Node's fetch (keep-alive). Reports every latency in milliseconds.
 */
import { parentPort, workerData } from 'node:worker_threads';

interface Job {
  url: string;
  concurrency: number;
  requestsPerClient: number;
}

const job = workerData as Job;
if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(job.url)) throw new Error('the load generator only talks to localhost');

let errors = 0;
let firstError: string | null = null;

async function client(): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < job.requestsPerClient; i++) {
    const t0 = performance.now();
    const res = await fetch(job.url);
    const body = await res.arrayBuffer();
    latencies.push(performance.now() - t0);
    if (res.status !== 200) {
      errors += 1;
      firstError ??= `${res.status} ${Buffer.from(body).toString('utf8').slice(0, 200)}`;
    }
  }
  return latencies;
}

const started = performance.now();
const latencies = (await Promise.all(Array.from({ length: job.concurrency }, () => client()))).flat();
parentPort!.postMessage({ latencies, errors, firstError, elapsedMs: performance.now() - started });
