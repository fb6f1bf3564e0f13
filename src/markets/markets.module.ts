import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyService } from '../common/idempotency.js';
import { PaymentsModule } from '../payments/payments.module.js';
import { STALL_CREDIT_PORT } from '../reconciliation/stall-credit.port.js';
import { MarketEntity } from './market.entity.js';
import { MarketStatsController } from './market-stats.controller.js';
import { MarketStatsService } from './market-stats.service.js';
import { MarketTransactionsController } from './market-transactions.controller.js';
import { MarketsController } from './markets.controller.js';
import { MarketsService } from './markets.service.js';
import { StallEntity } from './stall.entity.js';
import { StallPaymentsService } from './stall-payments.service.js';
import { StallTransactionsService } from './stall-transactions.service.js';
import { StallsController } from './stalls.controller.js';
import { StallsService } from './stalls.service.js';

/**
 * 4.0 markets: markets, stalls, static stall QR codes and printable cards, stall transactions and
 * cashless statistics (see SPEC "4.0 markets").
 *
 * Global so that the reconciliation module finds `STALL_CREDIT_PORT` (StallPaymentsService: bank
 * credits to a stall's account become its `qr` transactions) without importing this module.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([MarketEntity, StallEntity]), PaymentsModule],
  // MarketStatsController first: its GET /markets/stats must be registered before GET /markets/:id.
  controllers: [MarketStatsController, MarketsController, StallsController, MarketTransactionsController],
  providers: [
    MarketsService,
    StallsService,
    StallTransactionsService,
    StallPaymentsService,
    MarketStatsService,
    IdempotencyService,
    { provide: STALL_CREDIT_PORT, useExisting: StallPaymentsService },
  ],
  exports: [MarketsService, StallPaymentsService, STALL_CREDIT_PORT],
})
export class MarketsModule {}
