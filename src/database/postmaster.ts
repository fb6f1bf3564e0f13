/**
 * Who holds a data directory. PostgreSQL writes `postmaster.pid` (pid, data directory, start time,
 * port, …) and removes it on a clean stop. After the app died hard (kill -9, OOM) its server keeps
 * running as an orphan; after a machine crash the file names a pid that may now belong to anything.
 * `judgePostmaster` (pure) decides from facts about that pid; a server is only ever signalled when
 * the process is a `postgres` whose working directory is this data directory (PostgreSQL chdirs
 * into it) and whose owner — the app instance that started it, named in its environment — is gone.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Environment variable the app gives the server it starts: the app's pid. */
export const OWNER_ENV = 'OCOP_MARKET_OWNER_PID';

export interface PostmasterPidFile {
  pid: number;
  dataDir: string;
  port: number | null;
}

export function parsePostmasterPid(text: string): PostmasterPidFile | null {
  const lines = text.split('\n');
  const pid = Number(lines[0]?.trim());
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const port = Number(lines[3]?.trim());
  return { pid, dataDir: (lines[1] ?? '').trim(), port: Number.isInteger(port) && port > 0 ? port : null };
}

export interface ProcessFacts {
  alive: boolean;
  /** We may signal it (same user, or root). */
  permitted: boolean;
  /** Program name (argv[0] without directories), when readable. */
  program?: string;
  /** Working directory, when readable. */
  cwd?: string;
  ppid?: number;
  /** OCOP_MARKET_OWNER_PID from its environment, when present and readable. */
  ownerPid?: number;
}

export type PostmasterVerdict =
  /** The process is gone, or the pid now belongs to another program: the file may be removed. */
  | { kind: 'stale' }
  /** A server of this data directory whose owner is gone: stop it and take over. */
  | { kind: 'orphan' }
  /** A server of this data directory that a live process owns: leave it alone. */
  | { kind: 'in-use'; ownerPid?: number }
  /** Cannot tell (no /proc, not permitted): leave it to PostgreSQL, which refuses to start twice. */
  | { kind: 'unknown' };

export function judgePostmaster(facts: ProcessFacts, dataDirReal: string): PostmasterVerdict {
  if (!facts.alive) return { kind: 'stale' };
  if (!facts.permitted || facts.program === undefined || facts.cwd === undefined || facts.ppid === undefined) return { kind: 'unknown' };
  if (!/^postgres(:|$)/.test(facts.program) || facts.cwd !== dataDirReal) return { kind: 'stale' };
  if (facts.ownerPid !== undefined) return facts.ppid === facts.ownerPid ? { kind: 'in-use', ownerPid: facts.ownerPid } : { kind: 'orphan' };
  // Started by something else (pg_ctl, an older version of the app): only an orphan of init is ours to stop.
  return facts.ppid === 1 ? { kind: 'orphan' } : { kind: 'in-use', ownerPid: facts.ppid };
}

function signalProbe(pid: number): { alive: boolean; permitted: boolean } {
  try {
    process.kill(pid, 0);
    return { alive: true, permitted: true };
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? { alive: true, permitted: false } : { alive: false, permitted: false };
  }
}

/** Facts from /proc (Linux). Elsewhere only `alive`/`permitted` are known, so the verdict is 'unknown'. */
export function processFacts(pid: number): ProcessFacts {
  const probe = signalProbe(pid);
  if (!probe.alive) return probe;
  const facts: ProcessFacts = { ...probe };
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state === 'Z' || state === 'X') return { alive: false, permitted: probe.permitted }; // exited, not yet reaped
    facts.ppid = Number(ppid);
    const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0];
    facts.program = basename(argv0);
    facts.cwd = readlinkSync(`/proc/${pid}/cwd`);
    const owner = readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .find((v) => v.startsWith(`${OWNER_ENV}=`));
    if (owner) facts.ownerPid = Number(owner.slice(OWNER_ENV.length + 1));
  } catch {
    /* not Linux, or not permitted: what was read so far stands */
  }
  return facts;
}

export function isGone(pid: number): boolean {
  return !processFacts(pid).alive;
}

/**
 * Stops a server that is not our child: fast shutdown (SIGINT: clients disconnected, a checkpoint,
 * a clean exit), then immediate shutdown (SIGQUIT: recovery at the next start) if it hangs.
 * Returns how it went; never signals anything but `pid`.
 */
export async function stopPostmaster(pid: number, opts: { graceMs?: number; quitMs?: number } = {}): Promise<'stopped' | 'quit' | 'still-running'> {
  const waitGone = async (ms: number) => {
    for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) if (isGone(pid)) return true;
    return isGone(pid);
  };
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return 'stopped';
  }
  if (await waitGone(opts.graceMs ?? 30_000)) return 'stopped';
  try {
    process.kill(pid, 'SIGQUIT');
  } catch {
    return 'stopped';
  }
  return (await waitGone(opts.quitMs ?? 10_000)) ? 'quit' : 'still-running';
}
