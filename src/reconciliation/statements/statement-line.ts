/**
 * The record every statement parser yields, and the one error they raise. Pure.
 */
import { InvalidInput } from '../../common/errors.js';

export type StatementFormat = 'csv' | 'camt053' | 'camt054' | 'mt940' | 'xlsx' | 'xls';

export interface StatementLine {
  /**
   * 1-based position in the file, for error messages: CSV — the physical line where the record
   * starts; camt — the index of the `<Ntry>` (every `TxDtls` of a batched entry shares it);
   * MT940 — the index of the `:61:` line, counted across all statements of the file.
   */
  lineNo: number;
  /** The bank's own id for the transaction, when the format carries one. */
  bankTransactionId: string | null;
  /** The statement's account: digits (an IBAN when a foreign MT940/camt file names one). */
  accountNumber: string;
  /** Booking (else value) date-time; Asia/Ho_Chi_Minh (+07:00) when the file gives no zone. */
  bookedAt: Date;
  direction: 'in' | 'out';
  /**
   * Integer VND, > 0, except the zero-amount lines some banks write (fee waivers, notices): 0. The
   * import counts those as `skipped` and stores nothing for them.
   */
  amountVnd: number;
  /**
   * The bank booked this as the reversal of an earlier entry (MT940 `RC`/`RD`, camt `RvslInd`):
   * direction 'out' takes back a credit, 'in' gives back a debit. Never a new payment.
   */
  reversal?: boolean;
  /** Memo / remittance information as the bank wrote it (trimmed). */
  description: string;
  counterpartyName?: string;
  counterpartyAccount?: string;
  /** 6-digit NAPAS BIN of the counterparty's bank, when the file names it. */
  counterpartyBankBin?: string;
  /** Account balance after this transaction (may be negative on an overdraft). */
  balanceAfterVnd?: number;
}

/** What `lineNo` counts: CSV lines and spreadsheet rows, camt entries, MT940 transactions (`:61:`). */
export type StatementPositionUnit = 'line' | 'row' | 'entry' | 'transaction';

/**
 * A statement the parser cannot read. The message names the position and the problem, e.g.
 * `line 17: amount "12.5" is not a whole number of VND`. Extends InvalidInput, so if it ever
 * reaches the HTTP layer the exception filter answers 400 with `details: [{ field: "line 17", … }]`.
 */
export class StatementFormatError extends InvalidInput {
  constructor(
    readonly lineNo: number,
    readonly problem: string,
    readonly unit: StatementPositionUnit = 'line',
  ) {
    super([{ field: `${unit} ${lineNo}`, problem }], `${unit} ${lineNo}: ${problem}`);
  }
}
