import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../auth/api-keys.service.js';
import { CatalogService } from '../catalog/catalog.service.js';
import type { CreateProductDto } from '../catalog/dto/product.dto.js';
import type { CreateCooperativeDto } from '../cooperatives/dto/cooperative.dto.js';
import { CooperativesService } from '../cooperatives/cooperatives.service.js';
import { renderDemoPicture } from '../media/demo-pictures.js';
import { MediaService } from '../media/media.service.js';
import { DEMO_COOPERATIVES } from './demo-data.js';

const SEED_KEY = 'demo_seed';
const SEED_LOCK = 7710003;

export interface SeedReport {
  cooperatives: number;
  products: number;
  /** Demo pictures uploaded (processed by the job queue's worker after the seed). */
  photos: number;
  /** Keys issued to the demo principals (shown once, in the start-up log). */
  keys: Array<{ who: string; key: string }>;
}

/**
 * Seeds the demo dataset once per database, through the same services the API uses (so the demo
 * data passes every rule). Several instances starting together: one seeds, the others see the marker.
 * Returns null when the database was seeded before.
 */
export async function seedDemoData(app: INestApplicationContext, extra: Array<(app: INestApplicationContext) => Promise<void>> = []): Promise<SeedReport | null> {
  const ds = app.get(DataSource);
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [SEED_LOCK]);
    const done = await runner.query(`SELECT 1 FROM app_meta WHERE key = $1`, [SEED_KEY]);
    if (done.length) return null;
    const coops = app.get(CooperativesService);
    const catalog = app.get(CatalogService);
    const keys = app.get(ApiKeysService);
    const media = app.get(MediaService);
    const system = { keyId: 'env' as const, role: 'admin' as const, cooperativeId: null, marketIds: [] };
    const report: SeedReport = { cooperatives: 0, products: 0, photos: 0, keys: [] };
    for (const c of DEMO_COOPERATIVES) {
      const { products, ...fields } = c;
      const coop = await coops.create(fields as unknown as CreateCooperativeDto);
      report.cooperatives += 1;
      for (const p of products) {
        const { group, stars, certifiedAt, certificateNo, decisionNo, ...rest } = p;
        const product = await catalog.create(coop.id, { ...rest, images: [], ocop: { group, stars, certifiedAt, certificateNo, decisionNo } } as unknown as CreateProductDto);
        report.products += 1;
        // A picture drawn here (no network), uploaded through the same checks and queue as any photo.
        await media.addPhoto(product.id, system, { data: await renderDemoPicture({ name: p.name, group, stars }), filename: `${p.sku}.jpg` });
        report.photos += 1;
      }
      if (report.keys.length === 0) {
        const k = await keys.issue({ name: 'demo', role: 'cooperative', cooperativeId: coop.id, createdBy: system });
        report.keys.push({ who: `cooperative "${coop.name}"`, key: k.key });
      }
    }
    for (const step of extra) await step(app);
    await runner.query(`INSERT INTO app_meta (key, value) VALUES ($1, $2)`, [SEED_KEY, JSON.stringify({ at: new Date().toISOString(), ...report, keys: undefined })]);
    return report;
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [SEED_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
