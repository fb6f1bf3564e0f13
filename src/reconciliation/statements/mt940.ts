/**
 * SWIFT MT940 customer statements, streamed line by line: only the current tag and the pending
 * :61: are held. Pure apart from reading the given stream. Several statements per file, with or
 * without the SWIFT envelope ({1:…}{2:…}{4: … -}).
 *
 * - `:20:` starts a statement; `:25:` account (`[BIC or bank code/]digits[currency]`); `:28C:`
 *   statement/sequence number (not needed); `:60F:`/`:60M:` opening balance — its currency must
 *   be VND; `:62F:`/`:62M:` closing balance, which must equal the opening balance plus the
 *   statement's transactions (a cut or corrupted file fails here); `:64:`, `:65:`, `:21:`, `:13D:`
 *   and unknown tags are ignored.
 * - `:61:` `YYMMDD[MMDD](C|D|RC|RD)[funds code]amount(,decimals)Nxxx customerRef[//bankRef]`,
 *   optional second line of supplementary details. C and RD (reversal of a debit) are credits
 *   → in; D and RC → out. bookedAt is the entry date (MMDD, year from the value date, rolled
 *   over at New Year), else the value date, at 00:00 +07:00. bankTransactionId is the bank
 *   reference after `//` (null if absent or NONREF).
 * - `:86:` after a :61: is its description. SWIFT lines hold 65 characters: a full line was cut
 *   by the bank mid-word and is joined to the next as is; a shorter one ends a word (space).
 * - balanceAfterVnd is the opening balance plus the transactions so far.
 *
 * Written by hand: the npm MT940 parsers (mt940js, mt940-js) parse a whole string at once and
 * are not installed; this format is line-oriented and small enough to read directly.
 */
import { StatementFormatError, type StatementLine } from './statement-line.js';
import { type ByteSource, TextDecodeProblem, decodeText, destroySource, readLines } from './text-stream.js';
import {
  MAX_BALANCE_VND,
  dateAt,
  formatVndPlain,
  parseAccountNumber,
  parseDecimalVnd,
  requestedAccount,
} from './values.js';

export interface Mt940StatementOptions {
  /** The account the import is for: every statement's :25: must be this one. */
  accountNumber?: string;
}

const TAG = /^:(\d{2}[A-Z]?):(.*)$/;
const BALANCE = /^([CD])(\d{6})([A-Z]{3})(\d[\d,]*)$/;
const STATEMENT_LINE = /^(\d{6})(\d{4})?(RC|RD|C|D)([A-Z])?(\d[\d,]*)([NSF][A-Z0-9]{3})(.*)$/;

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
      for await (const { text, lineNo } of readLines(decodeText(stream))) {
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
    let text = raw.replace(/\s+$/, '');
    // SWIFT envelope: "{1:F01…}{2:O940…}{4:" opens the text block, "-}" (optionally "{5:…}") closes it.
    if (text.startsWith('{')) {
      const block4 = text.indexOf('{4:');
      if (block4 < 0) return; // {1:}{2:}{3:} header alone, or {5:} trailer
      text = text.slice(block4 + 3);
      if (text === '') return;
    }
    if (/^-(\}|$)/.test(text)) {
      this.closeField(out);
      return;
    }
    const tag = TAG.exec(text);
    if (tag) {
      this.closeField(out);
      this.field = { tag: tag[1], lines: [tag[2]], fileLine };
    } else if (this.field) {
      this.field.lines.push(text);
    } else if (text.trim() !== '') {
      this.fail(`unexpected text ${JSON.stringify(text.slice(0, 30))} outside any field`, fileLine);
    }
  }

  private finish(out: StatementLine[]): void {
    this.closeField(out);
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
        // "VCBVVNVX/0011001234567", "970436/0011001234567", "0011001234567VND"
        const account = value.slice(value.lastIndexOf('/') + 1).replace(/(\d)[A-Z]{3}$/, '$1');
        const parsed = parseAccountNumber(account);
        if (!parsed.ok) this.fail(`:25: account ${JSON.stringify(value)} is not an account number (digits only)`, at);
        if (this.requestedAccount !== undefined && parsed.value !== this.requestedAccount) {
          this.fail(`the statement is for account ${parsed.value}, not ${this.requestedAccount} as requested`, at);
        }
        statement.account = parsed.value;
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
        if (this.pending) this.pending.line.description = joinInformation(field.lines);
        return; // statement-level :86: (after :62F:, or before any :61:) is not a transaction's
      case '62F':
      case '62M': {
        this.flush(out);
        const statement = this.requireStatement(field);
        const closing = this.balance(value, field);
        if (statement.opening === undefined) this.fail(':62F: closing balance without :60F: opening balance', at);
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
        return; // :21:, :28C:, :13D:, :64:, :65:, …
    }
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
    const value = field.lines[0].trim();
    const m = STATEMENT_LINE.exec(value);
    if (!m) {
      this.fail(
        `:61: ${JSON.stringify(value)} is not a statement line (YYMMDD[MMDD], C/D/RC/RD, amount, Nxxx, reference)`,
        at,
      );
    }
    const [, valueDate, entryDate, mark, , amountText, , references] = m;
    const amount = parseDecimalVnd(amountText, ',');
    if (!amount.ok) return this.fail(amount.problem, at);
    if (amount.value === 0) this.fail('amount is 0', at);
    const direction = mark === 'C' || mark === 'RD' ? 'in' : 'out';

    const year = 2000 + Number(valueDate.slice(0, 2));
    const valueMonth = Number(valueDate.slice(2, 4));
    let bookedAt: Date | null;
    if (entryDate) {
      const month = Number(entryDate.slice(0, 2));
      // Booked in January for a December value date, or the other way round.
      const entryYear = valueMonth === 12 && month === 1 ? year + 1 : valueMonth === 1 && month === 12 ? year - 1 : year;
      bookedAt = dateAt(entryYear, month, Number(entryDate.slice(2, 4)));
    } else {
      bookedAt = dateAt(year, valueMonth, Number(valueDate.slice(4, 6)));
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
    return {
      lineNo: this.transactions,
      bankTransactionId: bankRef !== '' && bankRef.toUpperCase() !== 'NONREF' ? bankRef : null,
      accountNumber: statement.account,
      bookedAt,
      direction,
      amountVnd: amount.value,
      description: fallback,
      balanceAfterVnd: statement.running,
    };
  }
}

/** SWIFT x-character lines are at most 65 long; a full one was wrapped wherever it reached 65. */
const SWIFT_LINE = 65;

function joinInformation(lines: string[]): string {
  let text = '';
  let previousFull = false;
  for (const line of lines) {
    const content = line.trim();
    if (content === '') {
      previousFull = false;
      continue;
    }
    text += text === '' || previousFull ? content : ` ${content}`;
    previousFull = line.trimEnd().length >= SWIFT_LINE;
  }
  return text;
}
