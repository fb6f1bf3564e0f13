import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The pages of the Vite build (web/*.html → dist/web/*.html). */
export type WebPage = 'shop' | 'manage' | 'seller';

/** Asset names Vite writes (`shop-Bq3x_9aZ.js`, `favicon.svg`): no slashes, no leading dot. */
export const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;

/**
 * The project root: the nearest folder above `from` that holds package.json. The same answer for
 * the compiled app (dist/src/web) and for tests that load the TypeScript (src/web).
 */
export function projectRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
}

/** Where `npm run build` (vite build web) puts the pages and their assets. */
export function webDistDir(root: string = projectRoot()): string {
  return join(root, 'dist', 'web');
}
