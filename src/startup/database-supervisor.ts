/**
 * Keeps the embedded PostgreSQL running while the app runs. When the server dies (killed, out of
 * memory, crashed) the app is told at once (`down`: readiness answers 503), the server is restarted
 * on the same port and data directory (`up`), and when it keeps dying (DATABASE_RESTARTS) or cannot
 * be restarted, `giveUp` says why: the caller stops the app with a non-zero exit code, so that a
 * supervisor restarts the whole.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmbeddedServer, ServerExit } from '../database/embedded-postgres.js';
import { explainStartupFailure, type FailureContext } from './explain-failure.js';
import { DATABASE_RESTARTS, RestartBudget } from './restart-budget.js';
import type { StartupLog } from './startup-log.js';
import { lastMessage } from './startup-problem.js';

export interface DatabaseEvents {
  down(reason: string): void;
  up(): void;
  giveUp(line: string): void;
}

/** "the embedded PostgreSQL (pid 123) was killed (SIGKILL, e.g. by the out-of-memory killer)". Pure. */
export function describeServerExit(pid: number, exit: ServerExit): string {
  const how = exit.signal
    ? `was killed (${exit.signal}${exit.signal === 'SIGKILL' ? ', e.g. by the out-of-memory killer' : ''})`
    : `exited with code ${exit.code}`;
  // A killed server's last lines are its backends' farewells; otherwise the last one says why.
  const said = !exit.signal && /PANIC:|FATAL:/.test(exit.output) ? `: ${lastMessage(exit.output)}` : '';
  return `the embedded PostgreSQL (pid ${pid}) ${how}${said}`;
}

export class DatabaseSupervisor {
  private server!: EmbeddedServer;
  private closing = false;
  private readonly budget = new RestartBudget(DATABASE_RESTARTS);

  constructor(
    server: EmbeddedServer,
    /** Starts the server again on this port. */
    private readonly restart: (port: number) => Promise<EmbeddedServer>,
    private readonly events: DatabaseEvents,
    private readonly log: Pick<StartupLog, 'info' | 'warn'>,
    private readonly ctx: FailureContext,
  ) {
    this.watch(server);
  }

  private watch(server: EmbeddedServer): void {
    this.server = server;
    server.onExit((exit) => void this.died(server, exit));
  }

  private async died(server: EmbeddedServer, exit: ServerExit): Promise<void> {
    if (this.closing) return;
    const reason = describeServerExit(server.pid, exit);
    this.events.down(reason);
    if (!this.budget.take(Date.now())) {
      this.events.giveUp(`stops: ${reason}, its ${DATABASE_RESTARTS.max + 1}th death within ${DATABASE_RESTARTS.windowMs / 60_000} minutes; not restarting it again`);
      return;
    }
    this.log.warn(`${reason}; restarting it`);
    // The killed server's processes take a moment to notice and let go of its shared memory.
    for (let attempt = 1; ; attempt++) {
      if (this.closing) return;
      try {
        const next = await this.restart(server.port);
        if (this.closing) {
          await next.stop();
          return;
        }
        this.watch(next);
        this.log.info(`the embedded PostgreSQL is back (pid ${next.pid})`);
        this.events.up();
        return;
      } catch (e) {
        if (attempt >= 8) {
          this.events.giveUp(`stops: ${reason}, and restarting it failed: ${explainStartupFailure(e, this.ctx).line}`);
          return;
        }
        await sleep(250 * attempt);
      }
    }
  }

  async stop(): Promise<void> {
    this.closing = true;
    await this.server.stop();
  }
}
