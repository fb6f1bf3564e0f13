/**
 * Every known way the start can fail, in one place: error → one line saying what happened and what
 * to do. Pure (no I/O): table-driven tests in explain-failure.spec.ts. `known: false` means an
 * unexpected failure (a bug): the caller prints the stack after the line.
 */
import { ConfigError } from '../config/config.js';
import { lastMessage, PostgresFailure, StartupProblem } from './startup-problem.js';

export type StartStep = 'database' | 'migrations' | 'app' | 'seed' | 'listen' | 'workers';

export interface FailureContext {
  step: StartStep;
  host: string;
  port: number;
  /** Resolved DATA_DIR (embedded server) or undefined with DATABASE_URL. */
  dataDir?: string;
  /** EMBEDDED_PG_PORT when set (0 = any free port). */
  embeddedPgPort?: number;
}

export interface Explanation {
  line: string;
  known: boolean;
}

const STEP: Record<StartStep, string> = {
  database: 'starting the database',
  migrations: 'applying the migrations',
  app: 'building the app',
  seed: 'seeding the demo data',
  listen: 'opening the HTTP port',
  workers: 'starting the web workers',
};

type Errno = Error & { code?: string; syscall?: string; path?: string; address?: string; port?: number; hostname?: string; detail?: string };

const diskFull = (ctx: FailureContext) =>
  `the disk is full (No space left on device)${ctx.dataDir ? ` where the database directory ${ctx.dataDir} is` : ''}: free some space, or point DATA_DIR at a disk with room, and start again`;

/** Lines of PostgreSQL's own output (initdb or postgres), in English (LC_MESSAGES=C). */
function explainPostgres(f: PostgresFailure, ctx: FailureContext): string {
  const out = f.output;
  const dir = ctx.dataDir ?? 'DATA_DIR';
  let m: RegExpMatchArray | null;
  if (/pre-existing shared memory block .*is still in use/.test(out)) {
    return `processes of an earlier PostgreSQL of the database directory ${dir} are still running: stop them (they use ${dir}; see ps -ef | grep postgres) and start again`;
  }
  // initdb prints "selecting dynamic shared memory implementation ...": only a FATAL about it counts.
  if (/(FATAL|PANIC):[^\n]*shared memory/.test(out)) {
    return `PostgreSQL could not get shared memory (${lastMessage(out)}): free memory, or raise the machine's shared memory limit (/dev/shm), and start again`;
  }
  if (/No space left on device/.test(out)) return diskFull(ctx);
  if ((m = out.match(/initialized by PostgreSQL version (\d+)(?:\.\d+)*, which is not compatible with this version (\d+)/))) {
    return (
      `the database directory ${dir} holds a PostgreSQL ${m[1]} database, but the embedded server is PostgreSQL ${m[2]}: ` +
      `upgrade it (pg_upgrade, or pg_dump with PostgreSQL ${m[1]} and restore), or point DATA_DIR at another directory`
    );
  }
  if (/could not bind IPv[46] address .*Address already in use|could not create any TCP\/IP sockets/.test(out)) {
    const port = out.match(/running on port (\d+)/)?.[1] ?? (ctx.embeddedPgPort ? String(ctx.embeddedPgPort) : undefined);
    return `port ${port ?? '(EMBEDDED_PG_PORT)'} of the embedded PostgreSQL is in use by another program: set EMBEDDED_PG_PORT to a free port, or to 0 for any free port`;
  }
  if ((m = out.match(/lock file "postmaster\.pid" already exists[\s\S]*?PID (\d+)/))) {
    return `another PostgreSQL (pid ${m[1]}) runs on the database directory ${dir}: stop it (kill -INT ${m[1]}), or point DATA_DIR at another directory`;
  }
  if (/has wrong ownership/.test(out)) {
    return `the database directory ${dir} belongs to another user than the one PostgreSQL runs as: start the app as the owner of DATA_DIR, or point DATA_DIR elsewhere`;
  }
  if (/has invalid permissions/.test(out)) return `the database directory ${dir} must be accessible to its owner only: chmod 700 ${dir}`;
  if (/exists but is not empty/.test(out)) return `the database directory ${dir} is not empty and holds no PostgreSQL database: point DATA_DIR at a new or empty directory`;
  if (/Read-only file system/.test(out)) return `the database directory ${dir} is on a read-only file system: point DATA_DIR at a writable directory`;
  if (/Permission denied/.test(out)) return `PostgreSQL was denied access: ${lastMessage(out)}`;
  const what = f.program === 'initdb' ? 'could not create its database in ' + (ctx.dataDir ? `the database directory ${dir}` : 'DATA_DIR') : 'could not start';
  const how = f.exit.signal ? ` (killed by ${f.exit.signal})` : '';
  return `the embedded PostgreSQL ${what}${how}${out ? `: ${lastMessage(out)}` : ''}`;
}

function explainErrno(e: Errno, ctx: FailureContext): string | null {
  const listening = e.syscall === 'listen' || e.syscall === 'bind';
  switch (e.code) {
    case 'ENOSPC':
      return diskFull(ctx);
    case 'EADDRINUSE':
      if (listening) return `port ${e.port ?? ctx.port} is already in use by another program: stop it, or set PORT to a free port`;
      break;
    case 'EADDRNOTAVAIL':
      if (listening) return `HOST ${e.address ?? ctx.host} is not an address of this machine: set HOST to one of its addresses, or 0.0.0.0 for all`;
      break;
    case 'EACCES':
    case 'EPERM':
      if (listening) return `not allowed to listen on port ${e.port ?? ctx.port} (ports below 1024 need privileges): set PORT to 1024 or above`;
      if (e.syscall?.startsWith('spawn')) return `cannot run ${e.path ?? e.syscall.slice(6)} (permission denied): check that the user running the app may read and execute it`;
      return `permission denied${e.path ? ` on ${e.path}` : ''}${e.syscall ? ` (${e.syscall})` : ''}: check the owner and mode of that path`;
    case 'EROFS':
      return `${e.path ?? 'a path'} is on a read-only file system: point DATA_DIR at a writable directory`;
    case 'ENOENT':
      if (e.syscall?.startsWith('spawn')) return `cannot find ${e.path ?? e.syscall.slice(6)}: reinstall the dependencies (npm ci)`;
      break;
    case 'ECONNREFUSED':
      return `PostgreSQL at ${e.address ?? '?'}:${e.port ?? '?'} refused the connection: is it running, and is DATABASE_URL right?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the database host ${e.hostname ? `${e.hostname} ` : ''}cannot be resolved: check the host name in DATABASE_URL`;
    case 'ETIMEDOUT':
      return `connecting to ${e.address ? `${e.address}:${e.port}` : 'the database'} timed out: check DATABASE_URL and the network`;
  }
  return null;
}

/** PostgreSQL server errors (SQLSTATE in `code`): from pg directly or wrapped by TypeORM. */
function explainSqlState(e: Errno, ctx: FailureContext): string | null {
  const code = e.code;
  if (!code || !/^[0-9A-Z]{5}$/.test(code)) return null;
  switch (code) {
    case '28P01':
    case '28000':
      return `PostgreSQL refused the credentials (${e.message}): check the user and password in DATABASE_URL`;
    case '3D000':
      return `${e.message}: create it (CREATE DATABASE) or fix the database name in DATABASE_URL`;
    case '53100':
      return diskFull(ctx);
    case '53300':
      return `PostgreSQL has no connection left (${e.message}): raise its max_connections, or lower DB_POOL_MAX or WEB_CONCURRENCY`;
    case '57P03':
      return `PostgreSQL is starting up or shutting down (${e.message}): start again in a moment`;
  }
  return `${STEP[ctx.step]} failed: PostgreSQL error ${code}: ${e.message}`;
}

export function explainStartupFailure(err: unknown, ctx: FailureContext): Explanation {
  if (err instanceof ConfigError || err instanceof StartupProblem) return { line: err.message, known: true };
  if (err instanceof PostgresFailure) return { line: explainPostgres(err, ctx), known: true };
  if (err instanceof AggregateError && err.errors.length) {
    // net.connect tries every address of a name (::1 and 127.0.0.1): the last one says it.
    const inner = explainStartupFailure(err.errors[err.errors.length - 1], ctx);
    if (inner.known) return inner;
  }
  if (err instanceof Error) {
    const e = err as Errno;
    const line = explainErrno(e, ctx) ?? explainSqlState(e, ctx);
    if (line) return { line, known: true };
    return { line: `${STEP[ctx.step]} failed: ${err.message || err.name}`, known: false };
  }
  return { line: `${STEP[ctx.step]} failed: a library threw ${err === undefined ? 'undefined' : JSON.stringify(err)} instead of an error`, known: false };
}
