/**
 * CSV statement columns: the canonical names and the headers Vietnamese banks' exports use,
 * matched after folding (case, diacritics, đ, punctuation and a trailing "(VND)" ignored). Pure.
 *
 * Canonical columns (the documented import format; any order, any subset that says when, how
 * much and which way):
 *
 * | column                  | content                                                             |
 * | ----------------------- | ------------------------------------------------------------------- |
 * | `transaction_id`        | the bank's reference for the transaction (optional, used for dedup) |
 * | `booked_at`             | `dd/MM/yyyy`, `dd/MM/yyyy HH:mm[:ss]` or ISO 8601; +07:00 if no zone |
 * | `account_number`        | the statement's account (else the import request's / the preamble's) |
 * | `direction`             | `in`/`out` (also C/D, CR/DR, CRDT/DBIT, credit/debit, có/nợ, +/-)   |
 * | `amount`                | VND; signed when there is no `direction` column (unsigned = in)     |
 * | `debit`, `credit`       | instead of `amount` + `direction`: one of the two is filled per row |
 * | `description`           | the memo                                                            |
 * | `counterparty_name`     | optional                                                            |
 * | `counterparty_account`  | optional                                                            |
 * | `counterparty_bank_bin` | optional, 6-digit NAPAS BIN                                         |
 * | `balance`               | optional, balance after the transaction                            |
 * | `currency`              | optional; must be VND when present                                  |
 */
import { foldVietnamese } from '../../common/vn-text.js';

export type ColumnKey =
  | 'transaction_id'
  | 'booked_at'
  | 'value_date'
  | 'booked_time'
  | 'account_number'
  | 'direction'
  | 'amount'
  | 'debit'
  | 'credit'
  | 'description'
  | 'counterparty_name'
  | 'counterparty_account'
  | 'counterparty_bank_bin'
  | 'balance'
  | 'currency';

/** Header spellings per column, already folded (see foldHeader). */
export const COLUMN_ALIASES: Record<ColumnKey, readonly string[]> = {
  transaction_id: [
    'transaction id', 'transaction ref', 'transaction reference', 'transaction no', 'transaction number',
    'reference', 'reference no', 'reference number', 'ref', 'ref no', 'ref number', 'txn id', 'txn ref',
    'trace no', 'trace number', 'id', 'doc no', 'seq no',
    'so tham chieu', 'ma tham chieu', 'so but toan', 'ma but toan', 'ma giao dich', 'ma gd', 'so giao dich',
    'so gd', 'so ct', 'so chung tu', 'ma so giao dich', 'id giao dich', 'so tra soat',
  ],
  booked_at: [
    'booked at', 'booking date', 'posting date', 'post date', 'transaction date', 'txn date', 'trans date',
    'date', 'date time', 'datetime', 'transaction datetime', 'tnx date', 'trans date time', 'accounting date',
    'ngay giao dich', 'ngay gd', 'thoi gian giao dich', 'thoi gian gd', 'ngay gio giao dich', 'ngay hach toan',
    'ngay ghi so', 'ngay', 'thoi gian', 'ngay thang', 'ngay but toan', 'ngay thuc hien', 'ngay ghi nhan',
  ],
  value_date: ['value date', 'effective date', 'ngay hieu luc', 'ngay gia tri'],
  booked_time: ['time', 'transaction time', 'gio', 'gio giao dich', 'gio gd'],
  account_number: [
    'account number', 'account no', 'account', 'account id',
    'so tai khoan', 'so tk', 'tai khoan', 'stk', 'tk', 'tai khoan ghi so',
  ],
  direction: [
    'direction', 'debit credit', 'credit debit', 'dr cr', 'cr dr', 'd c', 'c d', 'dc', 'cd', 'in out',
    'debit credit indicator', 'credit debit indicator', 'cdt dbt ind', 'no co', 'co no', 'ghi no ghi co',
  ],
  amount: [
    'amount', 'transaction amount', 'txn amount', 'so tien', 'so tien giao dich', 'so tien gd', 'gia tri',
    'gia tri giao dich', 'so tien phat sinh', 'phat sinh',
  ],
  debit: [
    'debit', 'debits', 'debit amount', 'withdrawal', 'withdrawals', 'money out', 'paid out', 'out',
    'ghi no', 'so tien ghi no', 'phat sinh no', 'ps no', 'no', 'tien ra', 'chi', 'so tien chi', 'so tien rut',
    'so tien no', 'rut ra',
  ],
  credit: [
    'credit', 'credits', 'credit amount', 'deposit', 'deposits', 'money in', 'paid in', 'in',
    'ghi co', 'so tien ghi co', 'phat sinh co', 'ps co', 'co', 'tien vao', 'thu', 'so tien thu', 'so tien gui',
    'so tien co', 'so tien nhan', 'gui vao',
  ],
  description: [
    'description', 'transaction description', 'details', 'transaction details', 'narrative', 'memo', 'remarks',
    'remark', 'content', 'transaction content', 'payment details',
    'mo ta', 'noi dung', 'noi dung giao dich', 'noi dung gd', 'noi dung chuyen khoan', 'noi dung ck', 'dien giai',
    'dien giai giao dich', 'chi tiet', 'chi tiet giao dich', 'ghi chu', 'mo ta giao dich',
  ],
  counterparty_name: [
    'counterparty name', 'counterparty', 'beneficiary', 'beneficiary name', 'remitter', 'remitter name', 'payer',
    'payer name', 'partner name',
    'ten doi ung', 'ten tai khoan doi ung', 'ten tk doi ung', 'ten doi tac', 'doi tac', 'ten nguoi chuyen',
    'nguoi chuyen', 'ten nguoi gui', 'ten don vi doi ung', 'ten khach hang doi ung', 'ten chu tai khoan doi ung',
  ],
  counterparty_account: [
    'counterparty account', 'counterparty account number', 'beneficiary account', 'remitter account',
    'payer account',
    'tai khoan doi ung', 'so tai khoan doi ung', 'so tk doi ung', 'tk doi ung', 'tai khoan nguoi chuyen',
    'so tai khoan nguoi chuyen', 'tai khoan doi tac',
  ],
  counterparty_bank_bin: [
    'counterparty bank bin', 'counterparty bin', 'bank bin', 'bin', 'ma ngan hang doi ung', 'ma nh doi ung',
  ],
  balance: [
    'balance', 'running balance', 'balance after', 'account balance', 'available balance',
    'so du', 'so du sau giao dich', 'so du sau gd', 'so du cuoi', 'so du tai khoan', 'so du kha dung',
  ],
  currency: ['currency', 'ccy', 'loai tien', 'tien te', 'don vi tien', 'ma tien te', 'loai tien te'],
};

const ALIAS_TO_KEY = new Map<string, ColumnKey>();
for (const [key, aliases] of Object.entries(COLUMN_ALIASES) as [ColumnKey, readonly string[]][]) {
  for (const alias of new Set([key.replace(/_/g, ' '), ...aliases])) {
    if (ALIAS_TO_KEY.has(alias)) throw new Error(`CSV column alias "${alias}" is listed twice`);
    ALIAS_TO_KEY.set(alias, key);
  }
}

/** "Số tiền ghi có (VND)" → "so tien ghi co"; "Debit/Credit" → "debit credit"; "booked_at" → "booked at". */
export function foldHeader(cell: string): string {
  return foldVietnamese(cell)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .replace(/ (vnd|dong)$/, '')
    .replace(/^(vnd|dong) /, '');
}

/**
 * The column a header cell names. Bank exports write both languages in one cell, often with a line
 * break ("Số tiền ghi có/ Credit", "Ngày GD\nTNX Date", "Nợ / Debit"): when the whole cell is not
 * a known name, each part (split at a line break, "/" or "|") is tried, the first part first.
 */
export function columnKeyOf(cell: string): ColumnKey | undefined {
  const whole = ALIAS_TO_KEY.get(foldHeader(cell));
  if (whole !== undefined || !/[\n/|]/.test(cell)) return whole;
  const parts = cell.split(/\r?\n|\/|\|/);
  for (const [i, part] of parts.entries()) {
    const folded = foldHeader(part);
    // "Nợ / Debit" names the debit; "STT / No." does not: a two-letter word counts only first.
    if (i > 0 && folded.length <= 2) continue;
    const key = ALIAS_TO_KEY.get(folded);
    if (key !== undefined) return key;
  }
  return undefined;
}

export type ColumnMap = Partial<Record<ColumnKey, number>>;

/**
 * The record is the header row when it names a date column, an amount column (amount, debit
 * or credit) and at least three known columns in all. The first column of a name wins.
 */
export function headerColumns(cells: readonly string[]): ColumnMap | null {
  const map: ColumnMap = {};
  let known = 0;
  cells.forEach((cell, index) => {
    const key = columnKeyOf(cell);
    if (key !== undefined && map[key] === undefined) {
      map[key] = index;
      known++;
    }
  });
  const hasDate = map.booked_at !== undefined || map.value_date !== undefined || map.booked_time !== undefined;
  const hasAmount = map.amount !== undefined || map.debit !== undefined || map.credit !== undefined;
  return hasDate && hasAmount && known >= 3 ? map : null;
}

const IN_WORDS = new Set(['in', 'c', 'cr', 'crdt', 'credit', 'co', 'ghi co', '+', 'incoming', 'nhan', 'thu', 'vao']);
const OUT_WORDS = new Set(['out', 'd', 'dr', 'dbit', 'debit', 'no', 'ghi no', '-', 'outgoing', 'chi', 'ra']);

export function parseDirectionWord(text: string): 'in' | 'out' | null {
  const t = text.trim();
  if (t === '+' || t === '-') return t === '+' ? 'in' : 'out';
  const folded = foldHeader(t);
  return IN_WORDS.has(folded) ? 'in' : OUT_WORDS.has(folded) ? 'out' : null;
}

/** A row that totals or brackets the statement ("Tổng cộng", "Số dư đầu kỳ", "Closing balance"). */
const SUMMARY = /^(tong|total|cong phat sinh|cong|so du dau|so du cuoi|so du dau ky|so du cuoi ky|phat sinh trong ky|opening|closing|ending|beginning|balance brought|balance carried|brought forward|carried forward)\b/;

export function isSummaryRow(cells: readonly string[]): boolean {
  return cells.some((c) => SUMMARY.test(foldHeader(c)));
}

/** "Số tài khoản: 1023456789 - HTX …" in a preamble line: the digits after the label. */
const PREAMBLE_ACCOUNT = /\b(so tai khoan|so tk|tai khoan|account number|account no|account)\b\D{0,40}?(\d[\d .-]{4,28}\d)/;
const PREAMBLE_CURRENCY = /\b(loai tien|tien te|currency|ccy)\b\s*([a-z]{3})\b/;

export function preambleFacts(cells: readonly string[]): { account?: string; currency?: string } {
  const text = cells.map((c) => foldVietnamese(c)).join(' ').replace(/:/g, ' ');
  const facts: { account?: string; currency?: string } = {};
  const account = PREAMBLE_ACCOUNT.exec(text);
  if (account && !/doi ung/.test(text)) facts.account = account[2].replace(/[ .-]/g, '');
  const currency = PREAMBLE_CURRENCY.exec(text);
  if (currency) facts.currency = currency[2].toUpperCase();
  return facts;
}
