/**
 * CPU time (user + system) of a thread of this process and of a PostgreSQL server, from Linux's
 * /proc (clock ticks, usually 10 ms): what a piece of work cost in CPU, independent of how much
 * other work shared the machine meanwhile. Returns null where /proc is unavailable.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

function statTimes(path: string): { self: number; children: number; ppid: number } | null {
  try {
    const text = readFileSync(path, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // f[0] = state (field 3): utime is field 14 → f[11], stime f[12], cutime f[13], cstime f[14], ppid field 4 → f[1]
    return { self: (Number(f[11]) + Number(f[12])) * TICK_MS, children: (Number(f[13]) + Number(f[14])) * TICK_MS, ppid: Number(f[1]) };
  } catch {
    return null;
  }
}

/** CPU milliseconds used so far by this process's main thread. */
export function mainThreadCpuMs(): number | null {
  return statTimes(`/proc/self/task/${process.pid}/stat`)?.self ?? null;
}

/** CPU milliseconds used so far by a PostgreSQL server: the postmaster and all its processes. */
export function postgresCpuMs(postmasterPid: number): number | null {
  const root = statTimes(`/proc/${postmasterPid}/stat`);
  if (!root) return null;
  let total = root.self + root.children; // children: backends that have exited
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = statTimes(`/proc/${entry}/stat`);
    if (s && s.ppid === postmasterPid) total += s.self;
  }
  return total;
}

/** The postmaster's pid, from postmaster.pid in the data directory. */
export function postmasterPid(dataDir: string): number | null {
  try {
    const pid = Number(readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
