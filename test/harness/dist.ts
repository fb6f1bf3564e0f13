import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = process.cwd();
export const DIST_MAIN = join(ROOT, 'dist', 'src', 'main.js');
/** Written by every `tsc -p tsconfig.build.json` that changed something. */
const BUILD_INFO = join(ROOT, 'dist', '.tsbuildinfo.build');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : e.name.endsWith('.ts') ? statSync(p).mtimeMs : 0);
  }
  return t;
}

/**
 * Tests that start the app as a real process (`node dist/src/main.js`: crash and start-up tests)
 * need the compiled app. `npm test` builds it first; a test file run on its own compiles it when it
 * is missing or older than the sources (tsc is incremental).
 */
export function ensureBuilt(): string {
  const stale =
    !existsSync(DIST_MAIN) || !existsSync(BUILD_INFO) || Math.max(newest(join(ROOT, 'src')), newest(join(ROOT, 'migrations'))) > statSync(BUILD_INFO).mtimeMs;
  if (stale) execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  return DIST_MAIN;
}
