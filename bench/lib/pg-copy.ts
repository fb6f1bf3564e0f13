/**
 * COPY … FROM STDIN through a plain `pg` client, without extra packages: a minimal "submittable"
 * query (the interface pg-copy-streams uses) that streams the chunks of `source` as CopyData
 * messages, honouring the socket's back-pressure. Resolves with the row count COPY reports.
 */
import { once } from 'node:events';
import type pg from 'pg';

interface Connection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(msg: string): void;
  stream: NodeJS.WritableStream & { writableNeedDrain?: boolean };
}

class CopyIn {
  callback?: (err: Error | null, rows?: number) => void;
  private rows = 0;
  private failed = false;
  private finished = false;

  constructor(
    readonly text: string,
    private readonly source: AsyncIterable<Buffer | string>,
  ) {}

  submit(connection: Connection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: Connection): void {
    void this.pump(connection);
  }

  private async pump(connection: Connection): Promise<void> {
    try {
      for await (const chunk of this.source) {
        if (this.failed) return;
        connection.sendCopyFromChunk(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if (connection.stream.writableNeedDrain) await once(connection.stream, 'drain');
      }
      connection.endCopyFrom();
    } catch (e) {
      connection.sendCopyFail(e instanceof Error ? e.message : String(e));
    }
  }

  handleCommandComplete(msg: { text?: string }): void {
    const m = /^COPY (\d+)/.exec(msg.text ?? '');
    if (m) this.rows = Number(m[1]);
  }

  handleReadyForQuery(): void {
    this.finish(null);
  }

  handleError(err: Error): void {
    this.failed = true;
    this.finish(err);
  }

  private finish(err: Error | null): void {
    if (this.finished) return;
    this.finished = true;
    this.callback?.(err, this.rows);
  }

  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}

/** Runs `COPY … FROM STDIN …` (`sql`) on `client`, feeding it `source`; returns the rows copied. */
export function copyFrom(client: pg.ClientBase, sql: string, source: AsyncIterable<Buffer | string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const q = new CopyIn(sql, source);
    q.callback = (err, rows) => (err ? reject(err) : resolve(rows ?? 0));
    client.query(q as unknown as pg.Submittable);
  });
}
