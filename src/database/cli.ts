/* npm run migration:run | migration:revert — against DATABASE_URL, or the embedded server in DATA_DIR. */
import { loadConfig } from '../config/config.js';
import { resolveDatabase } from './database-url.js';
import { revertLastMigration, runMigrations } from './data-source.js';

async function main(): Promise<void> {
  const cmd = process.argv[2];
  if (cmd !== 'run' && cmd !== 'revert') {
    console.error('usage: cli.js run|revert');
    process.exit(2);
  }
  const config = loadConfig();
  const db = await resolveDatabase(config, (m) => console.log(m), { reuseRunning: true });
  try {
    if (cmd === 'run') {
      const done = await runMigrations(db.url);
      console.log(done.length ? `applied: ${done.join(', ')}` : 'nothing to apply');
    } else {
      await revertLastMigration(db.url);
      console.log('reverted the last migration');
    }
  } finally {
    await db.stop();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
