/**
 * What a process has started, closed in reverse order on SIGTERM/SIGINT/SIGHUP or a fatal error:
 * the HTTP server (and its open requests) before the database. A second signal does not interrupt
 * the closing; after `forceAfterMs` the process exits anyway.
 */
import type { StartupLog } from './startup-log.js';

export class Lifecycle {
  private readonly closers: Array<{ name: string; close: () => Promise<void> }> = [];
  private exiting: Promise<never> | null = null;

  constructor(
    private readonly log: StartupLog,
    private readonly forceAfterMs = 60_000,
  ) {}

  get closing(): boolean {
    return this.exiting !== null;
  }

  add(name: string, close: () => Promise<void>): void {
    this.closers.push({ name, close });
  }

  onSignals(): void {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, () => {
        if (!this.closing) this.log.info(`${signal}: shutting down`);
        void this.exit(0);
      });
    }
  }

  /** Closes everything started so far, newest first, then exits with `code`. */
  exit(code: number): Promise<never> {
    this.exiting ??= (async () => {
      setTimeout(() => {
        this.log.warn(`shutdown took longer than ${this.forceAfterMs / 1000} s; exiting now`);
        process.exit(code || 1);
      }, this.forceAfterMs).unref();
      for (const c of this.closers.reverse()) {
        try {
          await c.close();
        } catch (e) {
          this.log.warn(`closing ${c.name} failed: ${(e as Error).message}`);
        }
      }
      process.exit(code);
    })();
    return this.exiting;
  }
}
