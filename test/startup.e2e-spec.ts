/**
 * The start-up path as an operator meets it: `node dist/src/main.js` as a real process with its own
 * DATA_DIR and PORT — a demo start, kill -9 and the orphaned PostgreSQL, the embedded server dying
 * under a running app, failures that must end in one line, and the cluster of web workers.
 * One fresh start (initdb, migrations, demo seed) makes the data directory the other tests copy.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import {
  alive,
  buildApp,
  childrenOf,
  cleanUp,
  commandLine,
  copyDir,
  exitWithin,
  freePort,
  httpJson,
  httpStatus,
  occupyPort,
  answersByPid,
  postmasterPid,
  REPO,
  startApp,
  tempDir,
  trackMount,
  waitGone,
  type AppProcess,
} from './harness/app-process.js';

const READY = /ocop-market listening on/;
const asRoot = process.getuid?.() === 0;
let base: string;
/** Data directory of the fresh demo start (stopped cleanly), copied by the other tests. */
let template: string;

/** The embedded cluster of a DATA_DIR made by this wave (src/database/data-layout.ts). */
const pgDir = (dataDir: string) => join(dataDir, 'postgres');

function dataDirCopy(name: string): string {
  const dir = join(base, name);
  copyDir(template, dir);
  return dir;
}

/** The one line a failed start prints: stderr holds it and nothing else (no stack, no "undefined"). */
function oneLine(app: AppProcess): string {
  const lines = app.stderr().trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^ocop-market could not start: /);
  expect(lines[0]).not.toMatch(/undefined|\bat .*:\d+:\d+/);
  return lines[0];
}

async function ready(app: AppProcess, port: number): Promise<void> {
  await app.waitFor(READY);
  expect(await httpStatus(port, '/health/ready')).toBe(200);
}

beforeAll(() => {
  buildApp();
  base = tempDir();
}, 120_000);

afterAll(cleanUp, 60_000);

describe('a fresh demo start with two web workers (WEB_CONCURRENCY=2)', () => {
  let app: AppProcess;
  let port: number;
  let dataDir: string;

  beforeAll(async () => {
    port = await freePort();
    dataDir = join(base, 'demo');
    app = startApp({ PORT: String(port), DATA_DIR: dataDir, SEED_DEMO: 'true', WEB_CONCURRENCY: '2' });
    await app.waitFor(/ocop-market is ready: open the pages[\s\S]*└/, 180_000);
  }, 200_000);

  it('prints one line per page, with keys that open the seller center and the market office', async () => {
    const out = app.stdout();
    const url = `http://localhost:${port}`;
    expect(out).toContain(`│ Shop           ${url}/\n`);
    expect(out).toContain(`│ API docs       ${url}/docs\n`);
    const seller = out.match(new RegExp(`│ Seller center  ${url}/seller +key (ocop_sk_\\S+)  \\(cooperative "[^"]+"\\)`));
    const office = out.match(new RegExp(`│ Market office  ${url}/manage/markets/([0-9a-f-]{36})  key (ocop_sk_\\S+)  \\(manager of "Chợ 4\\.0 Trung tâm Buôn Ma Thuột"\\)`));
    expect(seller).not.toBeNull();
    expect(office).not.toBeNull();
    // The keys work for what the lines say.
    const coop = await httpJson(port, '/me', { Authorization: `Bearer ${seller![1]}` });
    expect(coop.status).toBe(200);
    expect(coop.body).toMatchObject({ role: 'cooperative' });
    const manager = await httpJson(port, '/me', { Authorization: `Bearer ${office![2]}` });
    expect(manager.body).toMatchObject({ role: 'market_manager', marketIds: [office![1]] });
    const stats = `/markets/${office![1]}/stats`;
    expect(await httpStatus(port, stats, { Authorization: `Bearer ${office![2]}` })).toBe(200);
    expect(await httpStatus(port, stats, { Authorization: `Bearer ${seller![1]}` })).toBe(403);
    expect(await httpStatus(port, '/docs')).toBe(200);
  });

  it('started the database, migrations, the demo seed and the background jobs once', async () => {
    const all = app.stdout() + app.stderr();
    expect(all.match(/embedded PostgreSQL on port/g)).toHaveLength(1);
    expect(all.match(/migrations applied:/g)).toHaveLength(1);
    expect(all.match(/demo data seeded:/g)).toHaveLength(1);
    expect(all.match(/open the pages/g)).toHaveLength(1);
    expect(all.match(/\] worker \d+ listening/g)).toHaveLength(2);
    expect(all.match(/\] worker \d+ listening, runs the background jobs/g)).toHaveLength(1);
    const pm = postmasterPid(dataDir)!;
    const db = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${pm.port}/ocop` });
    await db.connect();
    try {
      const keys = await db.query(`SELECT role, count(*)::int AS n FROM api_keys GROUP BY role ORDER BY role`);
      expect(keys.rows).toEqual([
        { role: 'cooperative', n: 1 },
        { role: 'market_manager', n: 1 },
      ]);
      expect((await db.query(`SELECT count(*)::int AS n FROM markets`)).rows[0].n).toBe(1);
      expect((await db.query(`SELECT count(*)::int AS n FROM app_meta WHERE key = 'demo_seed'`)).rows[0].n).toBe(1);
    } finally {
      await db.end();
    }
  });

  it('serves requests from two worker processes', async () => {
    const workers = childrenOf(app.pid).filter((p) => commandLine(p).includes('main.js'));
    expect(workers).toHaveLength(2);
    const answers = await answersByPid(port, workers, '/health/live');
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect([...new Set(answers.map((a) => a.pid))].sort()).toEqual([...workers].sort());
  });

  it('when the embedded PostgreSQL dies, every worker answers 503 at once; the primary restarts it', async () => {
    const workers = childrenOf(app.pid).filter((p) => commandLine(p).includes('main.js'));
    const killedAt = Date.now();
    const server = postmasterPid(dataDir)!.pid;
    process.kill(server, 'SIGKILL');
    // Each worker says why (the primary told it), not merely that a ping failed.
    const why = `the embedded PostgreSQL (pid ${server}) was killed (SIGKILL, e.g. by the out-of-memory killer)`;
    const down = new Set<number | null>();
    while (down.size < workers.length && Date.now() - killedAt < 1500) {
      for (const a of await answersByPid(port, workers, '/health/ready', 4)) {
        if (a.status === 503 && JSON.parse(a.body).message === `database: ${why}`) down.add(a.pid);
      }
    }
    expect([...down].sort()).toEqual([...workers].sort());
    await app.waitFor(/the embedded PostgreSQL is back/, 60_000);
    const after = await answersByPid(port, workers, '/health/ready', 6);
    expect(after.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(after.map((a) => a.pid)).size).toBe(2);
  });

  it('replaces a worker that dies; the replacement takes over the background jobs', async () => {
    const before = childrenOf(app.pid).filter((p) => commandLine(p).includes('main.js'));
    const background = Number(app.stdout().match(/\] worker (\d+) listening, runs the background jobs/)![1]);
    expect(before).toContain(background);
    process.kill(background, 'SIGKILL');
    await app.waitFor(new RegExp(`web worker ${background} was killed \\(SIGKILL\\); starting another \\(it takes over the background jobs\\)`));
    const replacement = await app.waitFor(/\] worker (\d+) listening, runs the background jobs[\s\S]*\] worker (\d+) listening, runs the background jobs/);
    const fresh = Number(replacement[2]);
    expect(fresh).not.toBe(background);
    const after = childrenOf(app.pid).filter((p) => commandLine(p).includes('main.js'));
    expect(after.sort()).toEqual([...before.filter((p) => p !== background), fresh].sort());
    expect(await httpStatus(port, '/health/ready')).toBe(200);
  });

  it('SIGTERM: workers finish, then the database stops; exit code 0', async () => {
    const pm = postmasterPid(dataDir)!;
    const workers = childrenOf(app.pid).filter((p) => commandLine(p).includes('main.js'));
    app.child.kill('SIGTERM');
    expect(await exitWithin(app, 60_000)).toBe(0);
    expect(await waitGone(pm.pid, 1000)).toBe(true);
    for (const w of workers) expect(alive(w)).toBe(false);
    expect(postmasterPid(dataDir)).toBeNull(); // a clean stop removes postmaster.pid
    template = dataDir;
  });
});

describe('the embedded PostgreSQL after a hard death', () => {
  it('kill -9 of the app leaves its PostgreSQL running; the next start stops that orphan and comes up', async () => {
    const dataDir = dataDirCopy('orphan');
    const port = await freePort();
    const first = startApp({ PORT: String(port), DATA_DIR: dataDir });
    await ready(first, port);
    const orphan = postmasterPid(dataDir)!.pid;
    first.child.kill('SIGKILL');
    await first.exited;
    await sleep(500);
    expect(alive(orphan)).toBe(true); // the situation of the issue: a server without its app

    const second = startApp({ PORT: String(port), DATA_DIR: dataDir });
    await ready(second, port);
    expect(second.stdout()).toContain(`stopping the embedded PostgreSQL (pid ${orphan}) left running in ${pgDir(dataDir)} by an app instance that is gone`);
    expect(alive(orphan)).toBe(false);
    expect(postmasterPid(dataDir)!.pid).not.toBe(orphan);
    second.child.kill('SIGTERM');
    expect(await exitWithin(second, 30_000)).toBe(0);
  }, 180_000);

  it('a second app on the same DATA_DIR refuses in one line and leaves the running one alone', async () => {
    const dataDir = dataDirCopy('shared');
    const port = await freePort();
    const first = startApp({ PORT: String(port), DATA_DIR: dataDir });
    await ready(first, port);
    const server = postmasterPid(dataDir)!.pid;
    const second = startApp({ PORT: String(await freePort()), DATA_DIR: dataDir });
    expect(await exitWithin(second, 30_000)).toBe(1);
    expect(oneLine(second)).toBe(
      `ocop-market could not start: the database directory ${pgDir(dataDir)} is in use by a running PostgreSQL (pid ${server}) started by process ${first.pid}, probably another ocop-market: stop that one first, or give this one another DATA_DIR`,
    );
    expect(alive(server)).toBe(true);
    expect(await httpStatus(port, '/health/ready')).toBe(200);
    first.child.kill('SIGTERM');
    expect(await exitWithin(first, 30_000)).toBe(0);
  }, 180_000);

  it('never signals a process that a stale postmaster.pid names when it is not a postgres of this DATA_DIR', async () => {
    const dataDir = dataDirCopy('stale');
    const bystander = spawn('sleep', ['120'], { stdio: 'ignore' });
    try {
      writeFileSync(join(pgDir(dataDir), 'postmaster.pid'), `${bystander.pid}\n${pgDir(dataDir)}\n1796100000\n5432\n\n127.0.0.1\n`);
      const port = await freePort();
      const app = startApp({ PORT: String(port), DATA_DIR: dataDir });
      await ready(app, port);
      expect(alive(bystander.pid!)).toBe(true);
      expect(bystander.exitCode).toBeNull();
      expect(bystander.signalCode).toBeNull();
      app.child.kill('SIGTERM');
      expect(await exitWithin(app, 30_000)).toBe(0);
    } finally {
      bystander.kill('SIGKILL');
    }
  }, 180_000);

  it('when the server dies under the app: 503 at once, restarted; when it keeps dying, exit 1 with one line', async () => {
    const dataDir = dataDirCopy('crash');
    const port = await freePort();
    const app = startApp({ PORT: String(port), DATA_DIR: dataDir });
    await ready(app, port);

    // First death: readiness says 503 within a second, then the server is back.
    const killedAt = Date.now();
    const server = postmasterPid(dataDir)!.pid;
    process.kill(server, 'SIGKILL');
    // The app says why (it saw its server exit), not merely that a ping failed.
    const why = `the embedded PostgreSQL (pid ${server}) was killed (SIGKILL, e.g. by the out-of-memory killer)`;
    let first503 = 0;
    while (Date.now() - killedAt < 1000) {
      const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
      const body = (await res.json()) as { message?: string };
      if (res.status === 503 && body.message === `database: ${why}`) {
        first503 = Date.now() - killedAt;
        break;
      }
    }
    expect(first503).toBeGreaterThan(0);
    expect(first503).toBeLessThan(1000);
    await app.waitFor(/the embedded PostgreSQL is back/, 60_000);
    expect(await httpStatus(port, '/health/ready')).toBe(200);
    expect(await httpStatus(port, '/products')).toBe(200);
    expect(app.stderr()).toMatch(/the embedded PostgreSQL \(pid \d+\) was killed \(SIGKILL, e\.g\. by the out-of-memory killer\); restarting it/);

    // Deaths 2 and 3 are restarted too; the 4th within 10 minutes is a crash loop: exit 1.
    for (let n = 2; n <= 3; n++) {
      process.kill(postmasterPid(dataDir)!.pid, 'SIGKILL');
      await app.waitFor(new RegExp(`(the embedded PostgreSQL is back[\\s\\S]*){${n}}`), 60_000);
    }
    const last = postmasterPid(dataDir)!.pid;
    process.kill(last, 'SIGKILL');
    expect(await exitWithin(app, 60_000)).toBe(1);
    expect(app.stderr()).toMatch(
      new RegExp(`\\nocop-market stops: the embedded PostgreSQL \\(pid ${last}\\) was killed \\(SIGKILL, e\\.g\\. by the out-of-memory killer\\), its 4th death within 10 minutes; not restarting it again\\n$`),
    );
  }, 240_000);
});

describe('a start that fails says why in one line and exits 1', () => {
  it('the HTTP port is taken: stops before starting the database', async () => {
    const port = await occupyPort();
    const dataDir = join(base, 'port-taken');
    const app = startApp({ PORT: String(port), DATA_DIR: dataDir });
    expect(await exitWithin(app, 20_000)).toBe(1);
    expect(oneLine(app)).toBe(`ocop-market could not start: port ${port} is already in use by another program: stop it, or set PORT to a free port`);
    expect(app.stdout()).not.toContain('embedded PostgreSQL');
  });

  it('the embedded server port is taken', async () => {
    const pgPort = await occupyPort('127.0.0.1');
    const app = startApp({ PORT: String(await freePort()), DATA_DIR: dataDirCopy('pg-port'), EMBEDDED_PG_PORT: String(pgPort) });
    expect(await exitWithin(app, 30_000)).toBe(1);
    expect(oneLine(app)).toBe(
      `ocop-market could not start: port ${pgPort} of the embedded PostgreSQL is in use by another program: set EMBEDDED_PG_PORT to a free port, or to 0 for any free port`,
    );
  });

  it('DATA_DIR holds a database of another PostgreSQL major version', async () => {
    const dataDir = dataDirCopy('pg16');
    writeFileSync(join(pgDir(dataDir), 'PG_VERSION'), '16\n');
    const app = startApp({ PORT: String(await freePort()), DATA_DIR: dataDir });
    expect(await exitWithin(app, 30_000)).toBe(1);
    expect(oneLine(app)).toBe(
      `ocop-market could not start: the database directory ${pgDir(dataDir)} holds a PostgreSQL 16 database, but the embedded server is PostgreSQL 18: upgrade it (pg_upgrade, or pg_dump with PostgreSQL 16 and restore), or point DATA_DIR at another directory`,
    );
  });

  it('the database directory (DATA_DIR/postgres) holds something else', async () => {
    const dataDir = join(base, 'not-pg');
    mkdirSync(pgDir(dataDir), { recursive: true });
    writeFileSync(join(pgDir(dataDir), 'notes.txt'), 'mine\n');
    const app = startApp({ PORT: String(await freePort()), DATA_DIR: dataDir });
    expect(await exitWithin(app, 30_000)).toBe(1);
    expect(oneLine(app)).toBe(`ocop-market could not start: the database directory ${pgDir(dataDir)} is not empty and holds no PostgreSQL database: point DATA_DIR at a new or empty directory`);
    expect(readFileSync(join(pgDir(dataDir), 'notes.txt'), 'utf8')).toBe('mine\n');
  });

  it('an invalid variable', async () => {
    const app = startApp({ PORT: 'eighty', DATA_DIR: join(base, 'never') });
    expect(await exitWithin(app, 20_000)).toBe(1);
    expect(oneLine(app)).toMatch(/^ocop-market could not start: Invalid configuration: PORT /);
  });

  (asRoot ? it : it.skip)('the disk is full (a small tmpfs; needs root)', async () => {
    const mnt = join(base, 'full');
    mkdirSync(mnt);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m,mode=755', 'tmpfs', mnt]);
    trackMount(mnt);
    const dataDir = join(mnt, 'data');
    const app = startApp({ PORT: String(await freePort()), DATA_DIR: dataDir });
    expect(await exitWithin(app, 60_000)).toBe(1);
    expect(oneLine(app)).toBe(
      `ocop-market could not start: the disk is full (No space left on device) where the database directory ${pgDir(dataDir)} is: free some space, or point DATA_DIR at a disk with room, and start again`,
    );
  }, 90_000);
});

(asRoot ? describe : describe.skip)('started by root from a private directory (a clone under /root)', () => {
  let main: string;
  let privateDir: string;

  beforeAll(() => {
    // The app as a clone in a mode-700 directory: dist and node_modules hard-linked (same files).
    privateDir = mkdtempSync(join(tmpdir(), 'ocop-private-'));
    const clone = join(privateDir, 'ocop-market');
    mkdirSync(clone);
    execFileSync('cp', ['-al', join(REPO, 'node_modules'), join(clone, 'node_modules')]);
    cpSync(join(REPO, 'dist'), join(clone, 'dist'), { recursive: true });
    cpSync(join(REPO, 'package.json'), join(clone, 'package.json'));
    main = join(clone, 'dist', 'src', 'main.js');
  }, 60_000);

  afterAll(() => execFileSync('rm', ['-rf', privateDir]));

  it('DATA_DIR inside the private directory: one line that says what to do', async () => {
    const dataDir = join(privateDir, 'ocop-market', '.data');
    const app = startApp({ PORT: String(await freePort()), DATA_DIR: dataDir }, { main });
    expect(await exitWithin(app, 30_000)).toBe(1);
    expect(oneLine(app)).toBe(
      `ocop-market could not start: running as root, the embedded PostgreSQL runs as the system user "postgres", which cannot enter ${privateDir} (mode 700, owner root) ` +
        `to reach the database directory ${pgDir(dataDir)}. Set DATA_DIR to a directory outside it (e.g. DATA_DIR=/var/lib/ocop-market), run as a normal user, or set DATABASE_URL`,
    );
  });

  it('DATA_DIR outside it: comes up, the server running a root-owned copy of the binaries', async () => {
    const dataDir = dataDirCopy('from-private');
    const port = await freePort();
    const app = startApp({ PORT: String(port), DATA_DIR: dataDir }, { main });
    await ready(app, port);
    const server = postmasterPid(dataDir)!.pid;
    expect(commandLine(server)).toMatch(/^\/var\/cache\/ocop-market\/postgresql-[^/]+\/bin\/postgres -D /);
    const owner = execFileSync('stat', ['-c', '%U %a', '/var/cache/ocop-market', commandLine(server).split(' ')[0]], { encoding: 'utf8' });
    expect(owner.trim().split('\n')).toEqual(['root 755', 'root 755']);
    expect(execFileSync('stat', ['-c', '%a', privateDir], { encoding: 'utf8' }).trim()).toBe('700'); // nothing was opened up
    app.child.kill('SIGTERM');
    expect(await exitWithin(app, 30_000)).toBe(0);
  }, 120_000);
});
