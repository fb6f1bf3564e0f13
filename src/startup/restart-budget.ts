/**
 * How often something that died may be restarted: at most `max` restarts within `windowMs`. Past
 * that, restarting again would only hide a fault (a crash loop): the caller gives up and exits
 * non-zero, so that a supervisor (systemd, Docker, Kubernetes) and a person see it. Pure.
 */
export interface RestartBudgetOptions {
  max: number;
  windowMs: number;
}

export class RestartBudget {
  private readonly times: number[] = [];
  constructor(private readonly opts: RestartBudgetOptions) {}

  /** Records a restart at `now` if the budget allows it; false when it is spent. */
  take(now: number): boolean {
    while (this.times.length && this.times[0] <= now - this.opts.windowMs) this.times.shift();
    if (this.times.length >= this.opts.max) return false;
    this.times.push(now);
    return true;
  }
}

/** The embedded PostgreSQL: 3 restarts in 10 minutes. */
export const DATABASE_RESTARTS: RestartBudgetOptions = { max: 3, windowMs: 10 * 60_000 };
/** Web workers: 5 replacements in a minute. */
export const WORKER_RESTARTS: RestartBudgetOptions = { max: 5, windowMs: 60_000 };
