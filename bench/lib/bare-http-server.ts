/**
 * The baseline of `npm run bench:http`: a bare node:http server (no framework) answering the same
 * paths with the same bytes the app answers, as fast as Node answers anything. Started as a child
 * process by bench/http.bench.ts; prints its port on stdout. Bodies come from a JSON file whose path
 * is the first argument: { "/health/live": { contentType, body }, … }.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const routes = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Record<string, { contentType: string; body: string }>;
const answers = new Map(Object.entries(routes).map(([path, r]) => [path, { type: r.contentType, body: Buffer.from(r.body, 'utf8') }]));

const server = createServer((req, res) => {
  const a = answers.get(req.url ?? '');
  if (!a) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': a.type, 'content-length': a.body.length });
  res.end(a.body);
});
server.keepAliveTimeout = 72_000;
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`${typeof addr === 'object' && addr ? addr.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
