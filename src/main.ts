import 'reflect-metadata';
import { createApp } from './app.factory.js';
import { ConfigError, loadConfig } from './config/config.js';
import { resolveDatabase } from './database/database-url.js';
import { runMigrations } from './database/data-source.js';
import { seedDemoData } from './database/seed.js';
import { seedMarketsDemo } from './markets/markets.seed.js';

/** Bootstrap only: config, database, migrations, demo seed, the app, graceful shutdown. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const log = (msg: string) => console.log(JSON.stringify({ level: 30, time: Date.now(), msg }));
  const db = await resolveDatabase(config, log);
  const applied = await runMigrations(db.url);
  if (applied.length) log(`migrations applied: ${applied.join(', ')}`);
  const app = await createApp({ config, databaseUrl: db.url });
  await app.init(); // starts the job queue: the demo seed's photos are processed by it
  if (config.seedDemo) {
    const seeded = await seedDemoData(app, [(a) => seedMarketsDemo(a, new Date()).then(() => undefined)]);
    if (seeded) {
      log(`demo data seeded: ${seeded.cooperatives} cooperatives, ${seeded.products} products with ${seeded.photos} pictures (processing in the background), a 4.0 market with four months of transactions (SEED_DEMO=false turns this off)`);
      for (const k of seeded.keys) log(`demo API key for ${k.who} (shown once): ${k.key}`);
    }
  }
  if (!config.adminApiKey) log('ADMIN_API_KEY is not set: no admin can sign in (npm run key:generate makes one)');

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log(`${signal}: shutting down`);
    try {
      await app.close();
    } finally {
      await db.stop();
      process.exit(0);
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen(config.port, config.host);
  log(`ocop-market listening on ${config.publicBaseUrl} (API docs at /docs, storefront at /)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
