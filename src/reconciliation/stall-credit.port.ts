import type { EntityManager } from 'typeorm';

/**
 * What reconciliation needs from the markets module: credits to a stall's account become that
 * stall's `qr` transactions. Provided by MarketsModule under STALL_CREDIT_PORT.
 */
export interface StallCreditPort {
  findStallsByAccounts(m: EntityManager, accountNumbers: string[]): Promise<Array<{ stallId: string; accountNumber: string; bankBin: string }>>;
  recordStallCredit(m: EntityManager, credit: { stallId: string; amountVnd: number; occurredAt: Date; bankTransactionId: string }): Promise<boolean>;
}

export const STALL_CREDIT_PORT = Symbol('STALL_CREDIT_PORT');
