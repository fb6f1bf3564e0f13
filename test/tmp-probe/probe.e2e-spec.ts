import { seedCatalogDataset } from '../../bench/lib/catalog-dataset.js';
import { CatalogService } from '../../src/catalog/catalog.service.js';
import type { ProductListQuery } from '../../src/catalog/dto/product.dto.js';
import { createTestApp, type TestApp } from '../harness/app.js';

it('probe', async () => {
  const t: TestApp = await createTestApp();
  const catalog = t.app.get(CatalogService);
  await seedCatalogDataset(t.db, { cooperatives: 60, products: 20_000, today: catalog.today() });
  await t.db.query('ANALYZE products');
  const c = await t.db.connect();
  for (const q of ['ca phe', 'dak lak', 'mat ong', 'nuoc mam phu quoc']) {
    const plan = catalog.planList({ q, limit: 20 } as ProductListQuery);
    const cnt = await c.query(`SELECT count(*) FROM products WHERE search_vector @@ to_tsquery('simple', $1) AND status='active'`, [plan.params[1]]);
    for (const seq of ['on', 'off']) {
      await c.query(`SET enable_seqscan = ${seq}`);
      for (let i = 0; i < 2; i++) await c.query(plan.sql, plan.params);
      const r = await c.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) ${plan.sql}`, plan.params);
      console.log(q, 'matches', cnt.rows[0].count, 'seqscan', seq, '\n' + r.rows.map((x: Record<string, string>) => x['QUERY PLAN']).join('\n'));
    }
  }
  c.release();
  await t.close();
}, 120000);
