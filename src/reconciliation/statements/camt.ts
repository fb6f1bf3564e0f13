/**
 * ISO 20022 camt.053 (BankToCustomerStatement) and camt.054 (BankToCustomerDebitCreditNotification),
 * any version (.001.02 … .001.13), streamed: only the statement's <Acct> and the current <Ntry>
 * are kept as small trees; everything else is dropped as it passes. Pure apart from reading
 * the given stream.
 *
 * Versions .001.02 to .001.08 differ in where they put the same facts (`Sts` as text or `Sts/Cd`,
 * `RltdPties/Dbtr/Nm` or `Dbtr/Pty/Nm`, `TxDtls/AmtDtls/TxAmt/Amt` or `TxDtls/Amt`): both are read.
 * Several `Stmt`/`Ntfctn` per message, each with its own account and balances.
 *
 * Balances: the opening booked balance (`Bal` of type OPBD, else PRCD) plus the booked entries
 * must equal the closing booked balance (CLBD), else the file is refused naming the closing
 * balance's line (a statement without both, e.g. a camt.054, is not checked).
 *
 * Reversals (`RvslInd` true) are written two ways. ISO 20022's usage rule: `CdtDbtInd` is the
 * reversal's own booking — DBIT takes back a credit, CRDT gives back a debit (SWIFT CBPR+ and
 * most banks). German (DK) and Swiss (ESR) banks instead keep the reversed entry's indicator, as
 * MT940's `RC`/`RD` do — CRDT + RvslInd takes back a credit. A statement's balances tell which
 * (only one reading adds up), so a reversal's records are held until the statement closes (at
 * most the statement's reversals; every other record is yielded as soon as its entry closes).
 * When the balances cannot tell (a camt.054, a statement without OPBD/CLBD, reversals that cancel
 * out), the ISO rule holds.
 *
 * Per <Ntry> (booked entries only: `Sts` other than BOOK — pending, info — is skipped):
 * - `CdtDbtInd` CRDT → in, DBIT → out; `Amt@Ccy` must be VND, the amount a whole number.
 * - bookedAt: `BookgDt/DtTm`, `BookgDt/Dt`, else `ValDt` (+07:00 when no zone is written).
 * - A batched entry (several `NtryDtls/TxDtls`) whose transactions carry their own amounts (`Amt`
 *   or `AmtDtls/TxAmt/Amt`) yields one record per TxDtls (their sum must equal the entry's
 *   amount); when they do not, it yields one record with the entry's amount.
 * - `RvslInd` true: a reversal; direction 'out' takes back a credit, 'in' gives back a debit (see
 *   above for which `CdtDbtInd` that is).
 * - A zero amount is read (amountVnd 0: the import counts it and stores nothing).
 * - bankTransactionId: single entry — `AcctSvcrRef`, `TxDtls/Refs/AcctSvcrRef`, `NtryRef`,
 *   `Refs/TxId`, `Refs/EndToEndId` (not NOTPROVIDED), first present. Batched — the TxDtls's own
 *   `AcctSvcrRef` or `TxId`, else `<entry ref>/<n>` (n = its 1-based position in the entry, so
 *   every record of the batch stays distinct and stable), else its `EndToEndId`; an own reference
 *   two transactions of the batch share gets `/<n>` too.
 * - description: the remittance information — every `RmtInf/Ustrd`, then each `RmtInf/Strd`'s
 *   `CdtrRefInf/Ref` and `AddtlRmtInf` (a text already in the memo is not repeated) — joined with
 *   spaces; without any, `AddtlTxInf`, else `AddtlNtryInf`.
 * - counterparty: `RltdPties/Dbtr` (in) or `Cdtr` (out): `Nm` or `Pty/Nm`, `…Acct/Id/Othr/Id` or
 *   `IBAN`; BIN from `RltdAgts/DbtrAgt|CdtrAgt/FinInstnId/ClrSysMmbId/MmbId` when 6 digits.
 * - account: `Stmt/Acct` (camt.053) or `Ntfctn/Acct` (camt.054) `Id/Othr/Id`, or `Id/IBAN` (checked;
 *   it stands for the requested account when that account is its tail).
 */
import { StatementFormatError, type StatementLine } from './statement-line.js';
import { type ByteSource, type DecodeOptions, TextDecodeProblem, decodeText, destroySource } from './text-stream.js';
import { asBankBin, formatVndPlain, ibanAccount, parseAccountNumber, parseDecimalVnd, parseStatementDate, requestedAccount } from './values.js';
import { type XmlEvent, XmlSyntaxError, XmlTokenizer, localName } from './xml-tokenizer.js';

export interface CamtStatementOptions extends DecodeOptions {
  /** The account the import is for: the file's account must be this one. */
  accountNumber?: string;
}

export async function* parseCamtStatement(
  stream: ByteSource,
  opts: CamtStatementOptions = {},
): AsyncGenerator<StatementLine, void, undefined> {
  const tokenizer = new XmlTokenizer();
  const reader = new CamtReader(requestedAccount(opts.accountNumber));
  let completed = false;
  try {
    try {
      for await (const text of decodeText(stream, opts)) {
        for (const line of reader.consume(tokenizer.write(text))) yield line;
      }
      for (const line of reader.consume(tokenizer.end())) yield line;
    } catch (err) {
      if (err instanceof XmlSyntaxError) {
        throw new StatementFormatError(reader.position(), `${err.problem} (XML line ${err.line})`, 'entry');
      }
      if (err instanceof TextDecodeProblem) {
        throw new StatementFormatError(reader.position(), `${err.problem} (XML line ${err.line})`, 'entry');
      }
      throw err;
    }
    reader.finish();
    completed = true;
  } finally {
    if (!completed) destroySource(stream);
  }
}

interface XNode {
  name: string;
  attrs: Record<string, string>;
  text: string;
  children: XNode[];
  line: number;
}

/** Message element → its statement element. */
const MESSAGES = new Map([
  ['BkToCstmrStmt', 'Stmt'], // camt.053
  ['BkToCstmrDbtCdtNtfctn', 'Ntfctn'], // camt.054
]);

function child(node: XNode | undefined, ...path: string[]): XNode | undefined {
  let n = node;
  for (const name of path) {
    n = n?.children.find((c) => c.name === name);
    if (!n) return undefined;
  }
  return n;
}

function text(node: XNode | undefined, ...path: string[]): string | undefined {
  const t = child(node, ...path)?.text.trim();
  return t ? t : undefined;
}

/**
 * A transaction's remittance information: its `Ustrd` lines, then per `Strd` the creditor
 * reference (`CdtrRefInf/Ref`) and `AddtlRmtInf`; a text the memo already holds is not repeated.
 */
function remittanceOf(tx: XNode | undefined): string {
  const parts: string[] = [];
  const add = (t: string | undefined) => {
    const s = t?.trim();
    if (s && !parts.some((p) => p.includes(s))) parts.push(s);
  };
  const rmtInf = child(tx, 'RmtInf')?.children ?? [];
  for (const c of rmtInf) if (c.name === 'Ustrd') add(c.text);
  for (const strd of rmtInf) {
    if (strd.name !== 'Strd') continue;
    add(text(strd, 'CdtrRefInf', 'Ref'));
    for (const c of strd.children) if (c.name === 'AddtlRmtInf') add(c.text);
  }
  return parts.join(' ');
}

interface Balances {
  opening?: number;
  closing?: { value: number; line: number };
  /** Booked entries other than reversals, signed. */
  net: number;
  /** Reversals, signed by their own `CdtDbtInd`. */
  reversals: number;
}

class CamtReader {
  /** Local names of the open elements. */
  private readonly path: string[] = [];
  /** Subtree being captured (statement <Acct> or <Ntry>), innermost last. */
  private capture: XNode[] = [];
  private message: string | null = null;
  /** Depth of the open <Stmt>/<Ntfctn>, or -1. */
  private statementDepth = -1;
  private account: string | undefined;
  private entries = 0;
  private inEntry = false;
  /**
   * The open statement's opening and closing booked balances, its booked entries' net sum apart
   * from reversals, and its reversals' net sum as their `CdtDbtInd` says (the ISO reading).
   */
  private balances: Balances = { net: 0, reversals: 0 };
  /** The open statement's reversal records, held until its balances say which way they go. */
  private heldReversals: StatementLine[] = [];

  constructor(private readonly requestedAccount: string | undefined) {}

  private messageDepth(): number {
    return this.path[0] === 'Document' ? 1 : 0;
  }

  /** The entry an error belongs to: the current one, else the next. */
  position(): number {
    return this.inEntry ? this.entries : this.entries + 1;
  }

  /** Yields each record as soon as its entry closes (so an error later in a chunk loses none). */
  *consume(events: XmlEvent[]): Generator<StatementLine, void, undefined> {
    for (const event of events) {
      if (event.kind === 'text') {
        const top = this.capture[this.capture.length - 1];
        if (top) top.text += event.text;
        continue;
      }
      if (event.kind === 'open') {
        const name = localName(event.name);
        const depth = this.path.length;
        this.path.push(name);
        if (this.capture.length > 0) {
          const node: XNode = { name, attrs: event.attrs, text: '', children: [], line: event.line };
          this.capture[this.capture.length - 1].children.push(node);
          this.capture.push(node);
          continue;
        }
        if (depth === 0 || (depth === 1 && this.path[0] === 'Document')) {
          if (MESSAGES.has(name)) this.message = name;
          else if (depth === 0 && name !== 'Document') this.fail(`<${name}> is not an ISO 20022 camt document`, event.line);
          else if (depth === 1) {
            this.fail(
              name === 'BkToCstmrAcctRpt'
                ? 'camt.052 account reports are not supported: import the camt.053 statement'
                : `<${name}> is not a camt.053 statement or camt.054 notification`,
              event.line,
            );
          }
        } else if (this.message !== null && depth === this.messageDepth() + 1 && name === MESSAGES.get(this.message)) {
          this.statementDepth = depth;
          this.account = undefined;
          this.balances = { net: 0, reversals: 0 };
          this.heldReversals = [];
        } else if (this.statementDepth >= 0 && depth === this.statementDepth + 1 && (name === 'Acct' || name === 'Ntry' || name === 'Bal')) {
          if (name === 'Ntry') {
            this.entries++;
            this.inEntry = true;
          }
          this.capture = [{ name, attrs: event.attrs, text: '', children: [], line: event.line }];
        }
        continue;
      }
      // close
      this.path.pop();
      if (this.capture.length > 0) {
        const node = this.capture.pop()!;
        if (this.capture.length === 0) {
          if (node.name === 'Acct') this.readAccount(node);
          else if (node.name === 'Bal') this.readBalance(node);
          else {
            const { lines, reversal } = this.readEntry(node);
            this.inEntry = false;
            if (reversal) this.heldReversals.push(...lines);
            else yield* lines;
          }
        }
      } else if (this.path.length === this.statementDepth) {
        const keptSide = this.checkBalances();
        for (const line of this.heldReversals) {
          if (keptSide) line.direction = line.direction === 'in' ? 'out' : 'in';
          yield line;
        }
        this.heldReversals = [];
        this.statementDepth = -1;
      }
    }
  }

  finish(): void {
    if (this.message === null) this.fail('not a camt.053 statement or camt.054 notification (no BkToCstmrStmt / BkToCstmrDbtCdtNtfctn)', 1);
  }

  private fail(problem: string, xmlLine: number): never {
    throw new StatementFormatError(this.position(), `${problem} (XML line ${xmlLine})`, 'entry');
  }

  private readAccount(acct: XNode): void {
    const iban = text(acct, 'Id', 'IBAN');
    const id = text(acct, 'Id', 'Othr', 'Id') ?? iban;
    if (id === undefined) this.fail('the statement account has no <Id><Othr><Id> or <Id><IBAN>', acct.line);
    const parsed = id === iban ? ibanAccount(id, this.requestedAccount) : parseAccountNumber(id);
    if (!parsed.ok) this.fail(`statement ${parsed.problem}`, acct.line);
    const ccy = text(acct, 'Ccy');
    if (ccy !== undefined && ccy !== 'VND') this.fail(`the statement account is in ${ccy}, not VND`, acct.line);
    if (this.requestedAccount !== undefined && parsed.value !== this.requestedAccount) {
      this.fail(`the statement is for account ${parsed.value}, not ${this.requestedAccount} as requested`, acct.line);
    }
    this.account = parsed.value;
  }

  /** `Bal`: OPBD (else PRCD) opens, CLBD closes; other types (available, interim) are not checked. */
  private readBalance(bal: XNode): void {
    const type = text(bal, 'Tp', 'CdOrPrtry', 'Cd') ?? text(bal, 'Tp', 'CdOrPrtry', 'Prtry');
    if (type !== 'OPBD' && type !== 'PRCD' && type !== 'CLBD') return;
    const amountNode = child(bal, 'Amt');
    if (amountNode === undefined) this.fail(`the ${type} balance has no <Amt>`, bal.line);
    const ccy = amountNode.attrs.Ccy;
    if (ccy !== 'VND') this.fail(`the ${type} balance is in ${ccy ?? 'no currency'}, not VND`, amountNode.line);
    const parsed = parseDecimalVnd(amountNode.text, '.', `${type} balance`, Number.MAX_SAFE_INTEGER);
    if (!parsed.ok) this.fail(parsed.problem, amountNode.line);
    const sign = this.directionOf(text(bal, 'CdtDbtInd'), bal) === 'in' ? 1 : -1;
    const value = sign * parsed.value;
    if (type === 'CLBD') this.balances.closing = { value, line: bal.line };
    else if (type === 'OPBD' || this.balances.opening === undefined) this.balances.opening = value;
  }

  /**
   * Opening + booked entries = closing, else the statement is refused. Returns true when only the
   * other reversal reading adds up: the file's reversals keep the reversed entry's `CdtDbtInd`.
   */
  private checkBalances(): boolean {
    const { opening, closing, net, reversals } = this.balances;
    if (opening === undefined || closing === undefined) return false;
    if (opening + net + reversals === closing.value) return false;
    if (opening + net - reversals === closing.value) return true;
    return this.fail(
      `the closing balance CLBD ${formatVndPlain(closing.value)} is not the opening balance ${formatVndPlain(opening)} ` +
        `plus the booked entries (${formatVndPlain(opening + net + reversals)}): the statement is incomplete or corrupted`,
      closing.line,
    );
  }

  private readEntry(ntry: XNode): { lines: StatementLine[]; reversal: boolean } {
    const status = text(ntry, 'Sts', 'Cd') ?? text(ntry, 'Sts');
    if (status !== undefined && status !== 'BOOK') return { lines: [], reversal: false };
    if (this.account === undefined) this.fail('the entry comes before the statement account <Acct>', ntry.line);
    const accountNumber = this.account;

    const amountNode = child(ntry, 'Amt');
    const amount = this.amountOf(amountNode, ntry, 'entry');
    const direction = this.directionOf(text(ntry, 'CdtDbtInd'), ntry);
    const reversal = text(ntry, 'RvslInd')?.toLowerCase() === 'true';
    if (reversal) this.balances.reversals += direction === 'in' ? amount : -amount;
    else this.balances.net += direction === 'in' ? amount : -amount;
    return { lines: this.entryLines(ntry, accountNumber, amount, direction, reversal), reversal };
  }

  /** An entry's records: one, or one per transaction of a batch that gives their amounts. */
  private entryLines(ntry: XNode, accountNumber: string, amount: number, direction: 'in' | 'out', reversal: boolean): StatementLine[] {
    const amountNode = child(ntry, 'Amt');
    const bookedAt = this.dateOf(child(ntry, 'BookgDt')) ?? this.dateOf(child(ntry, 'ValDt'));
    if (bookedAt === undefined) this.fail('the entry has no booking date <BookgDt>', ntry.line);
    const entryRef = text(ntry, 'AcctSvcrRef') ?? text(ntry, 'NtryRef');
    const entryInfo = text(ntry, 'AddtlNtryInf');
    const txs = ntry.children.filter((c) => c.name === 'NtryDtls').flatMap((d) => d.children.filter((c) => c.name === 'TxDtls'));

    const record = (tx: XNode | undefined, amountVnd: number, dir: 'in' | 'out', id: string | null): StatementLine => {
      const party = dir === 'in' ? 'Dbtr' : 'Cdtr';
      const remittance = remittanceOf(tx);
      const line: StatementLine = {
        lineNo: this.entries,
        bankTransactionId: id,
        accountNumber,
        bookedAt,
        direction: dir,
        amountVnd,
        description: remittance !== '' ? remittance : (text(tx, 'AddtlTxInf') ?? entryInfo ?? ''),
      };
      if (reversal) line.reversal = true;
      const name = text(tx, 'RltdPties', party, 'Nm') ?? text(tx, 'RltdPties', party, 'Pty', 'Nm');
      if (name) line.counterpartyName = name;
      const acct = text(tx, 'RltdPties', `${party}Acct`, 'Id', 'Othr', 'Id') ?? text(tx, 'RltdPties', `${party}Acct`, 'Id', 'IBAN');
      if (acct) line.counterpartyAccount = acct;
      const agent = child(tx, 'RltdAgts', `${party}Agt`, 'FinInstnId');
      const bin = asBankBin(text(agent, 'ClrSysMmbId', 'MmbId')) ?? asBankBin(text(agent, 'Othr', 'Id'));
      if (bin) line.counterpartyBankBin = bin;
      return line;
    };
    const endToEnd = (tx: XNode | undefined): string | undefined => {
      const e2e = text(tx, 'Refs', 'EndToEndId');
      return e2e && e2e.toUpperCase() !== 'NOTPROVIDED' ? e2e : undefined;
    };

    const txAmountNode = (tx: XNode) => child(tx, 'Amt') ?? child(tx, 'AmtDtls', 'TxAmt', 'Amt');
    if (txs.length > 1 && txs.some((tx) => txAmountNode(tx) === undefined)) {
      // A batch booked as one sum without the parts' amounts: one record with the entry's amount.
      const line = record(undefined, amount, direction, entryRef ?? null);
      line.description = entryInfo ?? txs.map(remittanceOf).filter((t) => t !== '').join(' ');
      return [line];
    }
    if (txs.length <= 1) {
      const tx = txs[0];
      const id =
        text(ntry, 'AcctSvcrRef') ??
        text(tx, 'Refs', 'AcctSvcrRef') ??
        text(ntry, 'NtryRef') ??
        text(tx, 'Refs', 'TxId') ??
        endToEnd(tx) ??
        null;
      return [record(tx, amount, direction, id)];
    }

    // Batched: one record per transaction; the signed sum must be the entry's amount.
    let net = 0;
    const ownRefs = txs.map((tx) => text(tx, 'Refs', 'AcctSvcrRef') ?? text(tx, 'Refs', 'TxId'));
    const lines = txs.map((tx, k) => {
      const txAmount = this.amountOf(txAmountNode(tx), tx, `transaction ${k + 1} of the batch`);
      const txIndicator = text(tx, 'CdtDbtInd');
      const txDirection = txIndicator === undefined ? direction : this.directionOf(txIndicator, tx);
      net += txDirection === direction ? txAmount : -txAmount;
      const own = ownRefs[k];
      const shared = own !== undefined && ownRefs.indexOf(own) !== ownRefs.lastIndexOf(own);
      const id =
        (own !== undefined ? (shared ? `${own}/${k + 1}` : own) : undefined) ??
        (entryRef !== undefined ? `${entryRef}/${k + 1}` : undefined) ??
        endToEnd(tx) ??
        null;
      return record(tx, txAmount, txDirection, id);
    });
    if (net !== amount) {
      this.fail(
        `the entry amount ${formatVndPlain(amount)} is not the sum of its ${txs.length} transactions (${formatVndPlain(net)})`,
        amountNode?.line ?? ntry.line,
      );
    }
    return lines;
  }

  private amountOf(node: XNode | undefined, owner: XNode, what: string): number {
    if (node === undefined) return this.fail(`the ${what} has no amount <Amt>`, owner.line);
    const ccy = node.attrs.Ccy;
    if (ccy === undefined) this.fail(`<Amt> has no Ccy attribute`, node.line);
    if (ccy !== 'VND') this.fail(`currency ${ccy} is not VND`, node.line);
    const parsed = parseDecimalVnd(node.text, '.');
    if (!parsed.ok) return this.fail(parsed.problem, node.line);
    return parsed.value;
  }

  private directionOf(indicator: string | undefined, owner: XNode): 'in' | 'out' {
    if (indicator === 'CRDT') return 'in';
    if (indicator === 'DBIT') return 'out';
    return this.fail(
      indicator === undefined ? 'no <CdtDbtInd>' : `<CdtDbtInd> ${JSON.stringify(indicator)} is neither CRDT nor DBIT`,
      owner.line,
    );
  }

  private dateOf(node: XNode | undefined): Date | undefined {
    const value = text(node, 'DtTm') ?? text(node, 'Dt');
    if (value === undefined) return undefined;
    const parsed = parseStatementDate(value, 'booking date');
    if (!parsed.ok) this.fail(parsed.problem, node!.line);
    return parsed.value;
  }
}
