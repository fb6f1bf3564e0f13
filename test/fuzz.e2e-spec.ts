import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { PHP_JSON_ENCODE, sortedJson } from '../src/reconciliation/feeds/sorted-json.js';
import { bearer, createTestApp, type TestApp } from './harness/app.js';
import { signedWebhook, startFakeStripe, type FakeStripe } from './harness/fake-stripe.js';
import { buyer, cooperativeBody, type CreatedCooperative, createCooperative, createProduct, productBody, VALID_TAX_CODES, vietqrOrder } from './harness/fixtures.js';
import { createMarket, createStall, type CreatedMarket, marketBody, REAL_QR, stallBody } from './fixtures/markets/markets.js';

/**
 * The API fuzzed from its own OpenAPI document (issue 12, "Done when"): for every documented
 * operation, fast-check sends requests built from the document's schemas — valid ones, boundary
 * values, and invalid ones (a field replaced by null, a number, an array, an object, a long or NUL
 * string; a required field left out; an unknown field; garbage JSON; bad ids and query values) —
 * with the right credentials (API keys by role, the bank webhook's Apikey, Stripe signatures, each
 * bank feed's own authentication). It asserts:
 * - never a 5xx;
 * - every 4xx in the error shape, a 400 with `details` naming fields, and when only the body was
 *   made invalid (per the document) a 400 naming that field (or its object);
 * - every 2xx matching its documented schema (the harness checks every answer against /docs-json).
 * `FUZZ_SEED` replays a run (fast-check prints the seed and the shrunk request of a failure);
 * `FUZZ_RUNS` sets the number of requests per operation (default 60; `npm test` keeps the whole file
 * around a minute).
 */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 1_202_612;
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const WEBHOOK_KEY = 'fuzz-bank-hook-key-0123456789';

let t: TestApp;
let stripe: FakeStripe;
let doc: Json;
let coop: CreatedCooperative;
let market: CreatedMarket;
const ids: Record<string, string> = {};
const feeds: Array<{ id: string; provider: string; secret: string }> = [];
/** Requests whose answer disagreed with the document in a way a person should read (printed at the end). */
const notes = new Map<string, number>();
const note = (s: string) => notes.set(s, (notes.get(s) ?? 0) + 1);
/** Answers by route and status, printed at the end: what the fuzzer reached. */
const tally = new Map<string, Map<number, number>>();

beforeAll(async () => {
  stripe = await startFakeStripe();
  t = await createTestApp({ env: { BANK_WEBHOOK_API_KEY: WEBHOOK_KEY, STRIPE_API_BASE: stripe.url } });
  doc = (await t.http.get('/docs-json').expect(200)).body;
  coop = await createCooperative(t);
  market = await createMarket(t);
  const stall = await createStall(t, market.key, market.id);
  ids.cooperative = coop.id;
  ids.market = market.id;
  ids.stall = stall.id;
  ids.product = await createProduct(t, coop.key, { stockQty: 1_000_000 });
  const order = await vietqrOrder(t, coop);
  ids.order = order.id;
  ids.orderToken = order.accessToken;
  const hook = await t.http
    .post('/webhooks/bank-transactions')
    .set('Authorization', `Apikey ${WEBHOOK_KEY}`)
    .send({ id: 1, gateway: 'Vietcombank', transactionDate: '2026-11-27 10:00:00', accountNumber: '1023456789', content: 'no reference', transferType: 'in', transferAmount: 5000 })
    .expect(200);
  ids.transaction = hook.body.id;
  ids.apiKey = (await t.http.post('/api-keys').set(bearer(t.adminKey)).send({ name: 'fuzz' }).expect(201)).body.id;
  for (const provider of ['sepay', 'casso', 'casso_legacy', 'pay2s']) {
    const f = await t.http.post(`/cooperatives/${coop.id}/bank-feeds`).set(bearer(coop.key)).send({ provider, name: provider }).expect(201);
    feeds.push({ id: f.body.id, provider, secret: f.body.secret });
  }
  // A feed to delete (DELETE /bank-feeds/{id}); the four above keep receiving.
  ids.feed = (await t.http.post(`/cooperatives/${coop.id}/bank-feeds`).set(bearer(coop.key)).send({ provider: 'sepay', name: 'spare' }).expect(201)).body.id;
  const csv = 'stall_code,amount_vnd,method,occurred_at\n' + `${stall.code},45000,cash,2026-03-01T07:15:00+07:00\n`;
  await t.http.post(`/markets/${market.id}/transactions/batch`).set(bearer(market.key)).attach('file', Buffer.from(csv), 'sales.csv').expect(201);
  const statement = 'date,amount,description,reference\n2026-11-27,5000,hello,FT1\n';
  const imp = await t.http.post('/reconciliation/statements?accountNumber=1023456789&wait=true').set(bearer(t.adminKey)).attach('file', Buffer.from(statement), 'st.csv');
  ids.statement = imp.body.id ?? fc.sample(fc.uuid(), 1)[0];
});

afterAll(async () => {
  if (process.env.FUZZ_REPORT === '1') {
    console.log(`fuzz answers by route:\n${[...tally].map(([r, m]) => `  ${r}: ${[...m].sort(([a], [b]) => a - b).map(([st, n]) => `${st}×${n}`).join(' ')}`).join('\n')}`);
  }
  if (notes.size) console.log(`fuzz notes (document vs app, not failures):\n${[...notes].map(([k, n]) => `  ${n} × ${k}`).join('\n')}`);
  try {
    await t?.close();
  } finally {
    await stripe?.close();
  }
});

// ───────────────────────────── values from schemas ─────────────────────────────

const deref = (s: Json | undefined): Json => (s?.$ref ? deref(doc.components.schemas[String(s.$ref).split('/').pop()!]) : (s ?? {}));

/** A value the schema allows (boundaries included). */
function valid(schemaIn: Json | undefined, depth = 0): fc.Arbitrary<unknown> {
  const s = deref(schemaIn);
  if (s.allOf?.length === 1) return withNull(s, valid(s.allOf[0], depth));
  if (s.anyOf || s.oneOf) return fc.oneof(...(s.anyOf ?? s.oneOf).map((x: Json) => valid(x, depth)));
  if (s.enum) return withNull(s, fc.constantFrom(...(s.enum as unknown[])));
  switch (s.type) {
    case 'integer':
    case 'number': {
      const min = s.minimum ?? -1_000_000;
      const max = s.maximum ?? 1_000_000;
      const small = fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31 - 1) });
      return withNull(s, fc.oneof({ weight: 4, arbitrary: small }, { weight: 1, arbitrary: fc.constantFrom(min, max) }));
    }
    case 'boolean':
      return withNull(s, fc.boolean());
    case 'array':
      return withNull(s, fc.array(valid(s.items, depth + 1), { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 3, 3) }));
    case 'object':
    case undefined: {
      if (!s.properties) return withNull(s, depth > 2 ? fc.constant({}) : fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }));
      const model = Object.fromEntries(Object.entries(s.properties as Record<string, Json>).map(([k, v]) => [k, valid(v, depth + 1)]));
      return withNull(s, fc.record(model, { requiredKeys: s.required ?? [] }));
    }
    default:
      return withNull(s, validString(s));
  }
}

const withNull = (s: Json, a: fc.Arbitrary<unknown>) => (s.nullable ? fc.option(a, { nil: null, freq: 6 }) : a);

function validString(s: Json): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = Math.min(s.maxLength ?? 40, 2000);
  if (s.format === 'uuid') return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...Object.values(ids).filter((v) => /^[0-9a-f-]{36}$/.test(v))) }, { weight: 1, arbitrary: fc.uuid() });
  if (s.format === 'date') return fc.date({ min: new Date('2024-01-01'), max: new Date('2027-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  if (s.format === 'date-time') return fc.date({ min: new Date('2024-01-01'), max: new Date('2026-11-30'), noInvalidDate: true }).map((d) => d.toISOString());
  if (s.format === 'email') return fc.emailAddress().filter((e) => e.length <= max);
  const patterns = [s.pattern, ...((s.allOf ?? []) as Json[]).map((p) => p.pattern)].filter(Boolean).map((p) => new RegExp(p));
  const fits = (v: string) => v.length >= min && v.length <= max && patterns.every((p) => p.test(v));
  const anchored = patterns.find((p) => p.source.startsWith('^') && p.source.endsWith('$'));
  const base = anchored ? fc.stringMatching(anchored) : fc.oneof(fc.string({ minLength: min, maxLength: Math.min(max, 40) }), fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.min(max, 20) }));
  const boundary = !anchored && max > min ? [fc.string({ minLength: max, maxLength: max, unit: 'grapheme-ascii' })] : [];
  return fc.oneof(base, ...boundary).filter(fits);
}

/** Values that break schemas: wrong types, empty and huge strings, NUL, numbers past every bound. */
const weird: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.constant(''),
  fc.constant(' '),
  fc.constant([]),
  fc.constant({}),
  fc.constant('\u0000'),
  fc.constant('2026-02-30'),
  fc.constant(-1),
  fc.constant(0),
  fc.constant(1.5),
  fc.constant(2 ** 53 + 2),
  fc.constant(1e308),
  fc.boolean(),
  fc.integer(),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ minLength: 2001, maxLength: 6000 }),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.jsonValue({ maxDepth: 3 }),
);

type Mutation = { kind: 'replace' | 'delete' | 'unknown'; path: string };

/** Every path into a JSON value (objects and arrays) as keys, [] being the root. */
function pathsOf(v: unknown, at: string[] = []): string[][] {
  if (Array.isArray(v)) return [at, ...v.flatMap((x, i) => pathsOf(x, [...at, String(i)]))];
  if (v && typeof v === 'object') return [at, ...Object.entries(v).flatMap(([k, x]) => pathsOf(x, [...at, k]))];
  return [at];
}

function mutate(body: unknown, pick: number, value: unknown, kind: Mutation['kind']): { body: unknown; mutation: Mutation } {
  const copy = JSON.parse(JSON.stringify(body ?? {})) as Json;
  const paths = pathsOf(copy).filter((p) => p.length > 0);
  if (!paths.length) return { body: kind === 'unknown' ? { fuzzUnknown: value } : value, mutation: { kind: 'replace', path: '' } };
  const keys = paths[pick % paths.length];
  const parent = keys.slice(0, -1).reduce<Json>((o, k) => o[k], copy) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const last = keys[keys.length - 1];
  const target = parent[last];
  const isObject = !!target && typeof target === 'object' && !Array.isArray(target);
  let applied = kind;
  if (kind === 'delete' && !Array.isArray(parent as unknown)) delete parent[last];
  else if (kind === 'unknown' && isObject) target.fuzzUnknown = value;
  else {
    parent[last] = value;
    applied = 'replace';
  }
  return { body: copy, mutation: { kind: applied, path: keys.join('.') } };
}

// ───────────────────────────── known-good bodies ─────────────────────────────

const vnNow = () => new Date(Date.now() + 7 * 3600_000 - 3600_000).toISOString().slice(0, 19).replace('T', ' ');

/**
 * A body the app accepts, per operation (and per feed provider): mutations of it change one thing,
 * so a 400 must name exactly that field, and valid requests get past the semantic checks (tax code
 * check digits, communes of the province, existing products) into the services.
 */
function goodBody(method: string, path: string, n: number, provider?: string): unknown {
  const id = 900_000 + n;
  const route = `${method} ${path}`;
  switch (route) {
    case 'post /cooperatives':
      return cooperativeBody({ taxCode: VALID_TAX_CODES[n % VALID_TAX_CODES.length] });
    case 'post /products':
      return productBody({ cooperativeId: coop.id, sku: `FZ-${n}` });
    case 'post /checkout':
      return { buyer: buyer(), items: [{ productId: ids.product, qty: 1 + (n % 3) }], paymentMethod: n % 5 === 0 ? 'card' : 'vietqr' };
    case 'post /markets':
      return marketBody();
    case 'post /markets/{id}/stalls':
      return stallBody({ code: `FZ-${n}` });
    case 'post /markets/{id}/stalls/import-qr':
      return { code: `QR-${n}`, payload: REAL_QR.subizDynamic, vendorName: 'Lê Văn Tám', category: 'dry_goods', accountName: 'LE VAN TAM' };
    case 'post /markets/{id}/transactions':
      return { stallId: ids.stall, amountVnd: 45_000 + n, method: ['qr', 'cash', 'card'][n % 3], occurredAt: new Date(Date.now() - 3600_000).toISOString() };
    case 'post /vietqr/decode':
      return { payload: REAL_QR.subizDynamic };
    case 'post /vietqr/encode':
      return { bankBin: '970436', accountNumber: '1023456789', amountVnd: 1000 + n, purpose: 'OCOP' + n };
    case 'post /webhooks/bank-transactions':
      return { id, gateway: 'Vietcombank', transactionDate: vnNow(), accountNumber: '1023456789', code: null, content: `chuyen tien ${n}`, transferType: 'in', transferAmount: 5000 + n, referenceCode: `FT${id}` };
    case 'post /webhooks/stripe':
      return {
        id: `evt_fuzz_${n}`,
        object: 'event',
        type: ['payment_intent.succeeded', 'payment_intent.payment_failed', 'charge.refunded', 'customer.created'][n % 4],
        data: { object: { id: `pi_fuzz_${n}`, object: n % 4 === 2 ? 'charge' : 'payment_intent', amount: 1000, currency: 'vnd', metadata: { orderId: ids.order } } },
      };
    case 'post /webhooks/bank/{feedId}': {
      const item = { accountNumber: '1023456789', transferAmount: 5000 + n, content: `chuyen tien ${n}` };
      if (provider === 'sepay') return { id, gateway: 'Vietcombank', transactionDate: vnNow(), code: null, transferType: 'in', referenceCode: `FS${id}`, ...item };
      if (provider === 'pay2s') return { transactions: [{ id: String(id), gateway: 'ACB', transactionDate: vnNow(), transactionNumber: `P${id}`, transferType: 'IN', ...item }] };
      if (provider === 'casso_legacy') return { error: 0, data: [{ id, tid: `TL${id}`, description: item.content, amount: item.transferAmount, when: vnNow(), bank_sub_acc_id: item.accountNumber }] };
      return { error: 0, data: { id, reference: `FC${id}`, description: item.content, amount: item.transferAmount, transactionDateTime: vnNow(), accountNumber: item.accountNumber } };
    }
    case 'post /orders/{id}/transitions':
      return { to: ['processing', 'cancelled', 'shipped', 'completed', 'paid'][n % 5], reason: 'fuzz' };
    case 'post /orders/{id}/refunds':
      return { amountVnd: 1000, reason: 'fuzz' };
    case 'post /reconciliation/transactions/{id}/match':
      return { orderId: ids.order, reason: 'fuzz' };
    case 'post /reconciliation/transactions/{id}/ignore':
    case 'post /reconciliation/transactions/{id}/reopen':
      return { reason: 'fuzz' };
    case 'post /cooperatives/{id}/bank-feeds':
    case 'post /markets/{id}/bank-feeds':
      return { provider: ['sepay', 'casso', 'casso_legacy', 'pay2s'][n % 4], name: `feed ${n}` };
    default:
      return undefined;
  }
}

// ───────────────────────────── requests ─────────────────────────────

interface FuzzRequest {
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: unknown;
  file?: Buffer;
  /** only the body was made invalid: path ids, query and credentials are good */
  mutation?: Mutation;
}

const ID_OF: Array<[RegExp, keyof typeof ids]> = [
  [/^\/cooperatives\/\{id\}/, 'cooperative'],
  [/^\/markets\/\{id\}/, 'market'],
  [/^\/stalls\/\{id\}/, 'stall'],
  [/^\/products\/\{id\}/, 'product'],
  [/^\/orders\/\{id\}/, 'order'],
  [/^\/api-keys\/\{id\}/, 'apiKey'],
  [/^\/reconciliation\/transactions\/\{id\}/, 'transaction'],
  [/^\/reconciliation\/statements\/\{id\}/, 'statement'],
  [/^\/bank-feeds\/\{id\}/, 'feed'],
];

function requestArb(path: string, method: string, op: Json): fc.Arbitrary<FuzzRequest> {
  const params = ((op.parameters ?? []) as Json[]).map((p) => (p.$ref ? doc.components.parameters[String(p.$ref).split('/').pop()!] : p));
  return fc.constantFrom(...(path === '/webhooks/bank/{feedId}' ? feeds : [undefined])).chain((feed) => requestArbOf(path, method, op, params, feed));
}

function requestArbOf(path: string, method: string, op: Json, params: Json[], feed?: { id: string; provider: string }): fc.Arbitrary<FuzzRequest> {
  const idFor = (name: string) => (name === 'feedId' ? fc.constant(feed!.id) : fc.constant(ids[ID_OF.find(([re]) => re.test(path))?.[1] ?? 'cooperative'] ?? ids.cooperative));
  const pathParams = params.filter((p) => p.in === 'path');
  const pathArb = fc.record(
    Object.fromEntries(
      pathParams.map((p) => [
        p.name,
        p.name === 'code'
          ? fc.oneof(fc.constantFrom('66', '01', '79'), fc.string({ maxLength: 10 }))
          : fc.oneof({ weight: 8, arbitrary: idFor(p.name).map((v) => ({ v, good: true })) }, { weight: 1, arbitrary: fc.uuid().map((v) => ({ v, good: false })) }, { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 40 }).map((v) => ({ v, good: false })) }),
      ]),
    ),
  );
  const queryParams = params.filter((p) => p.in === 'query');
  const queryArb = fc.record(
    Object.fromEntries(
      queryParams.map((p) => [
        p.name,
        fc.oneof(
          { weight: 5, arbitrary: fc.constant(undefined) },
          { weight: 5, arbitrary: valid(p.schema).map((v) => ({ v: String(v), good: true })) },
          { weight: 2, arbitrary: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('', '-1', '1e3', '0x10', '2026-02-30', '99999999999999999999', 'x'.repeat(600))).map((v) => ({ v, good: false })) },
        ),
      ]),
    ),
    { requiredKeys: [] },
  );
  const media = op.requestBody?.content ?? {};
  const jsonSchema = media['application/json']?.schema as Json | undefined;
  // Half known-good bodies (deep paths), half built from the schema (its whole range).
  const base: fc.Arbitrary<unknown> =
    jsonSchema && goodBody(method, path, 0, feed?.provider) !== undefined
      ? fc.oneof(fc.nat(1_000_000).map((n) => goodBody(method, path, n, feed?.provider)), valid(jsonSchema))
      : valid(jsonSchema ?? {});
  const bodyArb: fc.Arbitrary<{ body?: unknown; file?: Buffer; mutation?: Mutation; garbage?: boolean }> = media['multipart/form-data']
    ? fc.oneof(
        fc.string({ maxLength: 400 }).map((s) => ({ file: Buffer.from(s) })),
        fc.array(fc.array(fc.oneof(fc.string({ maxLength: 12 }), fc.integer().map(String), fc.constantFrom('2026-03-01', 'cash', 'A-1', '1023456789')), { maxLength: 6 }), { maxLength: 8 }).map((rows) => ({
          file: Buffer.from(['stall_code,amount_vnd,method,occurred_at', 'date,amount,description,reference', ...rows.map((r) => r.join(','))].join('\n')),
        })),
        fc.uint8Array({ maxLength: 300 }).map((b) => ({ file: Buffer.from(b) })),
        fc.constant({ body: { file: 'not a file' } }),
      )
    : jsonSchema
      ? fc.oneof(
          { weight: 4, arbitrary: base.map((body) => ({ body })) },
          {
            weight: 5,
            arbitrary: fc
              .tuple(base, fc.nat(), weird, fc.constantFrom<Mutation['kind']>('replace', 'replace', 'delete', 'unknown'))
              .map(([b, pick, value, kind]) => mutate(b, pick, value, kind)),
          },
          { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((body) => ({ body, garbage: true })) },
        )
      : fc.constant({});
  return fc.record({ pathValues: pathArb, queryValues: queryArb, payload: bodyArb, key: fc.constantFrom('admin', 'admin', 'admin', 'coop', 'manager', 'none', 'bad'), pick: fc.nat(1000) }).map(({ pathValues, queryValues, payload, key, pick }) => {
    let good = true;
    let url = path;
    for (const [name, pv] of Object.entries(pathValues as Record<string, { v: string; good: boolean } | string>)) {
      const v = typeof pv === 'string' ? pv : pv.v;
      if (typeof pv !== 'string' && !pv.good) good = false;
      url = url.replace(`{${name}}`, encodeURIComponent(v));
    }
    const query: Record<string, string> = {};
    for (const [name, qv] of Object.entries(queryValues as Record<string, { v: string; good: boolean } | undefined>)) {
      if (!qv) continue;
      query[name] = qv.v;
      if (!qv.good) good = false;
    }
    if (path === '/orders/{id}' || path.startsWith('/orders/{id}/qr')) query.token ??= ids.orderToken;
    const headers = credentials(path, op, key, payload.body, url, pick);
    if (key !== 'admin' && (op.security ?? []).some((s: Json) => 'bearer' in s)) good = false;
    return { path: url, query, headers, body: payload.body, file: payload.file, mutation: good && payload.mutation ? payload.mutation : undefined };
  });
}

function credentials(path: string, op: Json, key: string, body: unknown, url: string, pick: number): Record<string, string> {
  const schemes = ((op.security ?? []) as Json[]).flatMap((s) => Object.keys(s));
  // Forged or broken third-party credentials: the webhook must refuse them (401/400), never fail.
  if (key === 'bad' && schemes.some((s) => s !== 'bearer')) {
    const junk = ['Apikey ', 'Bearer ', 't=1,v1=' + 'ab'.repeat(64), 't=' + Date.now() + ',v1=zz', `Apikey ${'x'.repeat(pick)}`, ''][pick % 6];
    const name = schemes.includes('stripe-signature') ? 'Stripe-Signature' : ['Authorization', 'X-Casso-Signature', 'Secure-Token'][pick % 3];
    return { [name]: junk };
  }
  if (schemes.includes('bank-webhook-apikey')) return { Authorization: `Apikey ${WEBHOOK_KEY}` };
  if (schemes.includes('stripe-signature')) return { 'Stripe-Signature': signedWebhook(body as object).header };
  if (path === '/webhooks/bank/{feedId}') {
    const feed = feeds.find((f) => url.includes(f.id));
    if (!feed) return {};
    if (feed.provider === 'sepay') return { Authorization: `Apikey ${feed.secret}` };
    if (feed.provider === 'pay2s') return { Authorization: `Bearer ${feed.secret}` };
    if (feed.provider === 'casso_legacy') return { 'Secure-Token': feed.secret };
    const ts = Date.now();
    return { 'X-Casso-Signature': `t=${ts},v1=${createHmac('sha512', feed.secret).update(`${ts}.${sortedJson(body, PHP_JSON_ENCODE)}`).digest('hex')}` };
  }
  if (!schemes.includes('bearer')) return key === 'bad' ? { Authorization: 'Bearer ocop_sk_' + randomBytes(24).toString('hex') } : {};
  switch (key) {
    case 'admin':
      return bearer(t.adminKey);
    case 'coop':
      return bearer(coop.key);
    case 'manager':
      return bearer(market.key);
    case 'bad':
      return { Authorization: 'Bearer ocop_sk_' + randomBytes(24).toString('hex') };
    default:
      return {};
  }
}

// ───────────────────────────── the properties ─────────────────────────────

const related = (field: string, path: string) => path === '' || field === 'body' || field === path || path.startsWith(`${field}.`) || field.startsWith(`${path}.`);

async function send(method: string, r: FuzzRequest) {
  let req = (t.http as unknown as Record<string, (p: string) => ReturnType<typeof t.http.post>>)[method](r.path).query(r.query).set(r.headers);
  if (r.file) req = req.attach('file', r.file, 'fuzz.csv');
  else if (r.body !== undefined) req = req.set('Content-Type', 'application/json').send(JSON.stringify(r.body));
  return req;
}

const operations = () =>
  Object.entries(doc.paths as Record<string, Record<string, Json>>).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));

it('fuzzes every operation of the OpenAPI document: no 5xx, errors in the error shape naming the invalid field, answers as documented', async () => {
  const errorShape = t.openapi.validator({ $ref: '#/components/schemas/ErrorResponse' }, 'fuzz ErrorResponse');
  const ops = operations();
  expect(ops.length).toBeGreaterThan(60);
  let sent = 0;
  const failures: string[] = [];
  for (const { path, method, op } of ops) {
    const bodySchema = op.requestBody?.content?.['application/json']?.schema as Json | undefined;
    const validated = deref(bodySchema).additionalProperties === false;
    const bodyCheck = bodySchema ? t.openapi.validator(bodySchema, `fuzz body ${method} ${path}`) : undefined;
    const result = await fc.check(
      fc.asyncProperty(requestArb(path, method, op), async (r) => {
        const res = (await send(method, r)) as unknown as { status: number; body: Json };
        sent++;
        const route = `${method.toUpperCase()} ${path}`;
        const byStatus = tally.get(route) ?? new Map<number, number>();
        byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1);
        tally.set(route, byStatus);
        const what = `${route} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
        if (res.status >= 500) throw new Error(`server error: ${what}`);
        if (res.status >= 400) {
          if (!errorShape(res.body) || res.body.statusCode !== res.status) throw new Error(`error not in the error shape: ${what}`);
          if (res.status === 400 && !(Array.isArray(res.body.details) && res.body.details.length && res.body.details.every((d: Json) => typeof d.field === 'string' && d.field && typeof d.problem === 'string'))) {
            throw new Error(`400 without details naming a field: ${what}`);
          }
        }
        if (r.mutation && bodyCheck && validated) {
          const invalid = !bodyCheck(r.body);
          if (invalid && res.status === 400) {
            const named = (res.body.details as Json[]).map((d) => String(d.field));
            if (!named.some((f) => related(f, r.mutation!.path))) throw new Error(`400 does not name ${r.mutation.path || 'the body'} (${r.mutation.kind}): ${what}`);
          }
          if (invalid && res.status < 300) note(`${route}: accepted a body the document refuses (${r.mutation.kind} ${r.mutation.path.replace(/\.\d+/g, '.n')})`);
          if (!invalid && res.status === 400 && res.body.message === 'Validation failed') {
            note(`${route}: refused a body the document allows: ${(res.body.details as Json[]).map((d) => d.field.replace(/\.\d+/g, '.n')).join(', ')}`);
          }
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    if (result.failed) {
      const error = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
      failures.push(`${method.toUpperCase()} ${path}: ${error}\n    request: ${JSON.stringify(result.counterexample?.[0]).slice(0, 600)}`);
    }
  }
  // Every operation is fuzzed even when one fails; all failures are reported together (replay: FUZZ_SEED).
  expect(failures).toEqual([]);
  expect(sent).toBeGreaterThan(ops.length * RUNS * 0.5);
  expect(t.openapiViolations).toEqual([]);
}, 600_000);

