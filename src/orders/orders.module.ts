import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module.js';
import { IdempotencyService } from '../common/idempotency.js';
import { CooperativesModule } from '../cooperatives/cooperatives.module.js';
import { PaymentsModule } from '../payments/payments.module.js';
import { CardPaymentsService } from './card-payments.service.js';
import { RefundsService } from './refunds.service.js';
import { OrderExpiryScheduler } from './order-expiry.scheduler.js';
import { OrdersController } from './orders.controller.js';
import { OrdersService } from './orders.service.js';

@Module({
  imports: [CatalogModule, CooperativesModule, PaymentsModule],
  controllers: [OrdersController],
  providers: [OrdersService, OrderExpiryScheduler, IdempotencyService, CardPaymentsService, RefundsService],
  exports: [OrdersService],
})
export class OrdersModule {}
