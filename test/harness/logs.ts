import { Writable } from 'node:stream';

/**
 * The app's log output, kept in memory: pass `capture.stream` as `createTestApp({ log })` (the
 * harness builds the logger as the app does, with createRootLogger, writing here instead of stdout).
 */
export class LogCapture {
  private readonly chunks: string[] = [];
  readonly stream = new Writable({
    write: (chunk: Buffer | string, _encoding, done) => {
      this.chunks.push(chunk.toString());
      done();
    },
  });

  /** Everything written so far. */
  text(): string {
    return this.chunks.join('');
  }

  /** Non-empty lines written so far. */
  lines(): string[] {
    return this.text()
      .split('\n')
      .filter((l) => l.trim() !== '');
  }

  /** The lines as JSON records (LOG_FORMAT=json); throws on a line that is not JSON. */
  records(): Array<Record<string, unknown> & { level: number; msg?: string }> {
    return this.lines().map((l) => JSON.parse(l));
  }

  /** Waits until the output satisfies `ready` (pretty output reaches the stream a few ticks later). */
  async waitFor(ready: (text: string) => boolean, ms = 2000): Promise<void> {
    const until = Date.now() + ms;
    while (!ready(this.text())) {
      if (Date.now() > until) throw new Error(`the log did not show what was awaited within ${ms} ms:\n${this.text().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

/** A log line that is one JSON object (JSON format) rather than a readable line (pretty format). */
export function isJsonLine(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}
