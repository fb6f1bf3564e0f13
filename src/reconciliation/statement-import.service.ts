import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { createReadStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import type { DataSource, EntityManager } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { Forbidden, InvalidInput, NotFound } from '../common/errors.js';
import { CooperativesService } from '../cooperatives/cooperatives.service.js';
import { JobsService } from '../jobs/jobs.service.js';
import { BankTransactionsService, type IncomingBankTransaction } from './bank-transactions.service.js';
import type { StatementImportDto } from './dto/reconciliation.dto.js';
import { DETECT_BYTES, detectStatementFormat, parseStatement, type StatementFormat, type StatementLine, type TextEncoding } from './statements/index.js';
import { Clock, vietnamDate } from '../common/clock.js';

const BATCH = 1000;
/** Batches written at the same time by one import (see run()). */
const WRITERS = 2;
/** The job queue (src/jobs) that runs imports. */
export const STATEMENT_IMPORT_QUEUE = 'statement-import';
/** Size of the pieces the uploaded file is kept in (statement_files). */
const CHUNK_BYTES = 1024 * 1024;
/** An import started this many times without finishing (its process died each time) ends failed. */
export const MAX_IMPORT_ATTEMPTS = 8;

type ReadOptions = { accountNumber?: string; encoding?: TextEncoding };

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
  attempts: number;
  requested_account: string | null;
  done_batches: number[];
  created_at: Date;
  heartbeat_at: Date;
  finished_at: Date | null;
}

/** Why an import stopped without failing: this instance is shutting down (the job is retried). */
class ImportPaused extends Error {}

/**
 * Statement imports (POST /reconciliation/statements), durable across processes.
 *
 * 1. The request: the upload (spooled to a temporary file by the controller) is read once to
 *    validate every line — a bad file is a 400 naming the line and changes nothing — then, in one
 *    transaction, the import row, the file itself (1 MiB pieces in statement_files, where every
 *    instance can read it) and a job on the queue are written. Answer 202 (or, with ?wait=true, 201
 *    once the import has ended).
 * 2. The job (any instance with background work): holds the import's lease (src/jobs), reads the
 *    file back from the database and stores and matches it in batches of 1,000 lines, each batch in
 *    one transaction together with the import's progress (lines_read). Every line has a stable key,
 *    so a batch is never stored twice.
 * 3. A process that dies mid-import (kill -9, OOM) loses its lease with its connections; the
 *    recovery sweep hands the import out again and the next run resumes after the last committed
 *    batch. An import that cannot finish (its file is gone, or it was started MAX_IMPORT_ATTEMPTS
 *    times) ends `failed` with the reason; nobody has to upload the file again.
 */
@Injectable()
export class StatementImportService implements OnModuleInit {
  private readonly log = new Logger(StatementImportService.name);
  /** Emits the id of an import that ended in this process (wait=true answers without polling). */
  private readonly ended = new EventEmitter().setMaxListeners(0);

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly txns: BankTransactionsService,
    private readonly cooperatives: CooperativesService,
    private readonly clock: Clock,
    private readonly jobs: JobsService,
  ) {}

  onModuleInit(): void {
    void this.jobs.register<{ importId: string }>({
      name: STATEMENT_IMPORT_QUEUE,
      handler: (d, ctx) => this.runJob(d.importId, ctx.signal),
      recover: () => this.owed(),
      retryLimit: MAX_IMPORT_ATTEMPTS,
      retryDelaySeconds: 5,
    });
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
      const read: ReadOptions = { accountNumber: account, encoding: opts.encoding };
      const { sha256, lines, accounts } = await this.validate(file.path, format, read);
      if (p.role === 'cooperative' && [...accounts].some((a) => a !== account)) {
        throw new Forbidden('The statement holds transactions of another account than yours');
      }
      const row = await this.ds.transaction(async (m) => {
        const [r]: ImportRow[] = await m.query(
          `INSERT INTO statement_imports (filename, format, account_number, sha256, size_bytes, status, created_by, created_at, heartbeat_at, encoding, requested_account)
           VALUES ($1, $2, $3, $4, $5, 'processing', $6, $7, $7, $8, $9) RETURNING *`,
          [file.originalname.slice(0, 200), format, account ?? ([...accounts][0] ?? null), sha256, file.size, p.keyId, this.clock.now(), opts.encoding ?? null, account ?? null],
        );
        await this.keepFile(m, r.id, file.path);
        await this.jobs.send(STATEMENT_IMPORT_QUEUE, { importId: r.id }, { singletonKey: r.id, manager: m });
        return r;
      });
      this.jobs.wake(STATEMENT_IMPORT_QUEUE);
      this.log.log(`statement import ${row.id}: ${lines} lines of ${format} (${file.originalname}) queued`);
      if (opts.wait) {
        await this.untilEnded(row.id);
        return { status: 201, body: await this.get(p, row.id) };
      }
      return { status: 202, body: this.view(row) };
    } finally {
      await rm(file.path, { force: true });
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

  /** Copies the spooled upload into statement_files, in the transaction that creates the import. */
  private async keepFile(m: EntityManager, importId: string, path: string): Promise<void> {
    let seq = 0;
    for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
      await m.query(`INSERT INTO statement_files (import_id, seq, bytes) VALUES ($1, $2, $3)`, [importId, seq++, chunk]);
    }
  }

  /** The kept file, piece by piece (one piece in memory at a time). */
  private async *fileOf(importId: string): AsyncGenerator<Buffer> {
    for (let seq = 0; ; seq++) {
      const rows: Array<{ bytes: Buffer }> = await this.ds.query(`SELECT bytes FROM statement_files WHERE import_id = $1 AND seq = $2`, [importId, seq]);
      if (!rows.length) return;
      yield rows[0].bytes;
    }
  }

  /** Resolves once the import has ended (completed or failed), in this process or another. */
  private async untilEnded(id: string): Promise<void> {
    for (;;) {
      const [r]: Array<{ status: string }> = await this.ds.query(`SELECT status FROM statement_imports WHERE id = $1`, [id]);
      if (!r || r.status !== 'processing') return;
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), 500);
      try {
        await once(this.ended, id, { signal: ac.signal });
      } catch {
        /* poll again: another instance may run it */
      } finally {
        clearTimeout(timer);
      }
    }
  }

  /**
   * Imports that are owed work (for the recovery sweep, which skips those a live process holds; one
   * still queued keeps its single queued job).
   */
  private async owed(): Promise<Array<{ key: string; data: { importId: string } }>> {
    const rows: Array<{ id: string }> = await this.ds.query(
      `SELECT id FROM statement_imports WHERE status = 'processing' ORDER BY heartbeat_at LIMIT 100`,
    );
    return rows.map((r) => ({ key: r.id, data: { importId: r.id } }));
  }

  /** The job: runs the import under its lease; a second delivery while a live process runs it is a no-op. */
  async runJob(importId: string, signal: AbortSignal): Promise<void> {
    const r = await this.jobs.lease(STATEMENT_IMPORT_QUEUE, importId, () => this.resume(importId, signal));
    if (!r.held) this.log.debug(`statement import ${importId}: another process is running it`);
  }

  private async resume(id: string, signal: AbortSignal): Promise<void> {
    const [[row]]: [ImportRow[], number] = await this.ds.query(
      `UPDATE statement_imports SET attempts = attempts + 1, heartbeat_at = $2 WHERE id = $1 AND status = 'processing' RETURNING *`,
      [id, this.clock.now()],
    );
    if (!row) return; // ended already (or unknown)
    if (row.attempts > MAX_IMPORT_ATTEMPTS) {
      await this.fail(id, `the import was started ${MAX_IMPORT_ATTEMPTS} times without finishing (the process running it stopped each time); ${row.lines_read} lines were stored, the rest were not`, null);
      return;
    }
    const [{ pieces }] = await this.ds.query(`SELECT count(*)::int AS pieces FROM statement_files WHERE import_id = $1`, [id]);
    if (!pieces) {
      await this.fail(id, `the uploaded file is no longer available; ${row.lines_read} lines were stored`, null);
      return;
    }
    if (row.done_batches.length) this.log.warn(`statement import ${id}: resuming; ${row.done_batches.length} batches (${row.lines_read} lines) were stored already (attempt ${row.attempts})`);
    try {
      await this.run(row, signal);
    } catch (e) {
      if (e instanceof ImportPaused) throw e; // retried by the queue, or handed out by the sweep
      this.log.error({ err: e }, `statement import ${id} failed`);
      const lineNo = (e as { lineNo?: number }).lineNo ?? null;
      await this.fail(id, e instanceof Error ? e.message.slice(0, 500) : String(e), lineNo);
    }
  }

  private async fail(id: string, reason: string, lineNo: number | null): Promise<void> {
    await this.ds.transaction(async (m) => {
      await m.query(`UPDATE statement_imports SET status = 'failed', error = $2, error_line = $3, finished_at = $4, heartbeat_at = $4 WHERE id = $1`, [
        id,
        reason,
        lineNo,
        this.clock.now(),
      ]);
      await m.query(`DELETE FROM statement_files WHERE import_id = $1`, [id]);
    });
    this.log.error(`statement import ${id} failed: ${reason}`);
    this.ended.emit(id);
  }

  /**
   * Stores and matches the file, batch by batch: a batch is BATCH parsed lines (zero-amount lines
   * are counted, not stored), stored and matched in one transaction that also records the batch as
   * done. WRITERS batches are written at a time (the parser reads ahead meanwhile), on connections
   * of their own, so the database and this process work in parallel; batches that touch the same
   * orders serialise on the orders' row locks, and a batch that meets a deadlock or a
   * serialization failure with another is run again. Batches recorded as done by an earlier run
   * are skipped (their lines are still parsed: their keys number repeated lines).
   */
  private async run(row: ImportRow, signal: AbortSignal): Promise<void> {
    const id = row.id;
    // The options the request validated with (the encoding only when it was forced).
    const read: ReadOptions = { accountNumber: row.requested_account ?? undefined, encoding: (row.encoding ?? undefined) as TextEncoding | undefined };
    const done = new Set(row.done_batches);
    const occurrences = new Map<string, number>();
    const write = async (batchNo: number, txns: IncomingBankTransaction[], lines: number) => {
      for (let attempt = 1; ; attempt++) {
        try {
          await this.ds.transaction(async (m) => {
            const r = await this.txns.ingest(m, txns);
            const matched = r.inserted - (r.outcomes.unmatched ?? 0) - (r.outcomes.outgoing ?? 0) - (r.outcomes.reversal ?? 0);
            await m.query(
              `UPDATE statement_imports SET lines_read = lines_read + $2, inserted = inserted + $3, duplicates = duplicates + $4,
                 matched = matched + $5, unmatched = unmatched + $6, heartbeat_at = $7, skipped = skipped + $8, flagged = flagged + $9,
                 reversals = reversals + $10, done_batches = array_append(done_batches, $11) WHERE id = $1`,
              [id, lines, r.inserted, r.duplicates, matched, r.outcomes.unmatched ?? 0, this.clock.now(), lines - txns.length, r.flagged, r.reversals, batchNo],
            );
          });
          return;
        } catch (e) {
          const code = (e as { driverError?: { code?: string }; code?: string }).driverError?.code ?? (e as { code?: string }).code;
          if ((code === '40P01' || code === '40001') && attempt < 10) continue; // rolled back whole: run it again
          throw e;
        }
      }
    };
    const inFlight = new Set<Promise<void>>();
    let failure: unknown;
    const submit = async (batchNo: number, txns: IncomingBankTransaction[], lines: number) => {
      while (inFlight.size >= WRITERS) await Promise.race(inFlight);
      if (failure) throw failure;
      if (signal.aborted) throw new ImportPaused('this instance is shutting down');
      const p: Promise<void> = write(batchNo, txns, lines)
        .catch((e) => {
          failure ??= e;
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    };
    let lineNo = 0;
    let batch: IncomingBankTransaction[] = [];
    let batchLines = 0;
    try {
      for await (const line of parseStatement(this.fileOf(id), row.format, read)) {
        // A zero-amount line (a waived fee, a notice) moves no money: counted, not stored.
        const txn = line.amountVnd === 0 ? null : this.toTransaction(line, id, occurrences);
        const batchNo = Math.floor(lineNo++ / BATCH);
        if (done.has(batchNo)) continue; // committed by an earlier run
        if (txn) batch.push(txn);
        batchLines++;
        if (lineNo % BATCH === 0) {
          await submit(batchNo, batch, batchLines);
          batch = [];
          batchLines = 0;
        }
      }
      if (batchLines) await submit(Math.floor((lineNo - 1) / BATCH), batch, batchLines);
    } finally {
      // Batches still being written finish (commit or roll back) before anything else happens.
      await Promise.allSettled([...inFlight]);
    }
    if (failure) throw failure;
    await this.ds.transaction(async (m) => {
      await m.query(`UPDATE statement_imports SET status = 'completed', finished_at = $2, heartbeat_at = $2 WHERE id = $1`, [id, this.clock.now()]);
      await m.query(`DELETE FROM statement_files WHERE import_id = $1`, [id]);
    });
    this.ended.emit(id);
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
    return {
      id: r.id,
      filename: r.filename,
      format: r.format,
      accountNumber: r.account_number,
      sha256: r.sha256,
      status: r.status,
      linesRead: r.lines_read,
      inserted: r.inserted,
      duplicates: r.duplicates,
      matched: r.matched,
      unmatched: r.unmatched,
      skipped: r.skipped,
      flagged: r.flagged,
      reversals: r.reversals,
      encoding: r.encoding,
      error: r.error,
      errorLine: r.error_line,
      createdAt: new Date(r.created_at).toISOString(),
      finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
    };
  }
}
