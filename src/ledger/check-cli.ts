/* npm run ledger:check — verifies the ledger of DATABASE_URL (or the embedded database in DATA_DIR). */
import pg from 'pg';
import { loadConfig } from '../config/config.js';
import { resolveDatabase } from '../database/database-url.js';
import { checkLedger } from './ledger.service.js';

const config = loadConfig();
const db = await resolveDatabase(config, () => undefined, { reuseRunning: true });
const client = new pg.Client({ connectionString: db.url });
await client.connect();
try {
  const result = await checkLedger({ query: async (sql) => (await client.query(sql)).rows });
  console.log(JSON.stringify(result, null, 2));
  console.log(result.ok ? `ledger OK: ${result.journals} journals, ${result.entries} entries balance` : 'ledger check FAILED');
  process.exitCode = result.ok ? 0 : 1;
} finally {
  await client.end();
  await db.stop();
}
