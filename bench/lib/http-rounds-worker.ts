/**
 * Load generator for benchmarks that need more than one GET URL (see http-rounds.ts), run in its own
 * thread so its work does not sit on the app's event loop. node:http with a keep-alive Agent, talking
 * to 127.0.0.1 only.
 *
 * Each of `clients` clients sends requests one after the other until `durationMs` has passed or the
 * job runs out of requests:
 * - `post`: client i sends `bodies[i][k % bodies[i].length]` (JSON) to `path`, k = 0, 1, …;
 * - `get`: all clients share one list of `paths`, each path is requested exactly once.
 * A response with another status than `expectStatus` counts as an error. Bodies of the first
 * `collect` successful responses are sent back (e.g. to learn the ids of created orders).
 */
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

export interface RoundJob {
  base: string;
  clients: number;
  durationMs: number;
  expectStatus: number;
  collect: number;
  post?: { path: string; bodies: string[][] };
  get?: { paths: string[] };
}

export interface RoundResult {
  ok: number;
  errors: number;
  firstError: string | null;
  latencies: number[];
  elapsedMs: number;
  bytes: number;
  collected: string[];
}

const job = workerData as RoundJob;
const target = new URL(job.base);
if (target.hostname !== '127.0.0.1' || target.protocol !== 'http:') throw new Error('the load generator only talks to http://127.0.0.1');
const agent = new http.Agent({ keepAlive: true, maxSockets: job.clients });

function send(method: 'GET' | 'POST', path: string, body?: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    const req = http.request({ host: target.hostname, port: target.port, path, method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const result: RoundResult = { ok: 0, errors: 0, firstError: null, latencies: [], elapsedMs: 0, bytes: 0, collected: [] };
const started = performance.now();
const deadline = started + job.durationMs;
let nextPath = 0;

async function client(i: number): Promise<void> {
  for (let k = 0; performance.now() < deadline; k++) {
    let res: { status: number; body: Buffer };
    const t0 = performance.now();
    if (job.post) {
      const bodies = job.post.bodies[i % job.post.bodies.length];
      res = await send('POST', job.post.path, bodies[k % bodies.length]);
    } else {
      const paths = job.get!.paths;
      if (nextPath >= paths.length) return;
      res = await send('GET', paths[nextPath++]);
    }
    const ms = performance.now() - t0;
    if (res.status === job.expectStatus) {
      result.ok += 1;
      result.latencies.push(ms);
      result.bytes += res.body.length;
      if (result.collected.length < job.collect) result.collected.push(res.body.toString('utf8'));
    } else {
      result.errors += 1;
      result.firstError ??= `${res.status} ${res.body.toString('utf8').slice(0, 300)}`;
    }
  }
}

await Promise.all(Array.from({ length: job.clients }, (_, i) => client(i)));
result.elapsedMs = performance.now() - started;
agent.destroy();
parentPort!.postMessage(result);
