import { BanksModule } from './banks/banks.module.js';
import { CatalogModule } from './catalog/catalog.module.js';
import { CooperativesModule } from './cooperatives/cooperatives.module.js';
import { LedgerModule } from './ledger/ledger.module.js';
import { MarketsModule } from './markets/markets.module.js';
import { MediaModule } from './media/media.module.js';
import { OrdersModule } from './orders/orders.module.js';
import { PaymentsModule } from './payments/payments.module.js';
import { BankFeedsModule } from './reconciliation/feeds/bank-feeds.module.js';
import { ReconciliationModule } from './reconciliation/reconciliation.module.js';
import { RegionsModule } from './regions/regions.module.js';
import { WebModule } from './web/web.module.js';

/** The feature modules (bounded contexts), in one list so app.module stays short. */
export const FEATURE_MODULES = [RegionsModule, BanksModule, CooperativesModule, CatalogModule, MediaModule, PaymentsModule, LedgerModule, OrdersModule, MarketsModule, ReconciliationModule, BankFeedsModule, WebModule];
