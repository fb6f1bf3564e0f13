import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult, TypeOrmHealthIndicator } from '@nestjs/terminus';

/**
 * What this process knows about its database beyond a ping. The start-up code that supervises the
 * embedded PostgreSQL (this process, or the cluster primary through a message) reports here the
 * moment the server dies, so readiness answers 503 at once instead of waiting for a ping to fail.
 */
class DatabaseAvailability {
  private reason: string | null = null;
  markDown(reason: string): void {
    this.reason = reason;
  }
  markUp(): void {
    this.reason = null;
  }
  /** Why the database is known to be down, or null. */
  downReason(): string | null {
    return this.reason;
  }
}

/** One per process (the app module may be built several times in tests; the process has one database). */
export const databaseAvailability = new DatabaseAvailability();

@Injectable()
export class DatabaseReadiness {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly db: TypeOrmHealthIndicator,
  ) {}

  async check(): Promise<HealthIndicatorResult<'database'>> {
    const down = databaseAvailability.downReason();
    if (down) return this.indicators.check('database').down({ message: down });
    return this.db.pingCheck('database', { timeout: 2000 });
  }
}
