/**
 * Stripe, through the official SDK: PaymentIntents and refunds in VND, webhook verification, and a
 * registry of webhook event handlers.
 *
 * - VND is a zero-decimal currency at Stripe: `amount` is the number of đồng (amountVnd), never ×100.
 * - Card only: `allowed_payment_method_types: ['card']` (the create parameter that replaced
 *   `payment_method_types` in API version 2026-09-30, pinned by stripe-node 23).
 * - `STRIPE_API_BASE` (stripe-mock in development, the local fake in tests) replaces
 *   https://api.stripe.com; only its scheme, host and port are used (the SDK adds /v1/…).
 * - The SDK retries network failures, 409 and 5xx answers up to `STRIPE_MAX_NETWORK_RETRIES`
 *   times with backoff; every POST carries an Idempotency-Key (ours, or one the SDK generates), so a
 *   retry never creates a second object. Callers pass a key derived from their own operation
 *   (e.g. `checkout:<checkoutId>:<orderId>`) so that retrying the whole use case is safe too.
 * - Failures are domain errors (see ./stripe-errors.ts): Stripe unreachable or failing → Unavailable
 *   (503); a rejected parameter → InvalidInput naming our field (400); a wrong state or a reused
 *   idempotency key → Conflict (409).
 * - Webhooks: `constructEvent` verifies the `Stripe-Signature` header (HMAC-SHA256 of the raw body
 *   with STRIPE_WEBHOOK_SECRET, timestamp within 300 s of the injected clock). Other modules
 *   register what an event does with `onEvent(type, handler)`, typically in their `onModuleInit`.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import Stripe from 'stripe';
import { Clock } from '../../common/clock.js';
import { DomainError, InvalidInput } from '../../common/errors.js';
import { APP_CONFIG, type AppConfig, ConfigError } from '../../config/config.js';
import { toDomainError } from './stripe-errors.js';

export const STRIPE_MAX_NETWORK_RETRIES = 2;
/** Per attempt. Checkout waits on this, so it is far below the SDK's default of 80 s. */
export const STRIPE_TIMEOUT_MS = 10_000;
/** Stripe's default signature tolerance: an event signed more than 5 minutes ago is refused (replay). */
export const STRIPE_WEBHOOK_TOLERANCE_SECONDS = 300;
/** Stripe's limit on Idempotency-Key length. */
export const STRIPE_IDEMPOTENCY_KEY_MAX_LENGTH = 255;

export type StripeRefundReason = 'duplicate' | 'fraudulent' | 'requested_by_customer';

export interface CreatePaymentIntentInput {
  orderId: string;
  /** Whole VND, > 0: sent as `amount` unchanged (VND is zero-decimal). */
  amountVnd: number;
  description: string;
  /** Extra metadata (string values); `orderId` is always added and wins. */
  metadata?: Record<string, string>;
}

/** What the platform needs of a PaymentIntent. */
export interface CardPaymentIntent {
  id: string;
  /** For Stripe.js on the buyer's device; never log it. Null only if Stripe withholds it. */
  clientSecret: string | null;
  status: Stripe.PaymentIntent.Status;
  amountVnd: number;
  amountReceivedVnd: number;
  currency: string;
  metadata: Record<string, string>;
  latestChargeId: string | null;
}

export interface CreateRefundInput {
  paymentIntentId: string;
  /** Whole VND, > 0, at most what is left to refund. */
  amountVnd: number;
  reason?: StripeRefundReason;
  metadata?: Record<string, string>;
}

export interface CardRefund {
  id: string;
  /** pending | requires_action | succeeded | failed | canceled */
  status: string;
  amountVnd: number;
  paymentIntentId: string | null;
}

/** A Stripe event of type T, with `data.object` typed accordingly (e.g. a PaymentIntent). */
export type StripeEventOf<T extends Stripe.Event.Type> = Extract<Stripe.Event, { type: T }>;
export type StripeEventHandler<T extends Stripe.Event.Type = Stripe.Event.Type> = (event: StripeEventOf<T>) => Promise<void>;

/** Parses STRIPE_API_BASE into the SDK's host/port/protocol options. */
export function stripeHostOptions(apiBase: string | undefined): Pick<Stripe.StripeConfig, 'host' | 'port' | 'protocol'> {
  if (!apiBase) return {};
  const url = new URL(apiBase);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`Invalid configuration: STRIPE_API_BASE must be an http:// or https:// URL, found ${url.protocol}`);
  }
  if (url.pathname !== '/' && url.pathname !== '') {
    throw new ConfigError('Invalid configuration: STRIPE_API_BASE must be scheme, host and port only (the SDK adds /v1/…), e.g. http://localhost:12111');
  }
  const protocol = url.protocol === 'https:' ? 'https' : 'http';
  return {
    protocol,
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : protocol === 'https' ? 443 : 80,
  };
}

function checkIdempotencyKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > STRIPE_IDEMPOTENCY_KEY_MAX_LENGTH) {
    throw InvalidInput.field('idempotencyKey', `must be a string of 1 to ${STRIPE_IDEMPOTENCY_KEY_MAX_LENGTH} characters`);
  }
}

function checkAmount(amountVnd: number): void {
  if (typeof amountVnd !== 'number' || !Number.isSafeInteger(amountVnd) || amountVnd < 1) {
    throw InvalidInput.field('amountVnd', 'must be a whole number of VND greater than 0');
  }
}

function idOf(ref: string | { id: string } | null | undefined): string | null {
  return ref == null ? null : typeof ref === 'string' ? ref : ref.id;
}

function toCardPaymentIntent(pi: Stripe.PaymentIntent): CardPaymentIntent {
  return {
    id: pi.id,
    clientSecret: pi.client_secret ?? null,
    status: pi.status,
    amountVnd: pi.amount,
    amountReceivedVnd: pi.amount_received ?? 0,
    currency: pi.currency,
    metadata: { ...(pi.metadata ?? {}) },
    latestChargeId: idOf(pi.latest_charge),
  };
}

@Injectable()
export class StripeGateway {
  private readonly logger = new Logger(StripeGateway.name);
  private readonly stripe: Stripe;
  private readonly handlers = new Map<string, StripeEventHandler[]>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.stripe = new Stripe(config.stripeApiKey, {
      ...stripeHostOptions(config.stripeApiBase),
      maxNetworkRetries: STRIPE_MAX_NETWORK_RETRIES,
      timeout: STRIPE_TIMEOUT_MS,
      appInfo: { name: 'ocop-market' },
    });
  }

  /** Creates a card PaymentIntent in VND for one order. Same key + same input → the same PaymentIntent. */
  async createPaymentIntent(input: CreatePaymentIntentInput, idempotencyKey: string): Promise<CardPaymentIntent & { clientSecret: string }> {
    checkIdempotencyKey(idempotencyKey);
    checkAmount(input.amountVnd);
    if (typeof input.orderId !== 'string' || input.orderId.length === 0) throw InvalidInput.field('orderId', 'is required');
    const pi = await this.call('create the PaymentIntent', () =>
      this.stripe.paymentIntents.create(
        {
          amount: input.amountVnd,
          currency: 'vnd',
          // Card only. Since API version 2026-09-30 (stripe-node 23) this is `allowed_payment_method_types`;
          // `payment_method_types` is no longer accepted on create (it remains on the returned object).
          allowed_payment_method_types: ['card'],
          description: input.description,
          metadata: { ...(input.metadata ?? {}), orderId: input.orderId },
        },
        { idempotencyKey },
      ),
    );
    const result = toCardPaymentIntent(pi);
    if (!result.clientSecret) throw toDomainError({ type: 'StripeAPIError', message: 'no client_secret in the PaymentIntent' }, 'create the PaymentIntent');
    return { ...result, clientSecret: result.clientSecret };
  }

  async retrievePaymentIntent(id: string): Promise<CardPaymentIntent> {
    this.checkId(id, 'pi_', 'paymentIntentId');
    return toCardPaymentIntent(await this.call('read the PaymentIntent', () => this.stripe.paymentIntents.retrieve(id)));
  }

  /** Cancels a PaymentIntent that has not succeeded (e.g. the order expired): 409 if it already succeeded. */
  async cancelPaymentIntent(id: string): Promise<CardPaymentIntent> {
    this.checkId(id, 'pi_', 'paymentIntentId');
    return toCardPaymentIntent(await this.call('cancel the PaymentIntent', () => this.stripe.paymentIntents.cancel(id)));
  }

  /** Refunds (part of) a succeeded PaymentIntent. Same key + same input → the same refund. */
  async createRefund(input: CreateRefundInput, idempotencyKey: string): Promise<CardRefund> {
    checkIdempotencyKey(idempotencyKey);
    checkAmount(input.amountVnd);
    this.checkId(input.paymentIntentId, 'pi_', 'paymentIntentId');
    const refund = await this.call('refund the PaymentIntent', () =>
      this.stripe.refunds.create(
        {
          payment_intent: input.paymentIntentId,
          amount: input.amountVnd,
          ...(input.reason ? { reason: input.reason } : {}),
          metadata: { ...(input.metadata ?? {}) },
        },
        { idempotencyKey },
      ),
    );
    return { id: refund.id, status: refund.status ?? 'pending', amountVnd: refund.amount, paymentIntentId: idOf(refund.payment_intent) };
  }

  /**
   * Verifies a webhook delivery and returns its event. `rawBody` must be the bytes Stripe sent
   * (app.factory keeps them as `req.rawBody`); a re-serialised body never verifies.
   * Missing or wrong signature, or a timestamp older than 300 s → InvalidInput on `Stripe-Signature` (400).
   */
  constructEvent(rawBody: Buffer | undefined, signatureHeader: string | string[] | undefined): Stripe.Event {
    const header = Array.isArray(signatureHeader) ? signatureHeader.join(',') : signatureHeader;
    if (!header || header.trim() === '') throw InvalidInput.field('Stripe-Signature', 'header is missing');
    if (!rawBody || rawBody.length === 0) {
      throw InvalidInput.field('body', 'must be the JSON event exactly as Stripe sent it (Content-Type: application/json)');
    }
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(
        rawBody,
        header,
        this.config.stripeWebhookSecret,
        STRIPE_WEBHOOK_TOLERANCE_SECONDS,
        undefined,
        this.clock.now().getTime(),
      );
    } catch (error) {
      const e = error as { type?: string; message?: string };
      if (e?.type !== 'StripeSignatureVerificationError') throw error;
      throw InvalidInput.field('Stripe-Signature', signatureProblem(e.message ?? ''));
    }
    if (typeof event?.id !== 'string' || typeof event.type !== 'string') {
      throw InvalidInput.field('body', 'is not a Stripe event (id and type are required)');
    }
    // Handlers read event.data.object: a signed body without one is refused, not a handler crash
    // (a 500 would have Stripe redeliver it for days).
    const object = (event as { data?: { object?: unknown } }).data?.object;
    if (!object || typeof object !== 'object' || Array.isArray(object)) throw InvalidInput.field('data.object', 'must be the object the event is about');
    return event;
  }

  /**
   * Registers what an event type does (several handlers per type run in registration order).
   * Call it from the owning module's `onModuleInit`. A handler that throws makes the webhook answer
   * 500 so Stripe redelivers; to drop an event (e.g. an unknown order) return normally.
   * Stripe delivers at least once and in any order: handlers must be idempotent — storing processed
   * event ids (and checking the object's current state) is the handler owner's job.
   * Returns a function that unregisters the handler.
   */
  onEvent<T extends Stripe.Event.Type>(type: T, handler: StripeEventHandler<T>): () => void {
    // Stored untyped: dispatchEvent only calls it with events of this type.
    const registered = handler as unknown as StripeEventHandler;
    this.handlers.set(type, [...(this.handlers.get(type) ?? []), registered]);
    return () => {
      this.handlers.set(type, (this.handlers.get(type) ?? []).filter((h) => h !== registered));
    };
  }

  /** Runs the handlers of `event.type` in order; returns how many ran (0: nobody handles this type). */
  async dispatchEvent(event: Stripe.Event): Promise<number> {
    const list = [...(this.handlers.get(event.type) ?? [])];
    for (const handler of list) {
      await handler(event);
    }
    return list.length;
  }

  /** Event types that have at least one handler. */
  handledEventTypes(): string[] {
    return [...this.handlers.entries()].filter(([, list]) => list.length > 0).map(([type]) => type);
  }

  private checkId(id: string, prefix: string, field: string): void {
    if (typeof id !== 'string' || !id.startsWith(prefix) || id.length > 255 || /[^A-Za-z0-9_]/.test(id)) {
      throw InvalidInput.field(field, `must be a Stripe id starting with ${prefix}`);
    }
  }

  private async call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const mapped = toDomainError(error, operation);
      const e = error as { type?: string; statusCode?: number; code?: string; requestId?: string; message?: string };
      const level = mapped instanceof DomainError && mapped.kind === 'unavailable' ? 'error' : 'warn';
      this.logger[level](
        { stripeError: e?.type, statusCode: e?.statusCode, code: e?.code, requestId: e?.requestId, message: e?.message?.split('\n')[0] },
        `Stripe: could not ${operation}`,
      );
      throw mapped;
    }
  }
}

/** A short problem for a failed signature check (the SDK's messages run to several lines of advice). */
function signatureProblem(message: string): string {
  if (message.startsWith('Timestamp outside the tolerance zone')) {
    return `is older than ${STRIPE_WEBHOOK_TOLERANCE_SECONDS} seconds (replayed or delayed delivery)`;
  }
  if (message.startsWith('Unable to extract timestamp and signatures') || message.startsWith('No signatures found with expected scheme')) {
    return 'is malformed: expected t=<timestamp>,v1=<signature>';
  }
  if (message.startsWith('No signatures found matching')) {
    return 'does not match the body (wrong signing secret, or the body was altered)';
  }
  return message.split('\n')[0];
}
