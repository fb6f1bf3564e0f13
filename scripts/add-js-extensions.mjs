// Adds the .js extension that Node's ESM resolver needs to relative imports in TypeScript sources.
// Usage: node scripts/add-js-extensions.mjs <dir…>
import { readdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}
const re = /(from\s+|import\s*\(\s*|import\s+|require\(\s*)(['"])(\.{1,2}\/[^'"]+?)\2/g;
for (const dir of process.argv.slice(2)) {
  for (const file of walk(dir)) {
    const src = readFileSync(file, 'utf8');
    const out = src.replace(re, (m, pre, q, spec) => {
      if (/\.(js|json|cjs|mjs)$/.test(spec)) return m;
      const base = resolve(dirname(file), spec);
      if (existsSync(base + '.ts')) return `${pre}${q}${spec}.js${q}`;
      if (existsSync(join(base, 'index.ts'))) return `${pre}${q}${spec}/index.js${q}`;
      return m;
    });
    if (out !== src) writeFileSync(file, out);
  }
}
