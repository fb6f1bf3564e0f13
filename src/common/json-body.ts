import sjson from 'secure-json-parse';
import { InvalidInput } from './errors.js';

/**
 * Request bodies are parsed here, not by each framework's default parser, so that every JSON body
 * gets the same three checks before any code sees it:
 * - syntax (400 `body: is not valid JSON`);
 * - `__proto__` / `constructor.prototype` keys refused (prototype poisoning, as Fastify does);
 * - nesting deeper than MAX_JSON_DEPTH refused (400) before parsing: deeply nested arrays or objects
 *   well under the size limit otherwise overflow the stack of the recursive code that walks a body
 *   (class-transformer, class-validator) and end as a 500;
 * - NUL characters (`\u0000`) in any string or key refused (400 naming the field): PostgreSQL text
 *   and jsonb cannot hold them, so they would otherwise fail as a 500 wherever they reach SQL.
 * Pure.
 */
export const MAX_JSON_DEPTH = 64;

/** The deepest nesting of objects and arrays in `text` (strings are skipped, escapes honoured). */
export function jsonDepth(text: string, stopAt = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > stopAt) return max;
      }
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return max;
}

/** Parses a request body; an empty body is `undefined` (a route without a body accepts it). */
export function parseJsonBody(raw: Buffer | string): unknown {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  if (text.trim() === '') return undefined;
  if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw new InvalidInput([{ field: 'body', problem: `nests objects or arrays deeper than ${MAX_JSON_DEPTH} levels` }], 'Body too deeply nested');
  }
  let value: unknown;
  try {
    value = sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (e) {
    const poisoned = e instanceof SyntaxError && /prototype/i.test(e.message);
    throw new InvalidInput(
      [{ field: 'body', problem: poisoned ? 'holds a forbidden key (__proto__ or constructor.prototype)' : 'is not valid JSON' }],
      poisoned ? 'Forbidden key in body' : 'Malformed JSON body',
    );
  }
  // A NUL can only come in as the escape \u0000 (JSON forbids raw control characters in strings).
  const nulAt = /\\u0000/i.test(text) ? pathOfNul(value, '') : null;
  if (nulAt !== null) throw new InvalidInput([{ field: nulAt || 'body', problem: 'must not contain NUL characters (\\u0000)' }], 'NUL character in body');
  return value;
}

/** The dotted path (items.0.name) of the first string or key holding a NUL, '' for the root, or null. Depth is bounded by MAX_JSON_DEPTH. */
export function pathOfNul(v: unknown, path: string): string | null {
  const join = (k: string | number) => (path ? `${path}.${k}` : String(k));
  if (typeof v === 'string') return v.includes('\u0000') ? path : null;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const found = pathOfNul(v[i], join(i));
      if (found !== null) return found;
    }
    return null;
  }
  if (v && typeof v === 'object') {
    for (const [k, child] of Object.entries(v)) {
      if (k.includes('\u0000')) return join(k.replace(/\u0000/g, '\\u0000'));
      const found = pathOfNul(child, join(k));
      if (found !== null) return found;
    }
  }
  return null;
}
