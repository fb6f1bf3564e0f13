/**
 * The app as a real process (`node dist/src/main.js`), for the start-up tests: its output, its exit,
 * the processes it started. Every process and mount made here is recorded and removed by cleanUp(),
 * including the embedded PostgreSQL a killed app leaves running.
 */
import { ensureBuilt } from './dist.js';
import { embeddedClusterDir } from '../../src/database/data-layout.js';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAIN = join(REPO, 'dist', 'src', 'main.js');

/** Compiles src/ to dist/ (incremental: seconds when nothing changed). */
export function buildApp(): void {
  ensureBuilt();
}

export interface AppProcess {
  child: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or 128+signal). */
  exited: Promise<number>;
  /** Waits until stdout+stderr match `re`; fails with the output when the process exits or time runs out. */
  waitFor(re: RegExp, ms?: number): Promise<RegExpMatchArray>;
}

const started: ChildProcess[] = [];
const dataDirs = new Set<string>();
const mounts: string[] = [];
const tempDirs: string[] = [];
const servers: Server[] = [];

/** A temporary directory the `postgres` system user can enter (mkdtemp makes it 700). */
export function tempDir(prefix = 'ocop-startup-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  execFileSync('chmod', ['755', d]);
  tempDirs.push(d);
  return d;
}

export function trackMount(path: string): void {
  mounts.push(path);
}

export function startApp(env: Record<string, string>, opts: { main?: string } = {}): AppProcess {
  if (env.DATA_DIR) dataDirs.add(resolve(env.DATA_DIR));
  const child = spawn(process.execPath, [opts.main ?? MAIN], {
    cwd: REPO,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'development', LOG_LEVEL: 'warn', WEB_CONCURRENCY: '1', SEED_DEMO: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let out = '';
  let err = '';
  const changed: Array<() => void> = [];
  const notify = () => changed.splice(0).forEach((f) => f());
  child.stdout!.on('data', (c: Buffer) => ((out += c.toString('utf8')), notify()));
  child.stderr!.on('data', (c: Buffer) => ((err += c.toString('utf8')), notify()));
  const exited = new Promise<number>((ok) => child.once('exit', (code, signal) => (ok(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15)), notify())));
  let done = false;
  void exited.then(() => (done = true));
  return {
    child,
    pid: child.pid!,
    stdout: () => out,
    stderr: () => err,
    exited,
    async waitFor(re, ms = 90_000) {
      const end = Date.now() + ms;
      for (;;) {
        const m = (out + err).match(re);
        if (m) return m;
        if (done) throw new Error(`the app exited before printing ${re}:\n--- stdout\n${out}\n--- stderr\n${err}`);
        if (Date.now() > end) throw new Error(`no ${re} within ${ms} ms:\n--- stdout\n${out}\n--- stderr\n${err}`);
        await Promise.race([new Promise<void>((ok) => changed.push(ok)), sleep(250)]);
      }
    },
  };
}

/** Resolves with the exit code, or fails after `ms`. */
export async function exitWithin(app: AppProcess, ms: number): Promise<number> {
  const code = await Promise.race([app.exited, sleep(ms).then(() => null)]);
  if (code === null) throw new Error(`still running after ${ms} ms:\n--- stdout\n${app.stdout()}\n--- stderr\n${app.stderr()}`);
  return code;
}

export async function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

/** Holds a port (as another program would). */
export async function occupyPort(host = '0.0.0.0'): Promise<number> {
  const s = createServer();
  servers.push(s);
  await new Promise<void>((ok) => s.listen(0, host, ok));
  return (s.address() as { port: number }).port;
}

export async function httpStatus(port: number, path: string, headers: Record<string, string> = {}): Promise<number> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers, signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

export async function httpJson(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: await res.json() };
}

/** The embedded server's pid and port from the postmaster.pid of DATA_DIR's cluster (DATA_DIR/postgres). */
export function postmasterPid(dataDir: string): { pid: number; port: number } | null {
  try {
    const lines = readFileSync(join(embeddedClusterDir(dataDir), 'postmaster.pid'), 'utf8').split('\n');
    return { pid: Number(lines[0]), port: Number(lines[3]) };
  } catch {
    return null;
  }
}

export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\S+ \(.*\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}

export async function waitGone(pid: number, ms = 30_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) if (!alive(pid)) return true;
  return !alive(pid);
}

/** Pids whose parent is `pid`. */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) === pid && state !== 'Z') out.push(Number(d));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/**
 * Makes `n` requests, each on a new connection, and finds for each (Linux /proc/net/tcp, then
 * /proc/<pid>/fd) which of `pids` held the server end: which worker process answered what.
 */
export async function answersByPid(port: number, pids: number[], path: string, n = 8): Promise<Array<{ pid: number | null; status: number; body: string }>> {
  const sockets: Array<{ socket: Socket; status: number; body: string }> = [];
  try {
    for (let i = 0; i < n; i++) {
      const socket = connect(port, '127.0.0.1');
      const answer = await new Promise<{ status: number; body: string }>((ok, fail) => {
        let got = Buffer.alloc(0);
        socket.once('error', fail);
        socket.on('data', (c: Buffer) => {
          got = Buffer.concat([got, c]);
          const end = got.indexOf('\r\n\r\n');
          if (end < 0) return;
          const head = got.subarray(0, end).toString('latin1');
          const length = Number(head.match(/\r\ncontent-length: *(\d+)/i)?.[1] ?? 0);
          if (got.length >= end + 4 + length) ok({ status: Number(head.split(' ')[1]), body: got.subarray(end + 4, end + 4 + length).toString('utf8') });
        });
        socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n`);
      });
      sockets.push({ socket, ...answer });
    }
    const hex = (p: number) => p.toString(16).toUpperCase().padStart(4, '0');
    const table = readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/));
    const owner = new Map<string, number>();
    for (const pid of pids) {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        try {
          const m = readlinkSync(`/proc/${pid}/fd/${fd}`).match(/^socket:\[(\d+)\]$/);
          if (m) owner.set(m[1], pid);
        } catch {
          /* closed meanwhile */
        }
      }
    }
    return sockets.map(({ socket, status, body }) => {
      const row = table.find((f) => f[1] === `0100007F:${hex(port)}` && f[2] === `0100007F:${hex(socket.localPort!)}`);
      return { pid: row ? (owner.get(row[9]) ?? null) : null, status, body };
    });
  } finally {
    for (const { socket } of sockets) socket.destroy();
  }
}

/** Stops a PostgreSQL left running in `dataDir`, only if the pid is a postgres working in that directory. */
async function stopLeftServer(dataDir: string): Promise<void> {
  const pm = postmasterPid(dataDir);
  if (!pm || !alive(pm.pid)) return;
  let cwd = '';
  try {
    cwd = readlinkSync(`/proc/${pm.pid}/cwd`);
  } catch {
    return;
  }
  if (!existsSync(dataDir) || cwd !== realpathSync(dataDir) || !/\bpostgres\b/.test(commandLine(pm.pid))) return;
  process.kill(pm.pid, 'SIGINT');
  if (!(await waitGone(pm.pid, 20_000))) process.kill(pm.pid, 'SIGKILL');
}

export async function cleanUp(): Promise<void> {
  for (const c of started.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await sleep(200);
  for (const d of [...dataDirs]) await stopLeftServer(d);
  dataDirs.clear();
  for (const s of servers.splice(0)) s.close();
  for (const m of mounts.splice(0)) {
    try {
      execFileSync('umount', [m]);
    } catch {
      /* not mounted */
    }
  }
  for (const d of tempDirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** cp -a (keeps owners: the data directory of a root start belongs to `postgres`). */
export function copyDir(from: string, to: string): void {
  execFileSync('cp', ['-a', from, to]);
}

export function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
