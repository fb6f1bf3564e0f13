import { judgePostmaster, parsePostmasterPid, type ProcessFacts } from './postmaster.js';

describe('parsePostmasterPid', () => {
  it('reads pid, data directory and port of the file PostgreSQL writes', () => {
    const text = '6094\n/srv/ocop/.data\n1796100000\n45005\n\n127.0.0.1\n  5432001        12\nready   \n';
    expect(parsePostmasterPid(text)).toEqual({ pid: 6094, dataDir: '/srv/ocop/.data', port: 45005 });
  });
  it.each(['', 'abc\n', '-1\n/x\n', '0\n'])('refuses %j', (text) => expect(parsePostmasterPid(text)).toBeNull());
  it('tolerates a file cut short', () => expect(parsePostmasterPid('77\n')).toEqual({ pid: 77, dataDir: '', port: null }));
});

describe('judgePostmaster', () => {
  const dir = '/srv/ocop/.data';
  const server: ProcessFacts = { alive: true, permitted: true, program: 'postgres', cwd: dir, ppid: 1, ownerPid: 4242 };
  it.each<[string, ProcessFacts, ReturnType<typeof judgePostmaster>]>([
    ['the process is gone', { alive: false, permitted: false }, { kind: 'stale' }],
    ['its owner app died (now a child of init)', server, { kind: 'orphan' }],
    ['its owner app died (adopted by a subreaper)', { ...server, ppid: 900 }, { kind: 'orphan' }],
    ['its owner app still runs it', { ...server, ppid: 4242 }, { kind: 'in-use', ownerPid: 4242 }],
    ['the pid now belongs to another program', { ...server, program: 'sleep' }, { kind: 'stale' }],
    ['a postgres of another data directory', { ...server, cwd: '/var/lib/postgresql/16/main' }, { kind: 'stale' }],
    ['started without an owner (pg_ctl), parent alive', { ...server, ownerPid: undefined, ppid: 3000 }, { kind: 'in-use', ownerPid: 3000 }],
    ['started without an owner, orphaned', { ...server, ownerPid: undefined }, { kind: 'orphan' }],
    ['another user\'s process: cannot tell', { alive: true, permitted: false }, { kind: 'unknown' }],
    ['no /proc: cannot tell', { alive: true, permitted: true }, { kind: 'unknown' }],
    ['a retitled postmaster', { ...server, program: 'postgres: ocop' }, { kind: 'orphan' }],
  ])('%s', (_name, facts, verdict) => {
    expect(judgePostmaster(facts, dir)).toEqual(verdict);
  });
});
