import { ApiProperty } from '@nestjs/swagger';

/** The answer to Stripe (any 2xx stops redelivery; the body is for logs and humans). */
export class StripeWebhookAckDto {
  @ApiProperty({ example: true }) received!: true;
  @ApiProperty({ example: 'evt_1NirD82eZvKYlo2CIvbtLWuY' }) eventId!: string;
  @ApiProperty({ example: 'payment_intent.succeeded' }) type!: string;
  @ApiProperty({ example: true, description: 'false: no handler for this event type; acknowledged and ignored' }) handled!: boolean;
}
