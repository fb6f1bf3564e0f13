import { describeServerExit } from './database-supervisor.js';

describe('describeServerExit', () => {
  it.each([
    [{ code: null, signal: 'SIGKILL' as const, output: 'FATAL:  terminating connection due to unexpected postmaster exit' }, 'the embedded PostgreSQL (pid 7) was killed (SIGKILL, e.g. by the out-of-memory killer)'],
    [{ code: null, signal: 'SIGTERM' as const, output: '' }, 'the embedded PostgreSQL (pid 7) was killed (SIGTERM)'],
    [{ code: 1, signal: null, output: 'LOG:  x\nPANIC:  could not write to file "pg_wal/xlogtemp.9": No space left on device' }, 'the embedded PostgreSQL (pid 7) exited with code 1: could not write to file "pg_wal/xlogtemp.9": No space left on device'],
    [{ code: 0, signal: null, output: 'LOG:  database system is shut down' }, 'the embedded PostgreSQL (pid 7) exited with code 0'],
  ])('%j', (exit, line) => expect(describeServerExit(7, exit)).toBe(line));
});
