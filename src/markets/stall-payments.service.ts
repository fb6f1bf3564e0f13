import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { InvalidInput, NotFound } from '../common/errors.js';
import { MAX_VND } from '../common/money.js';
import { insertStallTransactions } from './stall-transactions.sql.js';

export interface StallAccountMatch {
  stallId: string;
  marketId: string;
  accountNumber: string;
  bankBin: string;
}

export interface StallCredit {
  stallId: string;
  amountVnd: number;
  occurredAt: Date;
  bankTransactionId: string;
}

/**
 * What the reconciliation module needs from markets: which stall an incoming bank credit belongs
 * to, and recording it as that stall's `qr` transaction. Both run in the caller's database
 * transaction (`manager`), so a bank transaction and its stall transaction commit together.
 */
@Injectable()
export class StallPaymentsService {
  /** Stalls whose bank account matches one of these account numbers (digits). */
  async findStallsByAccounts(manager: EntityManager, accountNumbers: string[]): Promise<Array<{ stallId: string; marketId: string; accountNumber: string; bankBin: string }>> {
    const numbers = [...new Set(accountNumbers.filter((n) => typeof n === 'string' && /^\d{1,19}$/.test(n)))];
    if (!numbers.length) return [];
    const rows = (await manager.query(
      `SELECT id, market_id, bank_account_number, bank_bin FROM stalls
       WHERE bank_account_number = ANY($1::text[]) ORDER BY bank_account_number, bank_bin, id`,
      [numbers],
    )) as Array<{ id: string; market_id: string; bank_account_number: string; bank_bin: string }>;
    return rows.map((r): StallAccountMatch => ({ stallId: r.id, marketId: r.market_id, accountNumber: r.bank_account_number, bankBin: r.bank_bin }));
  }

  /**
   * Records a bank credit as the stall's `qr` transaction, once per bankTransactionId (ON CONFLICT
   * DO NOTHING); updates rollups in the same transaction. Returns false if already recorded.
   * Throws NotFound for an unknown stall and InvalidInput for an amount that is not positive whole VND.
   */
  async recordStallCredit(manager: EntityManager, credit: { stallId: string; amountVnd: number; occurredAt: Date; bankTransactionId: string }): Promise<boolean> {
    if (!Number.isSafeInteger(credit.amountVnd) || credit.amountVnd < 1 || credit.amountVnd > MAX_VND) {
      throw InvalidInput.field('amountVnd', `must be a whole number of VND from 1 to ${MAX_VND}`);
    }
    if (!(credit.occurredAt instanceof Date) || Number.isNaN(credit.occurredAt.getTime())) throw InvalidInput.field('occurredAt', 'must be a valid Date');
    if (typeof credit.bankTransactionId !== 'string' || credit.bankTransactionId.length === 0) {
      throw InvalidInput.field('bankTransactionId', 'must be a non-empty string');
    }
    const isUuid = typeof credit.stallId === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(credit.stallId);
    const [stall] = isUuid ? ((await manager.query(`SELECT 1 FROM stalls WHERE id = $1`, [credit.stallId])) as unknown[]) : [];
    if (!stall) throw new NotFound('Stall', String(credit.stallId));
    const inserted = await insertStallTransactions(
      manager,
      [{ stallId: credit.stallId, amountVnd: credit.amountVnd, method: 'qr', occurredAt: credit.occurredAt, bankTransactionId: credit.bankTransactionId }],
      { source: 'bank' },
    );
    return inserted.length === 1;
  }
}
