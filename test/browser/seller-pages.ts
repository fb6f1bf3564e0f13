/** Steps and set-up the seller-center browser tests share. */
import type { Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../harness/app.js';
import { buyer, createCooperative, type CreatedCooperative } from '../harness/fixtures.js';
import { type Browser, ensureWebBuild, launchBrowser, norm, PHONE, serve, watchProblems } from './browser.js';

/** "YYYY-MM-DD HH:mm:ss" in Vietnam time, as bank-notification services send it. */
export function vietnamNow(): string {
  return new Date(Date.now() + 7 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);
}

/** An order as POST /checkout answers it (one per cooperative), with the buyer's token. */
export interface CheckoutOrder {
  id: string;
  code: string;
  totalVnd: number;
  accessToken: string;
  payment: { reference: string };
}

/** A page at phone width that accepts confirm() dialogs (their messages are kept in `dialogs`). */
export interface PhonePage {
  page: Page;
  /** Script errors and CSP violations (see watchProblems). */
  problems: string[];
  /** The confirm()/alert() messages the page showed, in order (whitespace collapsed, as `text` does). */
  dialogs: string[];
}

/** What a seller-center browser test file works with once its beforeAll has run. */
export interface SellerCenterTest {
  readonly t: TestApp;
  /** The address the browser opens (http://ocop.test:<port>). */
  readonly base: string;
  /** The cooperative signed in (Vietcombank 1023456789). */
  readonly coop: CreatedCooperative;
  /** A buyer's VietQR checkout of `qty` of one product (the order waits for payment). */
  checkout(productId: string, qty?: number): Promise<CheckoutOrder>;
  /** A transfer into the cooperative's account, reported by the platform-wide bank webhook. */
  bankTransfer(amount: number, content: string): Promise<void>;
  newPage(): Promise<PhonePage>;
  /** Opens a seller page (a path such as /seller/money) signed in with the cooperative's key. */
  signedIn(page: Page, path: string): Promise<void>;
}

/**
 * Registers the beforeAll/afterAll of a seller-center browser test file (call it at the top of the
 * describe, before the file's own hooks): Chromium, the app with the bank webhook key, served on a
 * real port, and one cooperative with its key.
 */
export function sellerCenterTest(opts: { webhookKey: string; firstTransferId: number }): SellerCenterTest {
  let t: TestApp | undefined;
  let browser: Browser | undefined;
  let base: string | undefined;
  let coop: CreatedCooperative | undefined;
  let seq = opts.firstTransferId;
  const ready = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`${what} is not ready: sellerCenterTest's beforeAll has not run (or failed)`);
    return v;
  };

  beforeAll(async () => {
    ensureWebBuild();
    browser = await launchBrowser();
    t = await createTestApp({ env: { BANK_WEBHOOK_API_KEY: opts.webhookKey } });
    base = await serve(t);
    coop = await createCooperative(t, { taxCode: '0300588569' }); // Vietcombank 1023456789
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const sc: SellerCenterTest = {
    get t() {
      return ready(t, 'the app');
    },
    get base() {
      return ready(base, 'the served app');
    },
    get coop() {
      return ready(coop, 'the cooperative');
    },
    async checkout(productId, qty = 1) {
      const res = await sc.t.http.post('/checkout').send({ buyer: buyer(), items: [{ productId, qty }], paymentMethod: 'vietqr' }).expect(201);
      return res.body.orders[0];
    },
    async bankTransfer(amount, content) {
      seq += 1;
      await sc.t.http
        .post('/webhooks/bank-transactions')
        .set('Authorization', `Apikey ${opts.webhookKey}`)
        .send({ id: seq, gateway: 'Vietcombank', transactionDate: vietnamNow(), accountNumber: '1023456789', content, transferType: 'in', transferAmount: amount, referenceCode: `FT26335${seq}` })
        .expect(200);
    },
    async newPage() {
      const page = await ready(browser, 'Chromium').context.newPage();
      await page.setViewportSize(PHONE);
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(norm(d.message()));
        void d.accept();
      });
      return { page, problems: watchProblems(page), dialogs };
    },
    signedIn: (page, path) => sellerSignIn(page, `${sc.base}${path}`, sc.coop.key),
  };
  return sc;
}


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
