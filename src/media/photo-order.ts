import type { FieldProblem } from '../common/errors.js';

/** Problems with a new order of a product's photos (every id exactly once). Pure. */
export function orderProblems(current: string[], order: string[]): FieldProblem[] {
  const have = new Set(current.map((id) => id.toLowerCase()));
  const seen = new Set<string>();
  const repeated: string[] = [];
  const unknown: string[] = [];
  for (const raw of order) {
    const id = raw.toLowerCase();
    if (seen.has(id)) repeated.push(raw);
    seen.add(id);
    if (!have.has(id)) unknown.push(raw);
  }
  const missing = [...have].filter((id) => !seen.has(id));
  const problems: FieldProblem[] = [];
  if (missing.length) problems.push({ field: 'order', problem: `must list every photo of the product exactly once; missing: ${missing.join(', ')}` });
  if (unknown.length) problems.push({ field: 'order', problem: `names photos this product does not have: ${unknown.join(', ')}` });
  if (repeated.length) problems.push({ field: 'order', problem: `names a photo more than once: ${repeated.join(', ')}` });
  return problems;
}
