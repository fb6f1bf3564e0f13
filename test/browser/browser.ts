/**
 * Browser-test harness: builds the web bundle when it is missing or older than web/, starts
 * Debian's Chromium through playwright-core, serves the app on a real port, saves screenshots.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { projectRoot, webDistDir } from '../../src/web/web-bundle.js';
import type { TestApp } from '../harness/app.js';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The pages are opened as http://ocop.test:<port>, a host name Chromium maps to 127.0.0.1: an
 * origin that is not localhost, like a market office's LAN address. The page is then not a
 * "secure context" (no crypto.randomUUID, no async clipboard), as on such a network, and any
 * header that would break plain http (upgrade-insecure-requests) shows up here.
 */
export const TEST_HOST = 'ocop.test';

const ROOT = projectRoot();
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'browser');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function bundleIsFresh(): boolean {
  const dist = webDistDir(ROOT);
  const pages = ['shop.html', 'manage.html', 'seller.html'].map((f) => join(dist, f));
  if (!pages.every((p) => existsSync(p))) return false;
  const built = Math.min(...pages.map((p) => statSync(p).mtimeMs));
  return built >= newestMtime(join(ROOT, 'web'));
}

/**
 * `npm test` builds the bundle before jest (npm run build:web); a browser test run on its own
 * builds it here when dist/web is missing or older than web/. A lock folder keeps parallel workers
 * from building at the same time.
 */
export function ensureWebBuild(): void {
  if (bundleIsFresh()) return;
  const lock = join(ROOT, 'dist', '.web-build.lock');
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) rmSync(lock, { recursive: true, force: true });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    if (!bundleIsFresh()) {
      execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'web'], { cwd: ROOT, stdio: 'pipe', timeout: 180_000 });
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Chromium with a fresh profile. Missing Chromium is a failure with the command that installs it, not a skip. */
export async function launchBrowser(opts: { args?: string[] } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: the browser tests drive Debian's Chromium. ` +
        'Install it with `apt-get update && apt-get install -y chromium` (.ci/run does this in CI), or set CHROMIUM_PATH.',
    );
  }
  const userDataDir = mkdtempSync(join(tmpdir(), 'ocop-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, `--host-resolver-rules=MAP ${TEST_HOST} 127.0.0.1`, ...(opts.args ?? [])],
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    viewport: { width: 1280, height: 900 },
    reducedMotion: 'reduce',
    acceptDownloads: true,
  });
  context.setDefaultTimeout(15_000);
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A port free on the loopback interface now: for an app whose PUBLIC_BASE_URL (absolute links it
 * gives, such as photo URLs) must name the port it will listen on.
 */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** The app on a real port of the loopback interface (any free one by default); the base URL the browser opens (see TEST_HOST). */
export async function serve(t: TestApp, onPort = 0): Promise<string> {
  await t.app.listen(onPort, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  return `http://${TEST_HOST}:${port}`;
}

/** Chromium's notes that helmet's isolation headers do nothing on a plain-http origin: not page errors. */
const HTTP_ORIGIN_NOTES = [/Cross-Origin-Opener-Policy header has been ignored/, /origin-keyed agent cluster/];

/** Script errors and CSP violations (Chromium logs them as console errors) seen by a page. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // A 4xx the page handles (a wrong key, a server 400) is logged by Chromium as a failed load.
    const t = m.text();
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(t) && !HTTP_ORIGIN_NOTES.some((re) => re.test(t))) {
      problems.push(`console error: ${t}`);
    }
  });
  return problems;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Rendered text (innerText) of the first match, whitespace (and the no-break space Intl puts before ₫) collapsed. */
export async function text(page: Page, selector: string): Promise<string> {
  return norm(await page.locator(selector).first().innerText());
}

export const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Waits until the element's text contains `expected`. */
export async function waitForText(page: Page, selector: string, expected: string, timeout = 15_000): Promise<void> {
  try {
    await page.waitForFunction(
      ([sel, want]) => {
        // runs in the page
        const el = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector(sel);
        return !!el && (el.textContent ?? '').replace(/\s+/g, ' ').includes(want);
      },
      [selector, expected] as const,
      { timeout },
    );
  } catch (e) {
    const shot = await screenshot(page, `failed-${selector.replace(/[^\w-]+/g, '_')}`).catch(() => 'none');
    const seen = await page.locator(selector).first().textContent({ timeout: 1000 }).catch(() => '(no such element)');
    throw new Error(`${selector} should contain ${JSON.stringify(expected)}; it shows ${JSON.stringify(seen)} (screenshot ${shot})`, { cause: e });
  }
}

/** axe-core's browser build, read once (evaluated through the DevTools protocol, so the page's CSP does not apply). */
let axeSource: string | undefined;
const WCAG21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core with the WCAG 2.1 A and AA rules on the page as it is now; returns the violations
 * (rule, impact, the elements) so that a failing test names them.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(axeSource);
  return page.evaluate(async (tags) => {
    const w = globalThis as unknown as {
      axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }> }> };
      document: unknown;
    };
    const r = await w.axe.run(w.document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.map(String).join(' ')) }));
  }, WCAG21_AA);
}

/** Fails with the violations listed (and a screenshot) unless axe-core finds none. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  const found = await axeViolations(page);
  if (found.length) {
    const shot = await screenshot(page, `a11y-${name}`).catch(() => 'none');
    throw new Error(`axe-core (WCAG 2.1 AA) on ${name}: ${JSON.stringify(found, null, 2)} (screenshot ${shot})`);
  }
}

/** A phone's screen (iPhone 12–15 in CSS pixels). */
export const PHONE = { width: 390, height: 844 };

/** How far the page scrolls sideways (0 at phone width), and what sticks out (wide tables scroll inside their box). */
export const WIDER_THAN_SCREEN = `({
  overflow: document.documentElement.scrollWidth - window.innerWidth,
  offenders: [...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-scroll') && !e.closest('.sr-only') && getComputedStyle(e).position !== 'fixed')
    .map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).split(' ').join('.') : '')),
})`;

/** Nothing on the page is wider than the screen (the page never scrolls sideways). */
export async function expectFitsScreen(page: Page, name: string): Promise<void> {
  const r = await page.evaluate<{ overflow: number; offenders: string[] }>(WIDER_THAN_SCREEN);
  if (r.overflow !== 0 || r.offenders.length) {
    const shot = await screenshot(page, `too-wide-${name}`).catch(() => 'none');
    throw new Error(`${name} is wider than the screen by ${r.overflow}px: ${r.offenders.join(', ')} (screenshot ${shot})`);
  }
}
