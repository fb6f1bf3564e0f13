/**
 * A tiny, stateful stand-in for the Stripe API, for e2e tests on machines without Docker or Go
 * (where stripe-mock cannot run). It implements exactly what StripeGateway uses, plus confirm
 * (what Stripe.js does in the browser) so tests can make a PaymentIntent succeed:
 *
 *   POST /v1/payment_intents               create (amount, currency, metadata, …)
 *   GET  /v1/payment_intents/:id           retrieve
 *   POST /v1/payment_intents/:id/confirm   payment_method = pm_card_visa (succeeds) | pm_card_chargeDeclined (402)
 *                                          | pm_card_visa_chargeDeclinedInsufficientFunds (402)
 *   POST /v1/payment_intents/:id/cancel    cancel (only from a cancelable status)
 *   POST /v1/refunds                       refund a succeeded PaymentIntent (amount ≤ what is left)
 *
 * Shapes follow Stripe's API reference ("The PaymentIntent object", "The Refund object",
 * "Errors", "Idempotent requests" at docs.stripe.com/api) and are type-checked against the
 * installed SDK's own interfaces (`Stripe.PaymentIntent`, `Stripe.Refund`, `Stripe.Event`, which
 * stripe-node generates from Stripe's OpenAPI spec), so every required field is present.
 *
 * Behaviour copied from Stripe:
 * - requests are form-encoded (`metadata[orderId]=…`, `allowed_payment_method_types[0]=card`), as the SDK sends them;
 * - `Authorization: Bearer sk_test_…` is required (401 otherwise);
 * - errors are `{ error: { type, code, message, param, … } }` with Stripe's statuses: 400 invalid
 *   parameters and invalid state, 402 card errors, 404 unknown object in the URL, 401 bad key;
 *   unknown parameters are rejected (`parameter_unknown`), which catches typos in the gateway;
 * - Idempotency-Key: the same key with the same method, path and parameters replays the saved
 *   response (header `Idempotent-Replayed: true`); the same key with different parameters is 400
 *   `idempotency_error`; parameter-validation failures are not saved (Stripe saves results only
 *   once the endpoint starts executing).
 *
 * Test controls: `setOutage(503)` makes every request fail with a 5xx api_error until
 * `setOutage(null)`; `paymentIntentEvent(id, type)` and `event(type, object)` build events to sign
 * with `signedWebhook`. `STRIPE_MOCK_URL` set → `stripeTestUrl()` uses that stripe-mock instead;
 * stripe-mock is stateless (no idempotency, fixtures on retrieve), so stateful assertions must be
 * guarded with `if (fake)`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

/** Same default as STRIPE_WEBHOOK_SECRET in src/config/config.ts. */
export const TEST_WEBHOOK_SECRET = 'whsec_test_secret';

export interface FakeStripeRequest {
  method: string;
  path: string;
  idempotencyKey: string | null;
  params: Record<string, unknown>;
}

export interface FakeStripe {
  url: string;
  close(): Promise<void>;
  paymentIntents: Map<string, Stripe.PaymentIntent>;
  refunds: Map<string, Stripe.Refund>;
  requests: FakeStripeRequest[];
  /** While set, every request answers this HTTP status (5xx: api_error) without touching state. */
  setOutage(status: number | null): void;
  /** A Stripe event of `type` carrying the current state of PaymentIntent `id`. */
  paymentIntentEvent(
    id: string,
    type: 'payment_intent.succeeded' | 'payment_intent.payment_failed' | 'payment_intent.canceled' | 'payment_intent.created',
  ): Stripe.Event;
  /** A Stripe event of any type around `object`. */
  event<T extends Stripe.Event.Type>(type: T, object: Extract<Stripe.Event, { type: T }>['data']['object']): Stripe.Event;
}

interface StripeErrorBody {
  type: 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';
  message: string;
  code?: string;
  param?: string;
  decline_code?: string;
  doc_url?: string;
  charge?: string;
  payment_intent?: Stripe.PaymentIntent;
}

class StripeHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
    /** false: a validation failure, which Stripe does not save under the idempotency key. */
    readonly saved = true,
  ) {
    super(body.message);
  }
}

const paramError = (param: string, code: string, message: string) =>
  new StripeHttpError(400, { type: 'invalid_request_error', code, param, message, doc_url: `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}` }, false);

/** A subset of Stripe's presentment currencies; enough to reject typos. */
const CURRENCIES = new Set(['vnd', 'usd', 'eur', 'gbp', 'jpy', 'sgd', 'thb', 'krw', 'aud', 'cad', 'chf', 'cny', 'hkd', 'idr', 'myr', 'php', 'twd', 'inr', 'nzd']);
const ZERO_DECIMAL = new Set(['vnd', 'jpy', 'krw']);
/** "The amount value supports up to eight digits" (PaymentIntent.amount, Stripe API reference). */
const MAX_AMOUNT = 99_999_999;
const CANCELABLE: Stripe.PaymentIntent.Status[] = ['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action', 'processing'];
const CONFIRMABLE: Stripe.PaymentIntent.Status[] = ['requires_payment_method', 'requires_confirmation', 'requires_action'];

const CREATE_PI_PARAMS = new Set([
  'amount', 'currency', 'allowed_payment_method_types', 'payment_method_types', 'description', 'metadata', 'capture_method',
  'confirmation_method', 'receipt_email', 'statement_descriptor', 'statement_descriptor_suffix', 'expand', 'payment_method', 'confirm',
]);
const CONFIRM_PI_PARAMS = new Set(['payment_method', 'return_url', 'expand']);
const CANCEL_PI_PARAMS = new Set(['cancellation_reason', 'expand']);
const CREATE_REFUND_PARAMS = new Set(['payment_intent', 'charge', 'amount', 'reason', 'metadata', 'expand']);
const REFUND_REASONS = new Set(['duplicate', 'fraudulent', 'requested_by_customer']);
const CANCELLATION_REASONS = new Set(['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned']);

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function randomId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  return prefix + Array.from(bytes, (b) => ALNUM[b % ALNUM.length]).join('');
}
const nowSeconds = () => Math.floor(Date.now() / 1000);

function formatMoney(amount: number, currency: string): string {
  if (currency === 'vnd') return `₫${amount.toLocaleString('en-US')}`;
  return ZERO_DECIMAL.has(currency) ? `${amount} ${currency}` : `${(amount / 100).toFixed(2)} ${currency}`;
}

/** Parses Stripe's form encoding (`a[b]=1`, `list[0]=x`) into nested objects and arrays. */
export function parseStripeForm(text: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const parts = rawKey.match(/^[^[\]]+|\[[^[\]]*\]/g)?.map((p) => p.replace(/^\[|\]$/g, '')) ?? [rawKey];
    let node: Record<string, unknown> = root;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) {
        node[part] = value;
      } else {
        if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
        node = node[part] as Record<string, unknown>;
      }
    });
  }
  const arrays = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    const entries = Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, arrays(x)] as const);
    const isList = entries.length > 0 && entries.every(([k], i) => k === String(i));
    return isList ? entries.map(([, x]) => x) : Object.fromEntries(entries);
  };
  return arrays(root) as Record<string, unknown>;
}

/** Order-insensitive serialisation, to compare the parameters of two requests. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function checkKnownParams(params: Record<string, unknown>, allowed: Set<string>): void {
  for (const key of Object.keys(params)) {
    if (!allowed.has(key)) throw paramError(key, 'parameter_unknown', `Received unknown parameter: ${key}`);
  }
}

function requireString(params: Record<string, unknown>, name: string): string {
  const v = params[name];
  if (v === undefined || v === '') throw paramError(name, 'parameter_missing', `Missing required param: ${name}.`);
  if (typeof v !== 'string') throw paramError(name, 'parameter_invalid_string', `Invalid string: ${JSON.stringify(v)}`);
  return v;
}

function parseAmount(raw: unknown, name = 'amount'): number {
  if (typeof raw !== 'string' || !/^-?\d+$/.test(raw)) {
    throw paramError(name, 'parameter_invalid_integer', `Invalid integer: ${typeof raw === 'string' ? raw : JSON.stringify(raw)}`);
  }
  const n = Number(raw);
  if (n < 1) throw paramError(name, 'parameter_invalid_integer', 'This value must be greater than or equal to 1.');
  return n;
}

function parseMetadata(raw: unknown): Record<string, string> {
  if (raw === undefined || raw === '') return {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw paramError('metadata', 'parameter_invalid_empty', 'Invalid object');
  }
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length > 50) throw paramError('metadata', 'parameter_invalid_empty', 'Metadata can have at most 50 keys.');
  const out: Record<string, string> = {};
  for (const [k, v] of entries) {
    if (k.length > 40) throw paramError(`metadata[${k}]`, 'parameter_invalid_string', 'Metadata keys can be at most 40 characters long.');
    if (typeof v !== 'string') throw paramError(`metadata[${k}]`, 'parameter_invalid_string', 'Metadata values must be strings.');
    if (v.length > 500) throw paramError(`metadata[${k}]`, 'parameter_invalid_string', 'Metadata values can be at most 500 characters long.');
    if (v !== '') out[k] = v;
  }
  return out;
}

function stringList(raw: unknown, name: string): string[] {
  if (raw === undefined) return ['card'];
  const list = Array.isArray(raw) ? raw : [raw];
  if (!list.every((x) => typeof x === 'string' && x.length > 0)) throw paramError(name, 'parameter_invalid_empty', `Invalid array: ${name}`);
  return list as string[];
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Starts the fake on 127.0.0.1 and a free port. */
export async function startFakeStripe(): Promise<FakeStripe> {
  const paymentIntents = new Map<string, Stripe.PaymentIntent>();
  const refunds = new Map<string, Stripe.Refund>();
  const requests: FakeStripeRequest[] = [];
  const idempotent = new Map<string, { method: string; path: string; params: string; status: number; body: unknown; requestId: string }>();
  let outage: number | null = null;

  const clone = <T>(x: T): T => structuredClone(x);
  const refundedOf = (piId: string) => [...refunds.values()].filter((r) => r.payment_intent === piId && r.status !== 'failed').reduce((s, r) => s + r.amount, 0);

  function getPaymentIntent(id: string, param = 'intent'): Stripe.PaymentIntent {
    const pi = paymentIntents.get(id);
    if (!pi) {
      throw new StripeHttpError(param === 'intent' ? 404 : 400, {
        type: 'invalid_request_error',
        code: 'resource_missing',
        param,
        message: `No such payment_intent: '${id}'`,
        doc_url: 'https://stripe.com/docs/error-codes/resource-missing',
      }, false);
    }
    return pi;
  }

  function createPaymentIntent(params: Record<string, unknown>): Stripe.PaymentIntent {
    checkKnownParams(params, CREATE_PI_PARAMS);
    if (params.amount === undefined) throw paramError('amount', 'parameter_missing', 'Missing required param: amount.');
    const amount = parseAmount(params.amount);
    const currency = requireString(params, 'currency').toLowerCase();
    if (!CURRENCIES.has(currency)) {
      throw paramError('currency', 'parameter_invalid_string', `Invalid currency: ${currency}. Stripe currently supports these currencies: ${[...CURRENCIES].join(', ')}`);
    }
    if (amount > MAX_AMOUNT) {
      throw paramError('amount', 'amount_too_large', `Amount must be no more than ${formatMoney(MAX_AMOUNT, currency)}`);
    }
    const methodsParam = params.allowed_payment_method_types !== undefined ? 'allowed_payment_method_types' : 'payment_method_types';
    const methods = stringList(params[methodsParam], methodsParam);
    const metadata = parseMetadata(params.metadata);
    const id = randomId('pi_');
    const pi: Stripe.PaymentIntent = {
      id,
      object: 'payment_intent',
      allowed_payment_method_types: methods as Stripe.PaymentIntent.AllowedPaymentMethodType[],
      amount,
      amount_capturable: 0,
      amount_details: { tip: {} } as Stripe.PaymentIntent.AmountDetails,
      amount_received: 0,
      application: null,
      application_fee_amount: null,
      automatic_payment_methods: null,
      canceled_at: null,
      cancellation_reason: null,
      capture_method: (params.capture_method as Stripe.PaymentIntent.CaptureMethod | undefined) ?? 'automatic', // as in the API reference's example object
      client_secret: `${id}_secret_${randomId('', 25)}`,
      confirmation_method: (params.confirmation_method as Stripe.PaymentIntent.ConfirmationMethod | undefined) ?? 'automatic',
      created: nowSeconds(),
      currency,
      customer: null,
      customer_account: null,
      description: typeof params.description === 'string' ? params.description : null,
      excluded_payment_method_types: null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      managed_payments: null,
      metadata,
      next_action: null,
      on_behalf_of: null,
      payment_method: null,
      payment_method_configuration_details: null,
      payment_method_options: methods.includes('card')
        ? ({ card: { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' } } as Stripe.PaymentIntent.PaymentMethodOptions)
        : null,
      payment_method_types: methods,
      payment_record: null,
      processing: null,
      receipt_email: typeof params.receipt_email === 'string' ? params.receipt_email : null,
      review: null,
      setup_future_usage: null,
      shipping: null,
      source: null,
      statement_descriptor: typeof params.statement_descriptor === 'string' ? params.statement_descriptor : null,
      statement_descriptor_suffix: typeof params.statement_descriptor_suffix === 'string' ? params.statement_descriptor_suffix : null,
      status: 'requires_payment_method',
      transfer_data: null,
      transfer_group: null,
    };
    paymentIntents.set(id, pi);
    return pi;
  }

  function confirmPaymentIntent(id: string, params: Record<string, unknown>): Stripe.PaymentIntent {
    checkKnownParams(params, CONFIRM_PI_PARAMS);
    const pi = getPaymentIntent(id);
    const paymentMethod = requireString(params, 'payment_method');
    if (!CONFIRMABLE.includes(pi.status)) {
      throw new StripeHttpError(400, {
        type: 'invalid_request_error',
        code: 'payment_intent_unexpected_state',
        message: `You cannot confirm this PaymentIntent because it has a status of ${pi.status}.`,
        payment_intent: clone(pi),
      });
    }
    const chargeId = randomId('ch_');
    pi.payment_method = randomId('pm_');
    pi.latest_charge = chargeId;
    const declines: Record<string, string> = { pm_card_chargeDeclined: 'generic_decline', pm_card_visa_chargeDeclinedInsufficientFunds: 'insufficient_funds' };
    const decline = declines[paymentMethod];
    if (decline) {
      const message = decline === 'insufficient_funds' ? 'Your card has insufficient funds.' : 'Your card was declined.';
      pi.status = 'requires_payment_method';
      pi.last_payment_error = { type: 'card_error', code: 'card_declined', decline_code: decline, message, charge: chargeId } as Stripe.PaymentIntent.LastPaymentError;
      throw new StripeHttpError(402, { type: 'card_error', code: 'card_declined', decline_code: decline, message, charge: chargeId, payment_intent: clone(pi) });
    }
    if (!paymentMethod.startsWith('pm_card_')) {
      throw paramError('payment_method', 'resource_missing', `No such PaymentMethod: '${paymentMethod}'`);
    }
    pi.status = 'succeeded';
    pi.amount_received = pi.amount;
    pi.last_payment_error = null;
    return pi;
  }

  function cancelPaymentIntent(id: string, params: Record<string, unknown>): Stripe.PaymentIntent {
    checkKnownParams(params, CANCEL_PI_PARAMS);
    const pi = getPaymentIntent(id);
    const reason = params.cancellation_reason;
    if (reason !== undefined && (typeof reason !== 'string' || !CANCELLATION_REASONS.has(reason))) {
      throw paramError('cancellation_reason', 'parameter_invalid_string', `Invalid cancellation_reason: must be one of ${[...CANCELLATION_REASONS].join(', ')}`);
    }
    if (!CANCELABLE.includes(pi.status)) {
      throw new StripeHttpError(400, {
        type: 'invalid_request_error',
        code: 'payment_intent_unexpected_state',
        message:
          `You cannot cancel this PaymentIntent because it has a status of ${pi.status}. ` +
          `Only a PaymentIntent with one of the following statuses may be canceled: ${CANCELABLE.join(', ')}.`,
        payment_intent: clone(pi),
      });
    }
    pi.status = 'canceled';
    pi.canceled_at = nowSeconds();
    pi.cancellation_reason = (reason as Stripe.PaymentIntent.CancellationReason | undefined) ?? null;
    return pi;
  }

  function createRefund(params: Record<string, unknown>): Stripe.Refund {
    checkKnownParams(params, CREATE_REFUND_PARAMS);
    if (params.charge !== undefined) throw paramError('charge', 'parameter_unknown', 'This fake refunds by payment_intent only.');
    const piId = requireString(params, 'payment_intent');
    const reason = params.reason;
    if (reason !== undefined && (typeof reason !== 'string' || !REFUND_REASONS.has(reason))) {
      throw paramError('reason', 'parameter_invalid_string', `Invalid reason: must be one of ${[...REFUND_REASONS].join(', ')}`);
    }
    const amountParam = params.amount === undefined ? undefined : parseAmount(params.amount);
    const metadata = parseMetadata(params.metadata);
    const pi = getPaymentIntent(piId, 'payment_intent');
    if (pi.status !== 'succeeded' || typeof pi.latest_charge !== 'string') {
      throw new StripeHttpError(400, {
        type: 'invalid_request_error',
        code: 'charge_not_refundable',
        message: `This PaymentIntent (${pi.id}) does not have a successful charge to refund.`,
      });
    }
    const left = pi.amount_received - refundedOf(pi.id);
    if (left <= 0) {
      throw new StripeHttpError(400, { type: 'invalid_request_error', code: 'charge_already_refunded', message: `Charge ${pi.latest_charge} has already been refunded.` });
    }
    const amount = amountParam ?? left;
    if (amount > left) {
      throw paramError(
        'amount',
        'amount_too_large',
        `Refund amount (${formatMoney(amount, pi.currency)}) is greater than unrefunded amount on charge (${formatMoney(left, pi.currency)})`,
      );
    }
    const refund: Stripe.Refund = {
      id: randomId('re_'),
      object: 'refund',
      amount,
      balance_transaction: randomId('txn_'),
      charge: pi.latest_charge,
      created: nowSeconds(),
      currency: pi.currency,
      customer: null,
      customer_account: null,
      destination_details: { card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' }, type: 'card' } as Stripe.Refund.DestinationDetails,
      metadata,
      payment_intent: pi.id,
      payment_method: typeof pi.payment_method === 'string' ? pi.payment_method : null,
      reason: (reason as Stripe.Refund.Reason | undefined) ?? null,
      receipt_number: null,
      source_transfer_reversal: null,
      status: 'succeeded',
      transfer_reversal: null,
    };
    refunds.set(refund.id, refund);
    return refund;
  }

  function route(method: string, path: string, params: Record<string, unknown>): unknown {
    if (method === 'POST' && path === '/v1/payment_intents') return createPaymentIntent(params);
    if (method === 'POST' && path === '/v1/refunds') return createRefund(params);
    const m = /^\/v1\/payment_intents\/([^/]+)(?:\/(confirm|cancel))?$/.exec(path);
    if (m) {
      const id = decodeURIComponent(m[1]);
      if (method === 'GET' && !m[2]) return getPaymentIntent(id);
      if (method === 'POST' && m[2] === 'confirm') return confirmPaymentIntent(id, params);
      if (method === 'POST' && m[2] === 'cancel') return cancelPaymentIntent(id, params);
    }
    throw new StripeHttpError(404, {
      type: 'invalid_request_error',
      message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
    }, false);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomId('req_', 14);
    const send = (status: number, body: unknown, extra: Record<string, string> = {}) => {
      const text = JSON.stringify(body, null, 2);
      res.writeHead(status, {
        'Content-Type': 'application/json',
        'Content-Length': String(Buffer.byteLength(text)),
        'Request-Id': requestId,
        'Stripe-Version': String(req.headers['stripe-version'] ?? Stripe.API_VERSION),
        ...extra,
      });
      res.end(text);
    };
    const url = new URL(req.url ?? '/', 'http://fake-stripe');
    const method = req.method ?? 'GET';
    const text = await readBody(req);
    const params = parseStripeForm(method === 'GET' ? url.searchParams.toString() : text);
    const key = method === 'POST' && typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
    requests.push({ method, path: url.pathname, idempotencyKey: key, params });

    if (outage !== null) {
      send(outage, { error: { type: 'api_error', message: 'An unknown error occurred (simulated outage of the fake Stripe).' } });
      return;
    }
    const auth = req.headers.authorization;
    const apiKey = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
    if (!apiKey) {
      send(401, { error: { type: 'invalid_request_error', message: 'You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. \'Authorization: Bearer YOUR_SECRET_KEY\').' } });
      return;
    }
    if (!/^(sk|rk)_test_/.test(apiKey)) {
      send(401, { error: { type: 'invalid_request_error', message: `Invalid API Key provided: ${apiKey.slice(0, 8)}${'*'.repeat(Math.max(0, apiKey.length - 12))}${apiKey.slice(-4)}` } });
      return;
    }
    if (key !== null) {
      const saved = idempotent.get(key);
      if (saved) {
        if (saved.method !== method || saved.path !== url.pathname || saved.params !== canonical(params)) {
          send(400, {
            error: {
              type: 'idempotency_error',
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
            },
          });
          return;
        }
        send(saved.status, saved.body, { 'Idempotent-Replayed': 'true', 'Original-Request': saved.requestId });
        return;
      }
    }
    let status = 200;
    let body: unknown;
    let save = true;
    try {
      body = clone(route(method, url.pathname, params));
    } catch (error) {
      if (!(error instanceof StripeHttpError)) throw error;
      status = error.status;
      body = { error: { ...error.body, request_log_url: `https://dashboard.stripe.com/test/logs/${requestId}` } };
      save = error.saved;
    }
    if (key !== null && save) idempotent.set(key, { method, path: url.pathname, params: canonical(params), status, body, requestId });
    send(status, body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { type: 'api_error', message: `fake Stripe bug: ${(error as Error).message}` } }));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const makeEvent = (type: Stripe.Event.Type, object: unknown): Stripe.Event =>
    ({
      id: randomId('evt_'),
      object: 'event',
      api_version: Stripe.API_VERSION,
      created: nowSeconds(),
      data: { object: clone(object) },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    }) as unknown as Stripe.Event;

  return {
    url: `http://127.0.0.1:${port}`,
    paymentIntents,
    refunds,
    requests,
    setOutage(status) {
      outage = status;
    },
    paymentIntentEvent(id, type) {
      const pi = paymentIntents.get(id);
      if (!pi) throw new Error(`fake Stripe: no PaymentIntent ${id}`);
      return makeEvent(type, pi);
    },
    event(type, object) {
      return makeEvent(type, object);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/**
 * A webhook delivery as Stripe would send it: the JSON body and its `Stripe-Signature` header,
 * signed with the SDK's own `generateTestHeaderString`. `timestamp` (seconds or a Date; default
 * now) must be within 300 s of the app's clock: pass the ManualClock's time when a test moves it.
 */
export function signedWebhook(
  payload: object,
  opts: { secret?: string; timestamp?: number | Date } = {},
): { body: string; header: string } {
  const body = JSON.stringify(payload);
  const timestamp = opts.timestamp instanceof Date ? Math.floor(opts.timestamp.getTime() / 1000) : opts.timestamp;
  const header = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: opts.secret ?? TEST_WEBHOOK_SECRET, timestamp });
  return { body, header };
}

/**
 * The Stripe API tests should use: stripe-mock at `STRIPE_MOCK_URL` when set (e.g. from
 * docker-compose), otherwise a fresh fake. `fake` is only there for the fake (stateful checks).
 */
export async function stripeTestUrl(): Promise<{ url: string; close(): Promise<void>; fake?: FakeStripe }> {
  const mock = process.env.STRIPE_MOCK_URL;
  if (mock) return { url: mock.replace(/\/+$/, ''), close: async () => undefined };
  const fake = await startFakeStripe();
  return { url: fake.url, close: () => fake.close(), fake };
}
