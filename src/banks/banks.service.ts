import { Injectable } from '@nestjs/common';
import type { FieldProblem } from '../common/errors.js';
import { bankAccountName, foldVietnamese } from '../common/vn-text.js';
import { validateAccountNumber } from './bank-account.js';
import banksData from './data/banks.json' with { type: 'json' };

export interface Bank {
  bin: string;
  code: string;
  shortName: string;
  name: string;
  swiftCode?: string;
}

/** A bank account anywhere in the API. */
export interface BankAccount {
  bankBin: string;
  accountNumber: string;
  accountName: string;
}

/** The NAPAS/VietQR bank list (see data/SOURCES.md). */
@Injectable()
export class BanksService {
  private readonly banks = banksData as Bank[];
  private readonly byBin = new Map(this.banks.map((b) => [b.bin, b]));

  list(): Bank[] {
    return this.banks;
  }

  byBinOrUndefined(bin: string): Bank | undefined {
    return this.byBin.get(bin);
  }

  /** The bank a notification names ("Vietcombank", "VCB", "MBB"): by short name or code, folded. */
  byName(name: string | null | undefined): Bank | undefined {
    if (!name) return undefined;
    const n = foldVietnamese(name);
    return this.banks.find((b) => foldVietnamese(b.shortName) === n || foldVietnamese(b.code) === n);
  }

  /**
   * Validates and normalises a bank account: the BIN must be in the list, the number digits of a
   * plausible length, the name printed as banks print it (uppercase, no diacritics).
   */
  normalizeAccount(input: BankAccount, prefix = 'bankAccount.'): { value?: BankAccount; problems: FieldProblem[] } {
    const problems: FieldProblem[] = [];
    if (!this.byBin.has(input.bankBin)) {
      problems.push({ field: `${prefix}bankBin`, problem: `unknown bank BIN "${input.bankBin}" (see GET /banks)` });
    }
    const accountNumber = input.accountNumber.replace(/[\s.-]/g, '');
    const numberProblem = validateAccountNumber(accountNumber);
    if (numberProblem) problems.push({ field: `${prefix}accountNumber`, problem: numberProblem });
    const name = bankAccountName(input.accountName);
    if (!name.ok) problems.push({ field: `${prefix}accountName`, problem: name.problem });
    if (problems.length || !name.ok) return { problems };
    return { value: { bankBin: input.bankBin, accountNumber, accountName: name.value }, problems };
  }
}
