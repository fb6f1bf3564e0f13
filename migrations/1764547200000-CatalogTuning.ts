import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Catalog search tuning (indexes only; the products table is the Foundation's).
 *
 * products_search_idx is read on every search and written only when a product or its cooperative
 * changes. With GIN's default fastupdate, new entries wait in a pending list that every search scans
 * linearly until (auto)vacuum merges it, and the planner prices the index by that list too, so
 * between vacuums searches get slower and broad ones turn into sequential scans. Updating the index
 * in place costs a few milliseconds per product write and keeps search latency and plans steady.
 */
export class CatalogTuning1764547200000 implements MigrationInterface {
  name = 'CatalogTuning1764547200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER INDEX products_search_idx SET (fastupdate = off)`);
    // Merge whatever is pending now (nothing on a fresh database).
    await q.query(`SELECT gin_clean_pending_list('products_search_idx'::regclass)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER INDEX products_search_idx RESET (fastupdate)`);
  }
}
