/**
 * One app instance: the Nest app on a migrated database, the demo seed when this instance runs
 * background work, the HTTP port. Used by a single-process start and by each cluster worker.
 */
import type { AppConfig } from '../config/config.js';
import type { SeedKey } from '../database/seed.js';
import type { StartStep } from './explain-failure.js';
import type { StartupLog } from './startup-log.js';
import { welcomeLines, welcomeRows } from './welcome.js';

/** What the pages block shows: keys issued by this start (if it seeded) and the demo market. */
export interface Welcome {
  keys: SeedKey[];
  marketId: string | null;
  /** "demo data seeded: …" when this start seeded. */
  seeded?: string;
}

export interface Instance {
  /** Stops accepting connections, finishes open requests, closes the database pool. */
  close(): Promise<void>;
  /** Set on the instance that runs background work of a demo start. */
  welcome: Welcome | null;
}

export async function startInstance(config: AppConfig, databaseUrl: string, progress: { step: StartStep }): Promise<Instance> {
  progress.step = 'app';
  // Loaded here, not at the top of main: a cluster primary never loads the app.
  const { createApp } = await import('../app.factory.js');
  const { createRootLogger } = await import('../common/logging.js');
  const logger = createRootLogger({ level: config.logLevel, format: config.logFormat });
  const app = await createApp({ config, databaseUrl, logger });
  try {
    // Starts the job queue before the seed: the demo products' pictures are processed by it.
    await app.init();
    let welcome: Welcome | null = null;
    if (config.seedDemo && config.backgroundJobs) {
      progress.step = 'seed';
      const { seedDemo } = await import('./demo.js');
      const demo = await seedDemo(app, new Date());
      welcome = { keys: demo.seeded?.keys ?? [], marketId: demo.marketId };
      if (demo.seeded) {
        welcome.seeded =
          `demo data seeded: ${demo.seeded.cooperatives} cooperatives, ${demo.seeded.products} products with ${demo.seeded.photos} pictures ` +
          `(processed in the background), ` +
          `a 4.0 market with four months of transactions (SEED_DEMO=false turns this off)`;
      }
    }
    progress.step = 'listen';
    await app.listen(config.port, config.host);
    await flushAppLog(logger);
    return { close: () => app.close(), welcome };
  } catch (e) {
    await app.close().catch(() => undefined);
    throw e;
  }
}

/** Lets the app's logger write what it holds (pino may write asynchronously), so that the lines that follow come last. */
async function flushAppLog(logger: { flush(cb?: (err?: Error) => void): void }): Promise<void> {
  await new Promise((ok) => setImmediate(ok));
  await new Promise<void>((ok) => {
    try {
      logger.flush(() => ok());
    } catch {
      ok();
    }
  });
}

/** The lines of a start that is ready: where it listens and, on a demo start, every page. */
export function announceReady(log: StartupLog, config: AppConfig, welcome: Welcome | null, how = ''): void {
  log.info(`ocop-market listening on ${config.publicBaseUrl}${how}`);
  if (welcome?.seeded) log.info(welcome.seeded);
  if (welcome) log.block('ocop-market is ready: open the pages', welcomeLines(welcomeRows(config.publicBaseUrl, welcome.keys, welcome.marketId)));
  else log.info('API docs at /docs, storefront at /');
  if (!config.adminApiKey) log.info('ADMIN_API_KEY is not set: no admin can sign in (npm run key:generate makes one)');
}
