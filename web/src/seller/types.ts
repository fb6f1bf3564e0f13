/** The API shapes the seller center reads (OpenAPI at /docs). */
import type { Order as ShopOrder, Photo, Product as ShopProduct } from '../shop/types.js';
export type { Page } from '../lib/pager.js';
export type { Photo };

export interface Product extends ShopProduct {
  sku: string;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
}

export interface Order extends ShopOrder {
  items: Array<ShopOrder['items'][number] & { sku: string }>;
  payment: ShopOrder['payment'] & { refundedVnd: number };
  updatedAt: string;
}

/** A photo as its owner sees it (GET /products/:id/images): every status, with why it failed. */
export interface SellerPhoto {
  id: string;
  position: number;
  status: 'processing' | 'ready' | 'failed';
  sizes: Record<string, string> | null;
  width: number | null;
  height: number | null;
  failureReason: string | null;
}

export interface Me {
  keyId: string;
  role: 'admin' | 'cooperative' | 'market_manager';
  cooperativeId: string | null;
  marketIds: string[];
}

export interface Cooperative {
  id: string;
  name: string;
  taxCode: string;
  provinceName: string;
  communeName: string;
  address: string;
  phone: string | null;
  bankAccount: { bankBin: string; bankName: string; accountNumber: string; accountName: string };
}

export interface Balance {
  heldForCooperativeVnd: number;
  owedToBuyersVnd: number;
  dueFromCooperativeVnd: number;
  netPayableVnd: number;
}

export interface Transfer {
  id: string;
  source: string;
  gateway: string | null;
  accountNumber: string;
  amountVnd: number;
  content: string;
  referenceCode: string | null;
  bookedAt: string;
  outcome: string;
  outcomeReason: string | null;
  orderId: string | null;
  orderCode?: string | null;
  amountAppliedVnd: number;
  amountToRefundVnd: number;
  receivedAt: string;
  /** Why a person must look at it (a bank reversal, a possible duplicate), else null. */
  reviewReason?: string | null;
}

export interface Decision {
  id: string;
  action: 'match' | 'ignore' | 'reopen';
  orderId: string | null;
  reason: string | null;
  previousOutcome: string;
  actorKeyId: string;
  actorRole: string;
  createdAt: string;
}

export interface TransferDetail extends Transfer {
  decisions: Decision[];
}

/** The server's own shape (type only: nothing of the server is bundled). */
export type { LedgerJournalView as LedgerJournal } from '../../../src/ledger/ledger-views.js';

export interface Refund {
  id: string;
  orderId: string;
  orderCode: string;
  method: string;
  status: string;
  amountVnd: number;
  reason: string | null;
  buyerName: string;
  buyerPhone: string;
  createdAt: string;
}

export interface StatementImport {
  id: string;
  filename: string;
  format: string;
  status: 'processing' | 'completed' | 'failed';
  linesRead: number;
  inserted: number;
  duplicates: number;
  matched: number;
  unmatched: number;
  flagged?: number;
  error: string | null;
  errorLine: number | null;
}

export interface BankFeed {
  id: string;
  provider: string;
  name: string;
  webhookUrl: string;
  createdAt: string;
}

export interface CreatedBankFeed extends BankFeed {
  secret: string;
}
