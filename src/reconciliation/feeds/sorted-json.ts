/**
 * JSON text of a value with every object's keys sorted (recursively) and no spaces, escaped the way
 * a given language's JSON encoder does it: what Casso's Webhook V2 signature is computed over.
 *
 * Why several escapings: Casso's signature README (github.com/CassoHQ/casso-webhook-v2-verify-signature,
 * README.md) says only "convert the sorted data to a JSON string", and its reference code in six
 * languages serialises differently wherever a string holds "/" or a non-ASCII letter — which a
 * Vietnamese memo ("Thanh toán đơn 12/2026") usually does:
 * - php.php, `json_encode($data)` with default flags: "/" → `\/`, every non-ASCII UTF-16 code unit →
 *   `\uXXXX` with lower-case hex (a character outside the BMP as its surrogate pair);
 * - python.py, `json.dumps(data, separators=(',', ':'))` (ensure_ascii on): non-ASCII → `\uXXXX`,
 *   "/" left alone;
 * - javascript.js `JSON.stringify`, dotnet.cs Newtonsoft `SerializeObject`: both left alone.
 * All three agree on the rest: `\"`, `\\`, `\b \f \n \r \t`, other control characters `\u00XX`.
 * The verifier accepts a signature over any of these texts. That costs nothing in security: each is
 * valid JSON that parses back to the body, so equal texts mean equal bodies and a signature still
 * binds exactly one body. (Go's `json.Marshal` in golang.go also escapes `<`, `>`, `&`: not
 * accepted, and a memo with those characters is the one case that would then be refused.)
 *
 * Numbers: integers as digits; anything else as JavaScript prints it (PHP would print 1.0E+25 where
 * JavaScript prints 1e+25; bank notifications carry whole VND amounts).
 */
export interface JsonEscaping {
  /** "/" → "\/" (PHP's default; JSON_UNESCAPED_SLASHES turns it off). */
  slashes: boolean;
  /** Every code unit ≥ 0x80 → \uXXXX (PHP's default, Python's ensure_ascii). */
  nonAscii: boolean;
  /** An empty object as `[]`: PHP decodes `{}` to an empty array, which it encodes as `[]`. */
  emptyObjectAsArray: boolean;
}

export const PHP_JSON_ENCODE: JsonEscaping = { slashes: true, nonAscii: true, emptyObjectAsArray: true };
export const PYTHON_JSON_DUMPS: JsonEscaping = { slashes: false, nonAscii: true, emptyObjectAsArray: false };
export const JSON_STRINGIFY: JsonEscaping = { slashes: false, nonAscii: false, emptyObjectAsArray: false };

const SHORT: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const hex4 = (code: number) => `\\u${code.toString(16).padStart(4, '0')}`;

function encodeString(s: string, e: JsonEscaping): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    const code = s.charCodeAt(i);
    if (SHORT[ch]) out += SHORT[ch];
    else if (code < 0x20) out += hex4(code);
    else if (ch === '/' && e.slashes) out += '\\/';
    else if (code >= 0x80 && e.nonAscii) out += hex4(code);
    else out += ch;
  }
  return `${out}"`;
}

export function sortedJson(value: unknown, e: JsonEscaping): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'string') return encodeString(value, e);
  if (Array.isArray(value)) return `[${value.map((v) => sortedJson(v, e)).join(',')}]`;
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o).sort();
    if (!keys.length) return e.emptyObjectAsArray ? '[]' : '{}';
    return `{${keys.map((k) => `${encodeString(k, e)}:${sortedJson(o[k], e)}`).join(',')}}`;
  }
  return 'null';
}
