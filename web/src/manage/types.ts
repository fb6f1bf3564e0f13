/** The API shapes the dashboard reads (src/markets/dto, OpenAPI at /docs). */
// The figures are the server's own type (pure code, type-only: nothing of the server is bundled).
import type { Figures } from '../../../src/markets/market-stats.js';
export type { Figures };

export interface StallCounts {
  total: number;
  inactive: number;
  qrEnabled: number;
  qrEnabledShare: number | null;
  active: number;
  activeShare: number | null;
}

export interface SeriesPoint extends Figures {
  period: string;
  from: string;
  to: string;
}

export interface CategoryStats extends Figures {
  category: string;
  label: string;
  stalls: StallCounts;
}

export interface StallStats extends Figures {
  stallId: string;
  code: string;
  vendorName: string;
  category: string;
  categoryLabel: string;
  qrEnabled: boolean;
  status: string;
}

export interface MarketStats {
  marketId: string;
  marketName: string;
  from: string;
  to: string;
  granularity: 'day' | 'week' | 'month';
  timeZone: string;
  stalls: StallCounts;
  totals: Figures;
  series: SeriesPoint[];
  byCategory: CategoryStats[];
  topStalls: StallStats[];
}

export interface Market {
  id: string;
  name: string;
  provinceName: string;
  communeName: string;
  address: string;
}

export interface Stall {
  id: string;
  code: string;
  vendorName: string;
  vendorPhone: string | null;
  category: string;
  categoryLabel: string;
  bankAccount: { bankBin: string; bankName: string; accountNumber: string; accountName: string } | null;
  qrEnabled: boolean;
  status: string;
}
