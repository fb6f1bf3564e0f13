/** Steps the seller-center browser tests share. */
import type { Page } from 'playwright-core';

/** Opens a seller page and signs in with `key` through the form (the key goes into sessionStorage). */
export async function sellerSignIn(page: Page, url: string, key: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('#api-key');
  await page.fill('#api-key', key);
  await page.press('#api-key', 'Enter');
  await page.waitForSelector('.section-nav');
}

export interface ProductFields {
  name: string;
  sku: string;
  price: string;
  unit: string;
  stock: string;
  description?: string;
  group: string;
  stars: string;
  certificateNo: string;
  certifiedAt: string;
  expiresAt?: string;
}

/** Types a product into the seller center's form, as a person would (fields left out stay as they are). */
export async function fillProductForm(page: Page, f: ProductFields): Promise<void> {
  await page.fill('#pf-name', f.name);
  await page.fill('#pf-sku', f.sku);
  await page.fill('#pf-priceVnd', f.price);
  await page.fill('#pf-unit', f.unit);
  await page.fill('#pf-stockQty', f.stock);
  if (f.description !== undefined) await page.fill('#pf-description', f.description);
  await page.selectOption('#pf-ocop-group', f.group);
  await page.selectOption('#pf-ocop-stars', f.stars);
  await page.fill('#pf-ocop-certificateNo', f.certificateNo);
  await page.fill('#pf-ocop-certifiedAt', f.certifiedAt);
  if (f.expiresAt !== undefined) await page.fill('#pf-ocop-expiresAt', f.expiresAt);
}
