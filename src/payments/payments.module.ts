import { Module } from '@nestjs/common';
import { StripeWebhookController } from './card/stripe-webhook.controller.js';
import { StripeGateway } from './card/stripe.gateway.js';
import { QrImageService } from './vietqr/qr-image.js';
import { VietQrController } from './vietqr/vietqr.controller.js';

/**
 * Payments: the VietQR codec endpoints and QR images (vietqr/), Stripe card payments (card/).
 * Exports `QrImageService` (order and stall QR images) and `StripeGateway` (PaymentIntents,
 * refunds, webhook handler registry) for the orders and markets modules.
 */
@Module({
  controllers: [VietQrController, StripeWebhookController],
  providers: [QrImageService, StripeGateway],
  exports: [QrImageService, StripeGateway],
})
export class PaymentsModule {}
