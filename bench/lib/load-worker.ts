/**
 * Load generator, run in its own thread so its work does not sit on the app's event loop:
 * `concurrency` clients, each sending `requestsPerClient` GETs one after the other (bounded), over
 * keep-alive connections to localhost. Reports every latency in milliseconds.
 *
 * Client `http` (default) is node:http with a keep-alive Agent; `fetch` is Node's built-in fetch
 * (undici). Both ship with Node; on small machines fetch costs noticeably more CPU per request,
 * and that CPU is taken from the app and the database under test.
 */
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

interface Job {
  url: string;
  concurrency: number;
  requestsPerClient: number;
  client: 'http' | 'fetch';
}

const job = workerData as Job;
const target = new URL(job.url);
if (target.hostname !== '127.0.0.1' || target.protocol !== 'http:') throw new Error('the load generator only talks to http://127.0.0.1');

let errors = 0;
let firstError: string | null = null;
const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });

function viaHttp(): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: target.hostname, port: target.port, path: target.pathname + target.search, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

async function viaFetch(): Promise<{ status: number; body: string }> {
  const res = await fetch(job.url);
  return { status: res.status, body: await res.text() };
}

async function client(): Promise<number[]> {
  const latencies: number[] = [];
  const send = job.client === 'fetch' ? viaFetch : viaHttp;
  for (let i = 0; i < job.requestsPerClient; i++) {
    const t0 = performance.now();
    const res = await send();
    latencies.push(performance.now() - t0);
    if (res.status !== 200) {
      errors += 1;
      firstError ??= `${res.status} ${res.body.slice(0, 200)}`;
    }
  }
  return latencies;
}

const started = performance.now();
const latencies = (await Promise.all(Array.from({ length: job.concurrency }, () => client()))).flat();
agent.destroy();
parentPort!.postMessage({ latencies, errors, firstError, elapsedMs: performance.now() - started });
