/**
 * SWIFT MT940 customer statements, streamed line by line: only the current tag and the pending
 * :61: are held. Pure apart from reading the given stream. Several statements (messages) per file.
 *
 * Envelopes and bank headers: the SWIFT FIN blocks `{1:…}{2:…}{3:…}{4:` … `-}` (`{5:…}` after
 * it), messages wrapped in SOH (0x01) / ETX (0x03), and the lines banks put before a message —
 * `:940:` (Rabobank), `940` between two BIC lines (ABN AMRO), `0000 01<BIC>…` + `940 00` (ING),
 * blank lines — are skipped; any other text outside a message is refused naming its line. A
 * message ends at `-}`, or at a line holding `-` alone that the next `:20:`, a header or the end
 * of the file follows; any other `-` line is text of the field it is in.
 *
 * - `:20:` starts a statement; `:25:` account: `account`, `BIC/account`, `bankcode/account`,
 *   `account CCY` / `accountCCY`, `BIC/account/CCY`, or an IBAN (checked with its mod-97 digits;
 *   it stands for the requested account when that account is its tail); `:28:`/`:28C:`
 *   statement/page number (not needed); `:60F:`/`:60M:` opening balance (VND); `:62F:`/`:62M:`
 *   closing balance, which must equal the opening balance plus the statement's transactions (a
 *   cut or corrupted file fails here); `:64:`, `:65:`, `:21:`, `:13D:`, `:NS:` and other tags
 *   are ignored.
 * - `:61:` `YYMMDD[MMDD](C|D|RC|RD)[funds code]amount(,decimals)<type>customerRef[//bankRef]`,
 *   optional second line of supplementary details. The entry date may be four spaces; the type
 *   is `N`/`F`/`S` + three characters, any (`NTRF`, `N078`, `FMSC`, `S   `: the memo matters,
 *   not the type). C and RD (reversal of a debit) are credits → in; D and RC (reversal of a
 *   credit) → out; RC/RD set `reversal`. A zero amount is read (amountVnd 0: the import counts it
 *   and stores nothing). bookedAt is the entry date (MMDD, year from the value date, rolled over
 *   at New Year), else the value date, at 00:00 +07:00; a day past the month's end (30 February,
 *   written by banks that count 30-day months) is the month's last day. bankTransactionId is the
 *   bank reference after `//` (null if absent or NONREF).
 * - `:86:` after a :61: is its information: see mt940-information.ts (structured `?20`…, `/REMI/`…
 *   or free text). Without one, the customer reference and supplementary details are the memo.
 * - balanceAfterVnd is the opening balance plus the transactions so far.
 *
 * Written by hand: the npm MT940 parsers (mt940js, mt940-js) parse a whole string at once; this
 * format is line-oriented and small enough to read directly.
 */
import { StatementFormatError, type StatementLine } from './statement-line.js';
import { parseInformation } from './mt940-information.js';
import { type ByteSource, type DecodeOptions, TextDecodeProblem, decodeText, destroySource, readLines } from './text-stream.js';
import {
  MAX_BALANCE_VND,
  dateAt,
  formatVndPlain,
  parseAccountNumber,
  parseDecimalVnd,
  ibanAccount,
  requestedAccount,
} from './values.js';

export interface Mt940StatementOptions extends DecodeOptions {
  /** The account the import is for: every statement's :25: must be this one. */
  accountNumber?: string;
}

const TAG = /^:(\d{2}[A-Z]?|NS):(.*)$/;
const BALANCE = /^([CD])(\d{6})([A-Z]{3})(\d[\d,]*)$/;
const STATEMENT_LINE = /^(\d{6})(\d{4}| {4})?(RC|RD|C|D)([A-Z])?(\d[\d,]*)([NSF][A-Z0-9 ]{3})(.*)$/;
/** Fields of one line: text under them is an error, not a continuation. */
const SINGLE_LINE = new Set(['20', '25', '28', '28C', '60F', '60M', '62F', '62M', '64', '65']);
/** Lines banks write around messages: `:940:`, `940`, `940 00`, a BIC, `0000 01<BIC>…`. */
const BANK_HEADER = /^(:940:|940( 00)?|[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?|0000 \d{2}[A-Z]{6}[A-Z0-9]{2}[A-Z0-9]*\s*\d*)$/;

interface Field {
  tag: string;
  lines: string[];
  fileLine: number;
}

interface Statement {
  reference: string;
  fileLine: number;
  account?: string;
  opening?: number;
  running: number;
  count: number;
}

interface PendingLine {
  line: StatementLine;
  fileLine: number;
}

export async function* parseMt940Statement(
  stream: ByteSource,
  opts: Mt940StatementOptions = {},
): AsyncGenerator<StatementLine, void, undefined> {
  const reader = new Mt940Reader(requestedAccount(opts.accountNumber));
  let completed = false;
  try {
    try {
      for await (const { text, lineNo } of readLines(decodeText(stream, opts))) {
        for (const line of reader.line(text, lineNo)) yield line;
      }
    } catch (err) {
      if (err instanceof TextDecodeProblem) {
        throw new StatementFormatError(reader.position(), `${err.problem} (file line ${err.line})`, 'transaction');
      }
      throw err;
    }
    for (const line of reader.end()) yield line;
    completed = true;
  } finally {
    if (!completed) destroySource(stream);
  }
}

class Mt940Reader {
  private field: Field | null = null;
  private statement: Statement | null = null;
  private pending: PendingLine | null = null;
  /** :61: seen in the whole file. */
  private transactions = 0;
  private statements = 0;
  private lastFileLine = 0;
  /** Inside a message (after its :20:, before its end). */
  private inMessage = false;
  /** A line holding `-` alone, not yet known to end the message or to be text. */
  private dash: number | null = null;

  constructor(private readonly requestedAccount: string | undefined) {}

  /** True from a :61: until its record is handed out. */
  private inTransaction = false;

  /** The transaction an error belongs to: the current :61:, else the next. */
  position(): number {
    return this.inTransaction ? this.transactions : this.transactions + 1;
  }

  /** One physical line: yields the records it completes, then throws if it is wrong. */
  *line(raw: string, fileLine: number): Generator<StatementLine, void, undefined> {
    yield* this.completing((out) => this.read(raw, fileLine, out));
  }

  /** The end of the file: the last record, then the checks that need the whole file. */
  *end(): Generator<StatementLine, void, undefined> {
    yield* this.completing((out) => this.finish(out));
  }

  /** Runs `step`, hands out the records it completed even if it then failed, then rethrows. */
  private *completing(step: (out: StatementLine[]) => void): Generator<StatementLine, void, undefined> {
    const out: StatementLine[] = [];
    let failure: unknown = null;
    try {
      step(out);
    } catch (err) {
      failure = err;
    }
    yield* out;
    if (failure !== null) throw failure;
  }

  private read(raw: string, fileLine: number, out: StatementLine[]): void {
    this.lastFileLine = fileLine;
    // SOH/ETX around a message, trailing blanks.
    let text = raw.replace(/[\x01\x03]/g, '').replace(/\s+$/, '');
    // SWIFT envelope: "{1:F01…}{2:O940…}{3:…}{4:" opens the text block; "-}" (then "{5:…}") closes it.
    if (text.startsWith('{')) {
      this.endMessage(out);
      const block4 = text.indexOf('{4:');
      if (block4 < 0) return; // {1:}{2:}{3:} header alone, or {5:} trailer
      text = text.slice(block4 + 3);
      if (text === '') return;
    }
    if (text.startsWith('-}') || text === '-XXX') {
      this.endMessage(out);
      return;
    }
    if (this.dash !== null) {
      // "-" then: a message start, a header or more "-" → the message ended there; else it was text.
      if (text === '') return;
      // Only :61: and :86: span lines: after any other field a "-" can only end the message.
      const multiLine = this.field?.tag === '86' || this.field?.tag === '61';
      if (!multiLine || text.startsWith(':20:') || BANK_HEADER.test(text) || text === '-') this.endMessage(out);
      else this.appendText('-', this.dash);
      this.dash = null;
    }
    if (text === '-') {
      if (this.inMessage) this.dash = fileLine;
      return;
    }
    const tag = TAG.exec(text);
    if (tag) {
      this.closeField(out);
      if (tag[1] === '20') this.inMessage = true;
      else if (!this.inMessage) this.fail(`:${tag[1]}: before the statement's :20:`, fileLine);
      this.field = { tag: tag[1], lines: [tag[2]], fileLine };
    } else if (this.field) {
      this.field.lines.push(text);
    } else if (text.trim() !== '' && !BANK_HEADER.test(text.trim())) {
      this.fail(
        `unexpected text ${JSON.stringify(text.slice(0, 30))}: expected a statement's :20: or a bank header line (:940:, 940, a BIC, 0000 01<BIC>)`,
        fileLine,
      );
    }
  }

  private appendText(text: string, fileLine: number): void {
    if (this.field) this.field.lines.push(text);
    else this.fail(`unexpected text ${JSON.stringify(text)} outside any field`, fileLine);
  }

  private endMessage(out: StatementLine[]): void {
    this.dash = null;
    this.closeField(out);
    this.inMessage = false;
  }

  private finish(out: StatementLine[]): void {
    this.endMessage(out);
    this.flush(out);
    if (this.statement && this.statement.opening !== undefined) {
      this.fail(
        `statement ${JSON.stringify(this.statement.reference)} ends without a closing balance :62F: (the file is truncated)`,
        this.lastFileLine,
      );
    }
    if (this.statements === 0) this.fail('no MT940 statement found (no :20: field)', this.lastFileLine || 1);
  }

  private fail(problem: string, fileLine: number): never {
    throw new StatementFormatError(this.position(), `${problem} (file line ${fileLine})`, 'transaction');
  }

  private flush(out: StatementLine[]): void {
    if (this.pending) {
      out.push(this.pending.line);
      this.pending = null;
    }
    this.inTransaction = false;
  }

  private closeField(out: StatementLine[]): void {
    const field = this.field;
    if (!field) return;
    this.field = null;
    const value = field.lines[0].trim();
    const at = field.fileLine;
    if (SINGLE_LINE.has(field.tag)) {
      const extra = field.lines.findIndex((l, i) => i > 0 && l.trim() !== '');
      if (extra > 0) {
        this.fail(`unexpected text ${JSON.stringify(field.lines[extra].trim().slice(0, 30))} after :${field.tag}: (a one-line field)`, at + extra);
      }
    }
    switch (field.tag) {
      case '20':
        this.flush(out);
        if (this.statement && this.statement.opening !== undefined) {
          this.fail(`statement ${JSON.stringify(this.statement.reference)} has no closing balance :62F:`, at);
        }
        this.statement = { reference: value, fileLine: at, running: 0, count: 0 };
        this.statements++;
        return;
      case '25': {
        const statement = this.requireStatement(field);
        statement.account = this.account(value, at);
        return;
      }
      case '60F':
      case '60M': {
        const statement = this.requireStatement(field);
        statement.opening = this.balance(value, field);
        statement.running = statement.opening;
        return;
      }
      case '61':
        this.flush(out);
        this.pending = { line: this.statementLine(field), fileLine: at };
        return;
      case '86':
        if (this.pending) {
          const info = parseInformation(field.lines);
          const line = this.pending.line;
          line.description = info.memo;
          if (info.counterpartyName) line.counterpartyName = info.counterpartyName;
          if (info.counterpartyAccount) line.counterpartyAccount = info.counterpartyAccount;
        }
        return; // statement-level :86: (after :62F:, or before any :61:) is not a transaction's
      case '62F':
      case '62M': {
        this.flush(out);
        const statement = this.requireStatement(field);
        const closing = this.balance(value, field);
        if (statement.opening === undefined) this.fail(`:${field.tag}: closing balance without :60F: opening balance`, at);
        if (closing !== statement.running) {
          this.fail(
            `closing balance ${formatVndPlain(closing)} is not the opening balance ${formatVndPlain(statement.opening)} ` +
              `plus the statement's ${statement.count} transactions (${formatVndPlain(statement.running)}): ` +
              'the statement is incomplete or corrupted',
            at,
          );
        }
        this.statement = null; // a closed statement; the next starts with :20:
        return;
      }
      default:
        return; // :21:, :28:, :28C:, :13D:, :64:, :65:, :NS:, …
    }
  }

  /**
   * :25: → the account: "1023456789", "BFTVVNVX/1023456789", "970436/1023456789",
   * "1023456789VND", "1023456789 VND", "BFTVVNVX/1023456789/VND", "/1023456789", an IBAN.
   */
  private account(value: string, at: number): string {
    const parts = value.replace(/^\/+/, '').split('/').map((p) => p.trim());
    if (parts.length > 1 && /^[A-Z]{3}$/.test(parts[parts.length - 1])) parts.pop(); // BIC/account/CCY
    const last = (parts[parts.length - 1] ?? '').replace(/\s+/g, ' ');
    const candidate = last.replace(/(\d) ?[A-Z]{3}$/, '$1').replace(/ /g, '');
    let account: string;
    if (/^[A-Z]{2}\d{2}/.test(candidate)) {
      const iban = ibanAccount(candidate, this.requestedAccount);
      if (!iban.ok) this.fail(`:25: ${iban.problem}`, at);
      account = iban.value;
    } else {
      const parsed = parseAccountNumber(candidate);
      if (!parsed.ok) {
        this.fail(`:25: account ${JSON.stringify(value)} is not an account number (digits, [BIC or bank code/]digits[ currency], or an IBAN)`, at);
      }
      account = parsed.value;
    }
    if (this.requestedAccount !== undefined && account !== this.requestedAccount) {
      this.fail(`the statement is for account ${account}, not ${this.requestedAccount} as requested`, at);
    }
    return account;
  }

  private requireStatement(field: Field): Statement {
    if (!this.statement) return this.fail(`:${field.tag}: before the statement's :20:`, field.fileLine);
    return this.statement;
  }

  /** `C240301VND26250000,00` → signed VND. */
  private balance(value: string, field: Field): number {
    const m = BALANCE.exec(value.replace(/\s+/g, ''));
    if (!m) return this.fail(`:${field.tag}: ${JSON.stringify(value)} is not a balance (mark, YYMMDD, currency, amount)`, field.fileLine);
    if (m[3] !== 'VND') this.fail(`:${field.tag}: currency ${m[3]} is not VND`, field.fileLine);
    const amount = parseDecimalVnd(m[4], ',', `:${field.tag}: amount`, MAX_BALANCE_VND);
    if (!amount.ok) return this.fail(amount.problem, field.fileLine);
    return m[1] === 'D' ? -amount.value : amount.value;
  }

  private statementLine(field: Field): StatementLine {
    const at = field.fileLine;
    const statement = this.requireStatement(field);
    this.transactions++;
    this.inTransaction = true;
    if (statement.account === undefined) this.fail(':61: before the statement account :25:', at);
    if (statement.opening === undefined) this.fail(':61: before the opening balance :60F:', at);
    const value = field.lines[0].replace(/\s+$/, '');
    const m = STATEMENT_LINE.exec(value);
    if (!m) {
      this.fail(
        `:61: ${JSON.stringify(value)} is not a statement line (YYMMDD[MMDD], C/D/RC/RD, [funds code], amount, type code, reference)`,
        at,
      );
    }
    const [, valueDate, entryDateRaw, mark, , amountText, , references] = m;
    const entryDate = entryDateRaw?.trim() ? entryDateRaw : undefined;
    const amount = parseDecimalVnd(amountText, ',');
    if (!amount.ok) return this.fail(amount.problem, at);
    const direction = mark === 'C' || mark === 'RD' ? 'in' : 'out';

    const year = 2000 + Number(valueDate.slice(0, 2));
    const valueMonth = Number(valueDate.slice(2, 4));
    let bookedAt: Date | null;
    if (entryDate) {
      const month = Number(entryDate.slice(0, 2));
      // Booked in January for a December value date, or the other way round.
      const entryYear = valueMonth === 12 && month === 1 ? year + 1 : valueMonth === 1 && month === 12 ? year - 1 : year;
      bookedAt = bankDate(entryYear, month, Number(entryDate.slice(2, 4)));
    } else {
      bookedAt = bankDate(year, valueMonth, Number(valueDate.slice(4, 6)));
    }
    if (bookedAt === null) this.fail(`:61: date ${JSON.stringify(valueDate + (entryDate ?? ''))} is not a valid date`, at);

    const slash = references.indexOf('//');
    const bankRef = slash >= 0 ? references.slice(slash + 2).trim() : '';
    const customerRef = (slash >= 0 ? references.slice(0, slash) : references).trim();
    // Without :86:, the customer reference and supplementary details are all there is.
    const fallback = [customerRef.toUpperCase() === 'NONREF' ? '' : customerRef, ...field.lines.slice(1).map((l) => l.trim())]
      .filter((t) => t !== '')
      .join(' ');
    statement.running += direction === 'in' ? amount.value : -amount.value;
    statement.count++;
    const line: StatementLine = {
      lineNo: this.transactions,
      bankTransactionId: bankRef !== '' && bankRef.toUpperCase() !== 'NONREF' ? bankRef : null,
      accountNumber: statement.account,
      bookedAt,
      direction,
      amountVnd: amount.value,
      description: fallback,
      balanceAfterVnd: statement.running,
    };
    if (mark.startsWith('R')) line.reversal = true;
    return line;
  }
}

/** dateAt, except that a day past the month's end (30/02 of 30-day-month banks) is its last day. */
function bankDate(year: number, month: number, day: number): Date | null {
  if (month >= 1 && month <= 12 && day > 28 && day <= 31) {
    const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
    return dateAt(year, month, Math.min(day, last));
  }
  return dateAt(year, month, day);
}
