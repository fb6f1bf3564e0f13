import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { Clock } from '../common/clock.js';
import { Forbidden, InvalidInput, NotFound } from '../common/errors.js';
import { CooperativesService } from '../cooperatives/cooperatives.service.js';
import { BankTransactionsService, type IncomingBankTransaction } from './bank-transactions.service.js';
import type { StatementImportDto } from './dto/reconciliation.dto.js';
import { DETECT_BYTES, detectStatementFormat, parseStatement, type StatementFormat, type StatementLine, type TextEncoding } from './statements/index.js';
import { vietnamDate } from '../common/clock.js';

const BATCH = 1000;

type ReadOptions = { accountNumber?: string; encoding?: TextEncoding };
const STALE_MS = 120_000;

interface ImportRow {
  id: string;
  filename: string;
  format: StatementFormat;
  account_number: string | null;
  sha256: string;
  status: string;
  lines_read: number;
  inserted: number;
  duplicates: number;
  matched: number;
  unmatched: number;
  skipped: number;
  flagged: number;
  reversals: number;
  encoding: string | null;
  error: string | null;
  error_line: number | null;
  created_at: Date;
  heartbeat_at: Date;
  finished_at: Date | null;
}

/**
 * Statement imports (POST /reconciliation/statements). The upload is spooled to a temporary file,
 * read once to validate every line (a bad file is a 400 naming the line, and changes nothing), then
 * imported in batches of 1,000 lines, each stored and matched in one transaction. Every line has a
 * stable key (the bank's id, or a content hash with its occurrence number), so importing the same
 * file again adds nothing, and an import killed mid-way can simply be run again: it ends in exactly
 * the state an uninterrupted import reaches.
 */
@Injectable()
export class StatementImportService implements OnModuleDestroy {
  private readonly log = new Logger(StatementImportService.name);
  private readonly running = new Set<Promise<void>>();

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly txns: BankTransactionsService,
    private readonly cooperatives: CooperativesService,
    private readonly clock: Clock,
  ) {}

  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  async start(
    p: Principal,
    file: { path: string; originalname: string; size: number },
    opts: { accountNumber?: string; format?: StatementFormat; encoding?: TextEncoding; wait: boolean },
  ): Promise<{ status: number; body: StatementImportDto }> {
    try {
      let account = opts.accountNumber;
      if (p.role === 'cooperative') {
        const own = (await this.cooperatives.get(p.cooperativeId!)).bankAccountNumber;
        if (account && account !== own) throw new Forbidden('A cooperative imports statements of its own account only');
        account = own;
      } else if (p.role !== 'admin') {
        throw new Forbidden('Only admins and cooperatives import statements');
      }
      const format = opts.format ?? detectStatementFormat(await this.head(file.path), file.originalname);
      const read = { accountNumber: account, encoding: opts.encoding };
      const { sha256, lines, accounts } = await this.validate(file.path, format, read);
      if (p.role === 'cooperative' && [...accounts].some((a) => a !== account)) {
        throw new Forbidden('The statement holds transactions of another account than yours');
      }
      const [row]: ImportRow[] = await this.ds.query(
        `INSERT INTO statement_imports (filename, format, account_number, sha256, size_bytes, status, created_by, created_at, heartbeat_at, encoding)
         VALUES ($1, $2, $3, $4, $5, 'processing', $6, $7, $7, $8) RETURNING *`,
        [file.originalname.slice(0, 200), format, account ?? ([...accounts][0] ?? null), sha256, file.size, p.keyId, this.clock.now(), opts.encoding ?? null],
      );
      this.log.log(`statement import ${row.id}: ${lines} lines of ${format} (${file.originalname})`);
      const job = this.run(row.id, file.path, format, read).finally(() => {
        this.running.delete(job);
        void rm(file.path, { force: true });
      });
      this.running.add(job);
      if (opts.wait) {
        await job;
        return { status: 201, body: await this.get(p, row.id) };
      }
      return { status: 202, body: this.view(row) };
    } catch (e) {
      await rm(file.path, { force: true });
      throw e;
    }
  }

  private async head(path: string): Promise<Buffer> {
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.alloc(DETECT_BYTES);
      const { bytesRead } = await fh.read(buf, 0, DETECT_BYTES, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  }

  /** First pass: every line must parse; nothing is written. */
  private async validate(path: string, format: StatementFormat, read: ReadOptions) {
    const hash = createHash('sha256');
    const stream = createReadStream(path);
    stream.on('data', (c) => hash.update(c));
    let lines = 0;
    const accounts = new Set<string>();
    for await (const line of parseStatement(stream, format, read)) {
      lines += 1;
      accounts.add(line.accountNumber);
    }
    if (lines === 0) throw InvalidInput.field('file', 'holds no transactions');
    return { sha256: hash.digest('hex'), lines, accounts };
  }

  /**
   * Second pass: store and match, batch by batch, one after the other. The next batch is parsed
   * while the previous one is being written (the parser and the database work at the same time);
   * a batch is only written once the one before it has committed.
   */
  private async run(id: string, path: string, format: StatementFormat, read: ReadOptions): Promise<void> {
    const occurrences = new Map<string, number>();
    let batch: IncomingBankTransaction[] = [];
    let skipped = 0;
    const write = async (txns: IncomingBankTransaction[]) => {
      const zeroLines = skipped;
      skipped = 0;
      await this.ds.transaction(async (m) => {
        const r = await this.txns.ingest(m, txns);
        const matched = r.inserted - (r.outcomes.unmatched ?? 0) - (r.outcomes.outgoing ?? 0) - (r.outcomes.reversal ?? 0);
        await m.query(
          `UPDATE statement_imports SET lines_read = lines_read + $2, inserted = inserted + $3, duplicates = duplicates + $4,
             matched = matched + $5, unmatched = unmatched + $6, heartbeat_at = $7, skipped = skipped + $8, flagged = flagged + $9,
             reversals = reversals + $10 WHERE id = $1`,
          [id, txns.length + zeroLines, r.inserted, r.duplicates, matched, r.outcomes.unmatched ?? 0, this.clock.now(), zeroLines, r.flagged, r.reversals],
        );
      });
    };
    let inFlight: Promise<void> | null = null;
    const flush = async () => {
      const txns = batch;
      batch = [];
      if (inFlight) await inFlight; // the previous batch has committed (or its error is thrown here)
      inFlight = write(txns);
      inFlight.catch(() => undefined); // awaited before the next batch or at the end; not unhandled meanwhile
    };
    try {
      for await (const line of parseStatement(createReadStream(path), format, read)) {
        // A zero-amount line (a waived fee, a notice) moves no money: counted, not stored.
        if (line.amountVnd === 0) skipped++;
        else batch.push(this.toTransaction(line, id, occurrences));
        if (batch.length >= BATCH) await flush();
      }
      if (batch.length || skipped) await flush();
      if (inFlight) await inFlight;
      await this.ds.query(`UPDATE statement_imports SET status = 'completed', finished_at = $2, heartbeat_at = $2 WHERE id = $1`, [id, this.clock.now()]);
    } catch (e) {
      // A batch still being written finishes (commits or rolls back) before the failure is recorded.
      if (inFlight) await (inFlight as Promise<void>).catch(() => undefined);
      this.log.error({ err: e }, `statement import ${id} failed`);
      const lineNo = (e as { lineNo?: number }).lineNo ?? null;
      await this.ds
        .query(`UPDATE statement_imports SET status = 'failed', error = $2, error_line = $3, finished_at = $4 WHERE id = $1`, [
          id,
          e instanceof Error ? e.message.slice(0, 500) : String(e),
          lineNo,
          this.clock.now(),
        ])
        .catch(() => undefined);
    }
  }

  /**
   * A stable key per line (the transfer's identity, README "What is one transfer"): with a bank
   * reference, the account, reference, direction, amount and business day; without one, a hash of
   * the line's content numbered by its occurrence in the file (the n-th identical line is the n-th
   * transfer).
   */
  toTransaction(line: StatementLine, importId: string, occurrences: Map<string, number>): IncomingBankTransaction {
    let externalId: string;
    if (line.bankTransactionId) {
      externalId = `${line.accountNumber}:${line.bankTransactionId}:${line.direction}:${line.amountVnd}:${vietnamDate(line.bookedAt)}`;
    } else {
      const h = createHash('sha256')
        .update(`${line.accountNumber}|${line.bookedAt.toISOString()}|${line.direction}|${line.amountVnd}|${line.description}`)
        .digest('base64url')
        .slice(0, 22);
      const n = (occurrences.get(h) ?? 0) + 1;
      occurrences.set(h, n);
      externalId = `${line.accountNumber}:h:${h}:${n}`;
    }
    return {
      source: 'statement',
      externalId,
      accountNumber: line.accountNumber,
      bankBin: null,
      direction: line.direction,
      amountVnd: line.amountVnd,
      content: line.description,
      referenceCode: line.bankTransactionId,
      counterpartyName: line.counterpartyName ?? null,
      counterpartyAccount: line.counterpartyAccount ?? null,
      bookedAt: line.bookedAt,
      statementImportId: importId,
      reversal: line.reversal === true,
    };
  }

  async get(p: Principal, id: string): Promise<StatementImportDto> {
    const [row]: ImportRow[] = await this.ds.query(`SELECT * FROM statement_imports WHERE id = $1`, [id]);
    if (!row) throw new NotFound('Statement import', id);
    if (p.role === 'cooperative') {
      const own = (await this.cooperatives.get(p.cooperativeId!)).bankAccountNumber;
      if (row.account_number !== own) throw new Forbidden('This import is not yours');
    } else if (p.role !== 'admin') {
      throw new Forbidden('Only admins and cooperatives read statement imports');
    }
    return this.view(row);
  }

  private view(r: ImportRow): StatementImportDto {
    const stale = r.status === 'processing' && this.clock.now().getTime() - new Date(r.heartbeat_at).getTime() > STALE_MS;
    return {
      id: r.id,
      filename: r.filename,
      format: r.format,
      accountNumber: r.account_number,
      sha256: r.sha256,
      status: stale ? 'interrupted' : r.status,
      linesRead: r.lines_read,
      inserted: r.inserted,
      duplicates: r.duplicates,
      matched: r.matched,
      unmatched: r.unmatched,
      skipped: r.skipped,
      flagged: r.flagged,
      reversals: r.reversals,
      encoding: r.encoding,
      error: stale ? 'the import stopped (instance restarted?); upload the file again: lines already stored are skipped' : r.error,
      errorLine: r.error_line,
      createdAt: new Date(r.created_at).toISOString(),
      finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
    };
  }
}
