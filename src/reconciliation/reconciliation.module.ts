import { Module } from '@nestjs/common';
import { CooperativesModule } from '../cooperatives/cooperatives.module.js';
import { OrdersModule } from '../orders/orders.module.js';
import { BankTransactionsService } from './bank-transactions.service.js';
import { ReconciliationController } from './reconciliation.controller.js';
import { ReconciliationService } from './reconciliation.service.js';
import { StatementImportService } from './statement-import.service.js';

@Module({
  imports: [OrdersModule, CooperativesModule],
  controllers: [ReconciliationController],
  providers: [BankTransactionsService, ReconciliationService, StatementImportService],
  exports: [BankTransactionsService],
})
export class ReconciliationModule {}
