import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Writes `## <heading>` of a results file (bench/RESULTS.md), replacing that section if present
 * (up to the next `## ` heading) and keeping the others.
 */
export function writeResultsSection(file: string, heading: string, body: string): void {
  const section = `## ${heading}\n\n${body.trim()}\n`;
  if (!existsSync(file)) {
    writeFileSync(file, `# Benchmarks\n\nWritten by the \`npm run bench:*\` scripts; each script rewrites its own section.\n\n${section}`);
    return;
  }
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === `## ${heading}`);
  if (start === -1) {
    writeFileSync(file, `${text.replace(/\n*$/, '\n\n')}${section}`);
    return;
  }
  let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  if (end === -1) end = lines.length;
  const before = lines.slice(0, start).join('\n').replace(/\n*$/, '\n\n');
  const after = lines.slice(end).join('\n');
  writeFileSync(file, `${before}${section}${after ? `\n${after}` : ''}`.replace(/\n*$/, '\n'));
}
