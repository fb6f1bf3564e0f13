/**
 * Stripe SDK errors → domain errors (SPEC "Conventions": 400 / 404 / 409 / 503).
 *
 * Stripe's API answers with `{ error: { type, code, message, param } }` and an HTTP status; the SDK
 * turns that into a `StripeError` subclass (see stripe/esm/Error.js `generateV1Error`):
 *   400/404 + type idempotency_error → StripeIdempotencyError   → Conflict 409 (key reused with other parameters)
 *   400/404                          → StripeInvalidRequestError → InvalidInput 400 naming our field, NotFound 404
 *                                                                  for resource_missing, Conflict 409 for state codes
 *   402                              → StripeCardError           → Conflict 409 (the card was declined…)
 *   401/403                          → Authentication/Permission → Unavailable 503 (our key is wrong: an operator
 *                                                                  problem, not the buyer's)
 *   429                              → StripeRateLimitError      → Unavailable 503
 *   5xx, unknown                     → StripeAPIError            → Unavailable 503
 *   no answer (refused, reset, timeout) → StripeConnectionError  → Unavailable 503
 * The SDK has already retried (maxNetworkRetries) what is safe to retry when these surface.
 * Anything that is not a StripeError is returned unchanged (a bug, mapped to 500 by the filter).
 */
import { Conflict, DomainError, InvalidInput, Unavailable } from '../../common/errors.js';

/** The fields of a StripeError this mapping reads (duck-typed, so tests need not build SDK errors). */
export interface StripeErrorLike {
  type?: string;
  rawType?: string;
  statusCode?: number;
  code?: string;
  param?: string;
  message: string;
  decline_code?: string;
}

/** Stripe error codes that describe the object's state, not the request: 409. */
const STATE_CODES = new Set([
  'payment_intent_unexpected_state',
  'charge_already_refunded',
  'charge_not_refundable',
  'charge_already_captured',
  'charge_disputed',
  'charge_expired_for_capture',
  'refund_disputed_payment',
]);

/** Stripe parameter names → our input field names. */
const FIELD_OF_PARAM: Record<string, string> = {
  amount: 'amountVnd',
  currency: 'currency',
  description: 'description',
  payment_intent: 'paymentIntentId',
  intent: 'paymentIntentId',
  reason: 'reason',
};

function fieldOf(param: string | undefined): string {
  if (!param) return 'stripe';
  if (param.startsWith('metadata')) return 'metadata';
  return FIELD_OF_PARAM[param] ?? param;
}

function isStripeError(error: unknown): error is StripeErrorLike {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as StripeErrorLike).type === 'string' &&
    (error as StripeErrorLike).type!.startsWith('Stripe') &&
    typeof (error as StripeErrorLike).message === 'string'
  );
}

/** Maps an error thrown by the Stripe SDK during `operation` (e.g. "create the PaymentIntent"). */
export function toDomainError(error: unknown, operation: string): unknown {
  if (error instanceof DomainError || !isStripeError(error)) return error;
  const message = error.message.split('\n')[0].trim();
  switch (error.type) {
    case 'StripeConnectionError':
      return new Unavailable(`Card payments are unavailable: could not reach Stripe to ${operation} (${message})`);
    case 'StripeAPIError':
      return new Unavailable(`Card payments are unavailable: Stripe failed to ${operation}${error.statusCode ? ` (HTTP ${error.statusCode})` : ''}: ${message}`);
    case 'StripeRateLimitError':
      return new Unavailable(`Card payments are briefly unavailable: Stripe is rate limiting requests (${operation}); retry shortly`);
    case 'StripeAuthenticationError':
    case 'StripePermissionError':
      return new Unavailable(`Card payments are unavailable: Stripe refused the platform's credentials (${operation})`);
    case 'StripeIdempotencyError':
      return new Conflict(`Idempotency key already used with different parameters (${operation}): ${message}`, 'idempotency_key_reused');
    case 'StripeCardError':
      return new Conflict(`The card payment failed: ${message}`, error.decline_code || error.code || 'card_declined');
    case 'StripeInvalidRequestError': {
      if (error.statusCode === 404 || error.code === 'resource_missing') {
        return new DomainError('not_found', `Stripe could not ${operation}: ${message}`, undefined, 'not_found');
      }
      if (error.code && STATE_CODES.has(error.code)) {
        return new Conflict(`Stripe could not ${operation}: ${message}`, error.code);
      }
      return new InvalidInput([{ field: fieldOf(error.param), problem: message }], `Stripe rejected the request to ${operation}: ${message}`);
    }
    default:
      return new Unavailable(`Card payments are unavailable: unexpected Stripe error while trying to ${operation} (${error.type}: ${message})`);
  }
}
