import pg from 'pg';

/**
 * Listens on one PostgreSQL channel for notices from every instance (LISTEN on a connection of its
 * own): what a cache needs to forget entries another instance changed. While it is not listening —
 * not connected yet, or the connection was lost — `live` is false and callers must not trust what
 * they cached: a notice might be missed. A connection that dies silently (a
 * network partition, which TCP may take minutes to notice) is found by a query every
 * HEARTBEAT_MS that must answer within that time. It reconnects with back-off, and calls `onGap`
 * when listening resumes after a gap (everything cached before may be stale).
 */
const HEARTBEAT_MS = 2000;

export class PgListener {
  private client?: pg.Client;
  private stopped = false;
  private retryMs = 250;
  private timer?: NodeJS.Timeout;
  private heartbeat?: NodeJS.Timeout;
  live = false;

  constructor(
    private readonly connectionString: string,
    private readonly channel: string,
    private readonly onNotice: (payload: string) => void,
    private readonly onGap: () => void,
    private readonly log: (msg: string) => void,
  ) {}

  async start(): Promise<void> {
    await this.connect().catch(() => this.schedule());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.live = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.connectionString,
      application_name: `ocop-market:${this.channel}`,
      keepAlive: true,
      query_timeout: HEARTBEAT_MS,
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (n) => {
      if (n.channel === this.channel) this.onNotice(n.payload ?? '');
    });
    await client.connect();
    await client.query(`LISTEN ${this.channel}`);
    if (this.stopped) {
      await client.end();
      return;
    }
    this.client = client;
    this.retryMs = 250;
    // Whatever was cached while nobody listened may have been revoked meanwhile.
    this.onGap();
    this.live = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => {
      client.query('SELECT 1').catch(() => this.lost(client));
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private lost(client: pg.Client): void {
    if (client !== this.client) return;
    this.client = undefined;
    this.live = false;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.onGap();
    if (this.stopped) return;
    this.log(`lost the ${this.channel} channel; nothing cached is trusted until it is back`);
    client.end().catch(() => undefined);
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.connect().catch(() => {
        this.retryMs = Math.min(this.retryMs * 2, 10_000);
        this.schedule();
      });
    }, this.retryMs);
    this.timer.unref();
  }
}
