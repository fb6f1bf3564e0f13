import { BanksModule } from './banks/banks.module.js';
import { CooperativesModule } from './cooperatives/cooperatives.module.js';
import { RegionsModule } from './regions/regions.module.js';

/** The feature modules (bounded contexts), in one list so app.module stays short. */
export const FEATURE_MODULES = [RegionsModule, BanksModule, CooperativesModule];
