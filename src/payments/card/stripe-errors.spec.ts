import Stripe from 'stripe';
import { Conflict, DomainError, InvalidInput, NotFound } from '../../common/errors.js';
import { toDomainError } from './stripe-errors.js';

// The SDK's own error classes, built the way RequestSender builds them from Stripe's answers.
const E = Stripe.errors;
const raw = (statusCode: number, error: Record<string, unknown>) => ({ statusCode, message: 'x', ...error }) as never;

describe('toDomainError (Stripe SDK errors → domain errors)', () => {
  it.each<[string, unknown, { kind: DomainError['kind']; code?: string; message?: RegExp | string }]>([
    ['connection refused / timeout', new E.StripeConnectionError({ message: 'An error occurred with our connection to Stripe. Request was retried 2 times.' }), { kind: 'unavailable', code: 'unavailable', message: /^Card payments are unavailable: could not reach Stripe to create the PaymentIntent/ }],
    ['a 500 from Stripe', E.StripeError.generate(raw(500, { type: 'api_error', message: 'An unknown error occurred' })), { kind: 'unavailable', message: /Stripe failed to create the PaymentIntent \(HTTP 500\): An unknown error occurred$/ }],
    ['a 503 from Stripe', E.StripeError.generate(raw(503, { type: 'api_error' })), { kind: 'unavailable' }],
    ['rate limited (429)', E.StripeError.generate(raw(429, { type: 'invalid_request_error', code: 'rate_limit' })), { kind: 'unavailable', message: /rate limiting/ }],
    ['a wrong API key (401)', E.StripeError.generate(raw(401, { type: 'invalid_request_error', message: 'Invalid API Key provided: sk_live_****' })), { kind: 'unavailable', message: /refused the platform's credentials/ }],
    ['a restricted key (403)', E.StripeError.generate(raw(403, { type: 'invalid_request_error' })), { kind: 'unavailable' }],
    ['an idempotency key reused with other parameters', E.StripeError.generate(raw(400, { type: 'idempotency_error', message: "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than 'k' if you meant to execute a different request." })), { kind: 'conflict', code: 'idempotency_key_reused' }],
    ['a declined card (402)', E.StripeError.generate(raw(402, { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' })), { kind: 'conflict', code: 'insufficient_funds', message: 'The card payment failed: Your card has insufficient funds.' }],
    ['a declined card without decline code', E.StripeError.generate(raw(402, { type: 'card_error', code: 'expired_card', message: 'Your card has expired.' })), { kind: 'conflict', code: 'expired_card' }],
    ['an unknown object in the URL (404)', E.StripeError.generate(raw(404, { type: 'invalid_request_error', code: 'resource_missing', param: 'intent', message: "No such payment_intent: 'pi_x'" })), { kind: 'not_found', message: "Stripe could not create the PaymentIntent: No such payment_intent: 'pi_x'" }],
    ['an unknown object in a parameter (400 resource_missing)', E.StripeError.generate(raw(400, { type: 'invalid_request_error', code: 'resource_missing', param: 'payment_intent' })), { kind: 'not_found' }],
    ['a PaymentIntent in the wrong state', E.StripeError.generate(raw(400, { type: 'invalid_request_error', code: 'payment_intent_unexpected_state', message: 'You cannot cancel this PaymentIntent because it has a status of succeeded.' })), { kind: 'conflict', code: 'payment_intent_unexpected_state' }],
    ['a charge already refunded', E.StripeError.generate(raw(400, { type: 'invalid_request_error', code: 'charge_already_refunded' })), { kind: 'conflict', code: 'charge_already_refunded' }],
  ])('%s', (_name, error, expected) => {
    const mapped = toDomainError(error, 'create the PaymentIntent') as DomainError;
    expect(mapped).toBeInstanceOf(DomainError);
    const { message, ...rest } = expected;
    expect(mapped).toMatchObject(rest);
    if (message !== undefined) expect(mapped.message).toMatch(message);
  });

  it.each([
    ['amount', 'amountVnd'],
    ['currency', 'currency'],
    ['payment_intent', 'paymentIntentId'],
    ['metadata[orderId]', 'metadata'],
    ['statement_descriptor', 'statement_descriptor'],
    [undefined, 'stripe'],
  ])('a rejected parameter %s is a 400 on our field %s, with Stripe\'s message', (param, field) => {
    const error = E.StripeError.generate(raw(400, { type: 'invalid_request_error', code: 'parameter_invalid_integer', param, message: 'Invalid integer: 1.5\nmore advice' }));
    const mapped = toDomainError(error, 'refund the PaymentIntent');
    expect(mapped).toBeInstanceOf(InvalidInput);
    expect((mapped as InvalidInput).details).toEqual([{ field, problem: 'Invalid integer: 1.5' }]);
  });

  it('leaves domain errors and non-Stripe errors unchanged', () => {
    const domain = new NotFound('Order', '1');
    const conflict = new Conflict('x');
    const bug = new TypeError('undefined is not a function');
    expect(toDomainError(domain, 'op')).toBe(domain);
    expect(toDomainError(conflict, 'op')).toBe(conflict);
    expect(toDomainError(bug, 'op')).toBe(bug);
    expect(toDomainError('a string', 'op')).toBe('a string');
  });
});
