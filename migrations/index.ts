/** Every migration, in order. The only source of the schema (synchronize is never on). */
import { Foundation1764201600000 } from './1764201600000-Foundation.js';
import { Orders1764288000000 } from './1764288000000-Orders.js';
import { Markets1764374400000 } from './1764374400000-Markets.js';
import { Reconciliation1764460800000 } from './1764460800000-Reconciliation.js';
import { CatalogTuning1764547200000 } from './1764547200000-CatalogTuning.js';
import { TransferIdentity1764633600000 } from './1764633600000-TransferIdentity.js';
import { BankFeeds1764720000000 } from './1764720000000-BankFeeds.js';
import { ProductPhotos1764806400000 } from './1764806400000-ProductPhotos.js';
import { SearchRanking1764892800000 } from './1764892800000-SearchRanking.js';
import { MarketActivity1764892800001 } from './1764892800001-MarketActivity.js';
import { JobQueue1764979200000 } from './1764979200000-JobQueue.js';
import { DurableImports1765065600000 } from './1765065600000-DurableImports.js';
import { SellerCenter1765152000000 } from './1765152000000-SellerCenter.js';

export const MIGRATIONS = [Foundation1764201600000, Orders1764288000000, Markets1764374400000, Reconciliation1764460800000, CatalogTuning1764547200000, TransferIdentity1764633600000, BankFeeds1764720000000, ProductPhotos1764806400000, SearchRanking1764892800000, MarketActivity1764892800001, JobQueue1764979200000, DurableImports1765065600000, SellerCenter1765152000000];
