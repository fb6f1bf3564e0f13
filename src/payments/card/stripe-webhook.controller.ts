import { Controller, Headers, HttpCode, InternalServerErrorException, Logger, Post, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiInternalServerErrorResponse, ApiSecurity, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../../auth/decorators.js';
import { ErrorResponse } from '../../common/api-docs.js';
import { StripeWebhookAckDto } from './dto/stripe-webhook.dto.js';
import { StripeGateway } from './stripe.gateway.js';

/**
 * Stripe webhook endpoint: verify, then hand the event to the handlers other modules registered
 * with `StripeGateway.onEvent` (orders: payment_intent.succeeded / payment_failed, charge.refunded).
 *
 * - Bad or missing `Stripe-Signature` → 400 (Stripe shows it in the dashboard and retries; a forger
 *   learns nothing).
 * - No handler for the type → 200, ignored (the endpoint may be subscribed to more than we use).
 * - A handler fails → 500, so Stripe redelivers (with backoff, for up to three days).
 * Event-level idempotency (processed event ids, ignoring stale events that arrive out of order) is
 * the handlers' job, in the same transaction as their effect: it is not done here.
 */
@ApiTags('webhooks')
@Controller('webhooks')
export class StripeWebhookController {
  private readonly logger = new Logger(StripeWebhookController.name);

  constructor(private readonly stripe: StripeGateway) {}

  @Post('stripe')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Stripe webhook (called by Stripe)',
    description: 'Verifies the Stripe-Signature header against the raw body (STRIPE_WEBHOOK_SECRET, 300 s tolerance), then applies the event.',
  })
  @ApiSecurity('stripe-signature')
  @ApiBody({ description: 'A Stripe Event object, exactly as Stripe sent it', schema: { type: 'object', additionalProperties: true } })
  @ApiOkResponse({ type: StripeWebhookAckDto, description: 'Accepted (also for event types nobody handles)' })
  @ApiBadRequestResponse({ description: 'Missing or invalid Stripe-Signature, or a body that is not the raw JSON event', type: ErrorResponse })
  @ApiInternalServerErrorResponse({ description: 'A handler failed; Stripe will redeliver', type: ErrorResponse })
  async receive(
    @Req() req: FastifyRequest,
    @Headers('stripe-signature') signature: string | undefined,
  ): Promise<StripeWebhookAckDto> {
    const event = this.stripe.constructEvent(req.rawBody, signature);
    let handled: number;
    try {
      handled = await this.stripe.dispatchEvent(event);
    } catch (error) {
      this.logger.error({ err: error, eventId: event.id, eventType: event.type }, 'Stripe webhook handler failed; answering 500 so Stripe redelivers');
      throw new InternalServerErrorException(`Handling ${event.type} ${event.id} failed; Stripe will redeliver it`);
    }
    if (handled === 0) this.logger.debug({ eventId: event.id, eventType: event.type }, 'Stripe event type without handler: acknowledged');
    return { received: true, eventId: event.id, type: event.type, handled: handled > 0 };
  }
}
