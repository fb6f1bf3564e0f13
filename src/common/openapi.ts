import { type INestApplication, ParseUUIDPipe } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { EXTERNAL_AUTH_KEY, PUBLIC_KEY, ROLES_KEY } from '../auth/decorators.js';
import { addFeedSecuritySchemes } from '../reconciliation/feeds/feed-openapi.js';
import { ErrorResponse, FieldProblemDto } from './api-docs.js';
import { propertyRules, validatedClasses } from './openapi-constraints.js';

/**
 * The OpenAPI document at /docs-json, built so that it says what the app enforces (issue 12).
 * @nestjs/swagger writes what the decorators declare; this file then completes the document from
 * what the app actually does, read from the same metadata the app runs on:
 * - request schemas and query parameters: required, nullable, types, formats, patterns, lengths
 *   and bounds from the class-validator decorators (openapi-constraints.ts), and
 *   `additionalProperties: false` on every schema the ValidationPipe checks (it refuses unknown fields);
 * - path parameters checked by ParseUUIDPipe: `format: uuid`, and their 400;
 * - security from the AuthGuard's metadata: @Roles → bearer; @Public → `security: []` (or an optional
 *   bearer key where the route reads the caller); webhooks keep their own schemes;
 * - the statuses every route can answer from the pipeline: 401 (a bad key, even on a public route),
 *   429 (rate limit), 400/413/415 where a body is read, 304 where an image is conditional;
 * - `Idempotency-Key` declared once (components.parameters) on every route that reads it;
 * - error answers are always application/json (also on image, PDF and CSV routes), CSV answers text.
 * The e2e harness validates every response the tests receive against this document, so a route
 * that answers something undocumented fails a test (test/harness/openapi-validator.ts).
 */
export interface OpenApiOptions {
  publicBaseUrl: string;
}

const ERROR_REF = { $ref: '#/components/schemas/ErrorResponse' };
const JSON_ERROR = { 'application/json': { schema: ERROR_REF } };
/** Statuses answered by the pipeline, declared once in components.responses. */
const COMMON_RESPONSES = {
  BadRequest: 'Invalid input; every invalid field named in details',
  Unauthorized: 'No or invalid credentials (an API key that is presented is always checked, also on public routes)',
  PayloadTooLarge: 'Body larger than the limit (BODY_LIMIT for JSON; each upload route has its own)',
  UnsupportedMediaType: 'Unsupported Content-Type: send application/json (multipart/form-data where a route takes a file)',
  TooManyRequests: 'Rate limit exceeded (RATE_LIMIT_PER_MINUTE per client and instance); see Retry-After and RateLimit-* headers',
  ServiceUnavailable: 'A concurrent update could not complete (code retry) or a dependency is down: nothing was changed, retry',
} as const;
const IDEMPOTENCY_PARAMETER = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes the request safe to retry: a repeat with the same key and body returns the first response; the same key with another body is 409. ' +
    '1–255 printable ASCII characters without spaces (e.g. a UUID).',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
};
const PROBES = new Set(['/health/live', '/health/ready']);

/** What the app does on one route, read from its handler's metadata. */
interface RouteFacts {
  isPublic: boolean;
  external: boolean;
  roles?: string[];
  readsCaller: boolean;
  uuidParams: Set<string>;
  queryDto?: Function;
  bodyDto?: Function;
  readsBody: boolean;
  headers: Set<string>;
}

const ROUTE_PARAM = { BODY: 3, QUERY: 4, PARAM: 5, HEADERS: 6 } as const;
const CUSTOM_ARG = '__customRouteArgs__';

function collectRoutes(app: INestApplication): Map<string, RouteFacts> {
  const routes = new Map<string, RouteFacts>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const cls = wrapper.metatype as (Function & { prototype: Record<string, unknown> }) | null;
      if (!cls || typeof cls !== 'function') continue;
      for (const name of Object.getOwnPropertyNames(cls.prototype)) {
        const handler = cls.prototype[name];
        if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const meta = <T>(key: string): T | undefined => Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, cls);
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, cls, name) ?? {}) as Record<string, { index: number; data?: unknown; pipes?: unknown[] }>;
        const types = (Reflect.getMetadata('design:paramtypes', cls.prototype, name) ?? []) as Function[];
        const facts: RouteFacts = {
          isPublic: meta<boolean>(PUBLIC_KEY) === true,
          external: meta<boolean>(EXTERNAL_AUTH_KEY) === true,
          roles: meta<string[]>(ROLES_KEY),
          readsCaller: false,
          uuidParams: new Set(),
          readsBody: false,
          headers: new Set(),
        };
        for (const [key, arg] of Object.entries(args)) {
          if (key.includes(CUSTOM_ARG)) {
            facts.readsCaller = true; // @CurrentPrincipal(), the only custom parameter decorator
            continue;
          }
          const type = Number(key.split(':')[0]);
          const metatype = types[arg.index];
          if (type === ROUTE_PARAM.PARAM && typeof arg.data === 'string' && arg.pipes?.some((p) => p instanceof ParseUUIDPipe)) facts.uuidParams.add(arg.data);
          if (type === ROUTE_PARAM.QUERY && arg.data === undefined && isDtoClass(metatype)) facts.queryDto = metatype;
          if (type === ROUTE_PARAM.BODY) {
            facts.readsBody = true;
            if (arg.data === undefined && isDtoClass(metatype)) facts.bodyDto = metatype;
          }
          if (type === ROUTE_PARAM.HEADERS && typeof arg.data === 'string') facts.headers.add(arg.data.toLowerCase());
        }
        routes.set(`${cls.name}_${name}`, facts);
      }
    }
  }
  return routes;
}

function isDtoClass(t: unknown): t is Function {
  return typeof t === 'function' && ![Object, String, Number, Boolean, Array, Promise].includes(t as never);
}

type Json = Record<string, unknown>;
type Operation = Json & { operationId: string; parameters?: Json[]; responses: Record<string, Json>; requestBody?: Json; security?: unknown[] };

/** Builds the document of the running app (see the comment at the top). */
export function createOpenApiDocument(app: INestApplication, opts: OpenApiOptions): OpenAPIObject {
  const builder = addFeedSecuritySchemes(new DocumentBuilder())
    .setTitle('ocop-market API')
    .setDescription(
      'Marketplace for Vietnam\'s OCOP products: catalog, VietQR checkout, bank reconciliation, 4.0 markets. ' +
        'Money is integer VND. Errors: { statusCode, error, message, details?: [{ field, problem }] }. ' +
        'Lists: ?limit= (≤100) and opaque ?cursor=, answered as { items, nextCursor }. ' +
        'Fields that may be left out are optional; null is accepted only where a field says nullable (in a PATCH, null clears it).',
    )
    .setVersion('1')
    .setLicense('Proprietary (UNLICENSED)', `${opts.publicBaseUrl}/docs`)
    .addServer(opts.publicBaseUrl)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'ocop_sk_…', description: 'API key' })
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'Authorization', description: 'The platform bank-notification webhook: `Apikey <BANK_WEBHOOK_API_KEY>`' },
      'bank-webhook-apikey',
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'Stripe-Signature',
        description: "Stripe's webhook signature: `t=<unix time>,v1=<HMAC-SHA256(STRIPE_WEBHOOK_SECRET, t + \".\" + raw body)>`, 300 s tolerance",
      },
      'stripe-signature',
    )
    .build();
  const doc = SwaggerModule.createDocument(app, builder, { extraModels: [ErrorResponse, FieldProblemDto] });
  finishDocument(doc as unknown as Json, collectRoutes(app));
  served.set(app, doc);
  return doc;
}

const served = new WeakMap<INestApplication, OpenAPIObject>();

/** The document an app serves at /docs-json (the same object), for tests that check answers against it. */
export function servedOpenApiDocument(app: INestApplication): OpenAPIObject | undefined {
  return served.get(app);
}

function finishDocument(doc: Json, routes: Map<string, RouteFacts>): void {
  const components = doc.components as Json & { schemas: Record<string, Json>; responses?: Json; parameters?: Json };
  components.responses = Object.fromEntries(Object.entries(COMMON_RESPONSES).map(([k, description]) => [k, { description, content: JSON_ERROR }]));
  components.parameters = { IdempotencyKey: IDEMPOTENCY_PARAMETER };
  const classes = validatedClasses();
  const validatedSchemas = new Set<string>();

  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Operation>>)) {
    for (const [method, op] of Object.entries(item)) {
      const facts = routes.get(op.operationId.replace(/\[\d+\]$/, ''));
      if (!facts) throw new Error(`OpenAPI: no route metadata for ${op.operationId}`);
      for (const cls of [facts.bodyDto, facts.queryDto]) if (cls) classes.set(cls.name, cls);
      if (facts.bodyDto) validatedSchemas.add(facts.bodyDto.name);
      finishOperation(path, method, op, facts);
    }
  }
  // Every schema the ValidationPipe checks: the body DTOs and the DTOs nested in them.
  for (const name of [...validatedSchemas]) refsOf(components.schemas[name], components.schemas, validatedSchemas);
  for (const name of validatedSchemas) {
    const cls = classes.get(name);
    if (cls) finishRequestSchema(components.schemas[name], cls);
  }
}

function finishOperation(path: string, method: string, op: Operation, facts: RouteFacts): void {
  const params = (op.parameters ??= []);
  // Security, from the AuthGuard's metadata; a route that declared its own scheme keeps it.
  if (!op.security?.length) {
    if (facts.roles) op.security = [{ bearer: [] }];
    else if (facts.isPublic) op.security = facts.readsCaller && !facts.external ? [{}, { bearer: [] }] : [];
  }
  const res = op.responses;
  // Path parameters: UUIDs where ParseUUIDPipe checks them.
  for (const p of params) {
    if (p.in === 'path') {
      p.schema = facts.uuidParams.has(p.name as string) ? { type: 'string', format: 'uuid' } : (p.schema ?? { type: 'string' });
    }
  }
  if (facts.uuidParams.size && !res['400']) res['400'] = { $ref: '#/components/responses/BadRequest' };
  // Query parameters: from the query DTO's validators.
  if (facts.queryDto) {
    const rules = propertyRules(facts.queryDto);
    for (const p of params) {
      const r = p.in === 'query' ? rules.get(p.name as string) : undefined;
      if (!r) continue;
      p.required = !r.optional;
      p.schema = mergeSchema((p.schema ?? {}) as Json, r.schema);
    }
    if (!res['400']) res['400'] = { $ref: '#/components/responses/BadRequest' };
  }
  // Idempotency-Key: one reusable declaration.
  const idempotent = facts.headers.has('idempotency-key');
  op.parameters = params.filter((p) => !(p.in === 'header' && String(p.name).toLowerCase() === 'idempotency-key'));
  if (idempotent) op.parameters.push({ $ref: '#/components/parameters/IdempotencyKey' });
  // Header parameters a security scheme already declares.
  if (op.security?.some((s) => Object.keys(s as Json).some((k) => k !== 'bearer'))) {
    op.parameters = op.parameters.filter((p) => !(p.in === 'header' && ['authorization', 'stripe-signature'].includes(String(p.name).toLowerCase())));
  }
  if (!op.parameters.length) delete op.parameters;
  // Statuses the pipeline answers.
  // A presented API key is checked on every route but the third-party webhooks (which answer their own 401).
  if (!facts.external) res['401'] ??= { $ref: '#/components/responses/Unauthorized' };
  if (!PROBES.has(path)) res['429'] = { $ref: '#/components/responses/TooManyRequests' };
  if (op.requestBody || facts.readsBody) {
    res['400'] ??= { $ref: '#/components/responses/BadRequest' };
    res['413'] ??= { $ref: '#/components/responses/PayloadTooLarge' };
    res['415'] ??= { $ref: '#/components/responses/UnsupportedMediaType' };
  }
  // A write whose transaction loses a serialization or deadlock race answers 503 (AllExceptionsFilter).
  if (method !== 'get') res['503'] ??= { $ref: '#/components/responses/ServiceUnavailable' };
  if (op.requestBody && facts.bodyDto) {
    // A body the ValidationPipe checks is required (an empty body is refused, naming its fields).
    op.requestBody.required = true;
  }
  for (const [status, r] of Object.entries(res)) {
    const content = r.content as Record<string, Json> | undefined;
    if (!content) continue;
    if (Number(status) >= 400) {
      // Errors are JSON whatever the route produces (AllExceptionsFilter).
      r.content = { 'application/json': { schema: ERROR_REF } };
    } else if (content['text/csv']) {
      content['text/csv'] = { schema: { type: 'string', description: 'CSV, UTF-8' } };
    }
  }
}

/** Names of the component schemas `schema` refers to, recursively, added to `into`. */
function refsOf(schema: unknown, all: Record<string, Json>, into: Set<string>): void {
  if (Array.isArray(schema)) {
    for (const s of schema) refsOf(s, all, into);
    return;
  }
  if (!schema || typeof schema !== 'object') return;
  for (const [k, v] of Object.entries(schema)) {
    if (k === '$ref' && typeof v === 'string') {
      const name = v.replace('#/components/schemas/', '');
      if (!into.has(name)) {
        into.add(name);
        refsOf(all[name], all, into);
      }
    } else refsOf(v, all, into);
  }
}

/** A request schema the ValidationPipe checks: unknown fields refused, every rule from the validators. */
function finishRequestSchema(schema: Json, cls: Function): void {
  const rules = propertyRules(cls);
  const props = (schema.properties ??= {}) as Record<string, Json>;
  const required: string[] = [];
  for (const [name, r] of rules) {
    let prop = props[name] ?? {};
    if (prop.$ref) prop = { allOf: [{ $ref: prop.$ref }], ...Object.fromEntries(Object.entries(prop).filter(([k]) => k !== '$ref')) };
    prop = prop.allOf ? mergeRef(prop, r.schema) : mergeSchema(prop, r.schema);
    if (r.nullable) prop.nullable = true;
    else delete prop.nullable;
    // A lone `allOf: [$ref]` is the $ref itself.
    if (Array.isArray(prop.allOf) && prop.allOf.length === 1 && Object.keys(prop).every((k) => k === 'allOf' || k === 'type')) prop = prop.allOf[0] as Json;
    props[name] = prop;
    if (!r.optional) required.push(name);
  }
  if (required.length) schema.required = required;
  else delete schema.required;
  schema.type = 'object';
  schema.additionalProperties = false;
}

/** Validator-derived keywords win over hand-written ones; descriptions and examples are kept. */
function mergeSchema(declared: Json, derived: Json): Json {
  const out: Json = { ...declared, ...derived };
  // A list of strings validated per item (images) stays an array.
  if (declared.type === 'array' && derived.type !== 'array') {
    out.type = 'array';
    for (const k of ['pattern', 'minLength', 'maxLength', 'format']) delete out[k];
  }
  if (out.type === 'integer' || out.type === 'number') for (const k of ['minLength', 'maxLength', 'pattern']) delete out[k];
  return out;
}

/** A nested object: only object-level keywords apply beside its $ref. */
function mergeRef(declared: Json, derived: Json): Json {
  const out: Json = { ...declared };
  for (const k of ['minItems', 'maxItems']) if (derived[k] !== undefined) out[k] = derived[k];
  return out;
}

