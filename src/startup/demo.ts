/**
 * The demo dataset of a zero-setup start: cooperatives and products (database/seed.ts), the 4.0
 * market with four months of sales (markets/markets.seed.ts), and the keys that open the seller
 * center and the market office. Seeded once per database, under the seed's lock.
 */
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../auth/api-keys.service.js';
import type { Principal } from '../auth/principal.js';
import { seedDemoData, type SeedKey, type SeedReport } from '../database/seed.js';
import { DEMO_MARKET, seedMarketsDemo } from '../markets/markets.seed.js';

const SYSTEM: Principal = { keyId: 'env', role: 'admin', cooperativeId: null, marketIds: [] };

export async function demoMarketId(app: INestApplicationContext): Promise<string | null> {
  const rows = (await app.get(DataSource).query('SELECT id FROM markets WHERE name = $1 ORDER BY created_at LIMIT 1', [DEMO_MARKET.name])) as Array<{ id: string }>;
  return rows[0]?.id ?? null;
}

/** The demo market and a market-manager key for its market office. */
export async function seedDemoMarketOffice(app: INestApplicationContext, now: Date): Promise<SeedKey[]> {
  await seedMarketsDemo(app, now);
  const marketId = await demoMarketId(app);
  if (!marketId) return [];
  const k = await app.get(ApiKeysService).issue({ name: 'demo market office', role: 'market_manager', marketId, createdBy: SYSTEM });
  return [{ who: `manager of "${DEMO_MARKET.name}"`, key: k.key, page: `/manage/markets/${marketId}` }];
}

export interface DemoState {
  /** What this start seeded, or null when the database was seeded before. */
  seeded: SeedReport | null;
  marketId: string | null;
}

export async function seedDemo(app: INestApplicationContext, now: Date): Promise<DemoState> {
  const seeded = await seedDemoData(app, [(a) => seedDemoMarketOffice(a, now)]);
  return { seeded, marketId: await demoMarketId(app) };
}
