import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Checks answers against the app's own OpenAPI document (/docs-json), so that the document cannot
 * drift from what the app does: the e2e harness runs every response of every e2e test through
 * `check` (test/harness/app.ts). An answer is wrong when its status is not documented for the
 * operation, its content type is not documented for that status, or its JSON body does not match
 * the documented schema. Objects are checked closed (no property the document does not name), so
 * a field added to an answer without documenting it fails too.
 */
type Json = Record<string, unknown>;
type Operation = { operationId: string; responses: Record<string, { content?: Record<string, { schema?: Json }> }> };

export interface Answer {
  method: string;
  /** the route pattern as Fastify knows it: /cooperatives/:id */
  route: string;
  status: number;
  contentType?: string;
  /** parsed JSON body, when the answer is JSON */
  body?: unknown;
}

/** OpenAPI 3.0 schema → JSON Schema (draft 7) for ajv: `nullable`, closed objects, refs kept. */
export function toJsonSchema(schema: unknown, closed: boolean): unknown {
  if (Array.isArray(schema)) return schema.map((s) => toJsonSchema(s, closed));
  if (!schema || typeof schema !== 'object') return schema;
  const s: Json = {};
  for (const [k, v] of Object.entries(schema as Json)) {
    if (k === 'example' || k === 'nullable') continue;
    s[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as Json).map(([p, ps]) => [p, toJsonSchema(ps, closed)])) : toJsonSchema(v, closed);
  }
  if (closed && s.type === 'object' && s.properties && s.additionalProperties === undefined) s.additionalProperties = false;
  if ((schema as Json).nullable === true) {
    if (typeof s.type === 'string' && !s.allOf && !s.anyOf && !s.oneOf && !s.$ref) {
      s.type = [s.type, 'null'];
      if (Array.isArray(s.enum)) s.enum = [...s.enum, null];
      return s;
    }
    return { anyOf: [{ type: 'null' }, s] };
  }
  return s;
}

export class OpenApiValidator {
  private readonly ajv: Ajv;
  private readonly ops = new Map<string, Operation>();
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(
    readonly doc: Json,
    opts: { closed?: boolean } = {},
  ) {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats.default(this.ajv);
    this.ajv.addFormat('binary', true);
    const components = toJsonSchema(doc.components, opts.closed ?? true);
    this.ajv.addSchema({ $id: 'openapi', components }, 'openapi');
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Operation>>)) {
      for (const [method, op] of Object.entries(item)) this.ops.set(`${method} ${path}`, op);
    }
  }

  /** The operation of a Fastify route, or undefined when the document leaves the route out. */
  operation(method: string, route: string): Operation | undefined {
    return this.ops.get(`${method.toLowerCase()} ${route.replace(/:(\w+)/g, '{$1}')}`);
  }

  /** Schema validator for a schema found in the document (refs resolve against its components). */
  validator(schema: Json, key: string): ValidateFunction {
    let v = this.compiled.get(key);
    if (!v) {
      const rewritten = JSON.parse(JSON.stringify(toJsonSchema(schema, true)).replaceAll('"#/components/', '"openapi#/components/'));
      v = this.ajv.compile(rewritten as Json);
      this.compiled.set(key, v);
    }
    return v;
  }

  /** Problems with an answer (empty: the document describes it). Routes the document leaves out are not checked. */
  check(a: Answer): string[] {
    const op = this.operation(a.method, a.route);
    if (!op) return [];
    const where = `${a.method.toUpperCase()} ${a.route} → ${a.status}`;
    const res = op.responses[String(a.status)] ?? op.responses[`${String(a.status)[0]}XX`] ?? op.responses.default;
    if (!res) return [`${where}: status ${a.status} is not documented (documented: ${Object.keys(op.responses).join(', ')})`];
    const resolved = (res as { $ref?: string }).$ref ? this.resolveRef((res as { $ref: string }).$ref) : res;
    const content = (resolved as { content?: Record<string, { schema?: Json }> }).content;
    if (!content) return a.body === undefined || a.status === 304 ? [] : [`${where}: the document declares no body, the app sent ${a.contentType ?? 'one'}`];
    const type = (a.contentType ?? '').split(';')[0].trim().toLowerCase();
    const media = content[type];
    if (!media) return [`${where}: content type ${type || '(none)'} is not documented (documented: ${Object.keys(content).join(', ')})`];
    if (type !== 'application/json' || !media.schema) return [];
    const validate = this.validator(media.schema, `${op.operationId} ${a.status} ${type}`);
    if (validate(a.body)) return [];
    return [
      `${where}: body does not match the documented schema: ` +
        (validate.errors ?? [])
          .slice(0, 5)
          .map((e) => `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`)
          .join('; '),
    ];
  }

  private resolveRef(ref: string): unknown {
    return ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((o, k) => (o as Json)?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], this.doc);
  }
}
