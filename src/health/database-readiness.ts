import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { type HealthIndicatorResult, TypeOrmHealthIndicator } from '@nestjs/terminus';

/**
 * What this process knows about its database beyond a ping. The start-up code that supervises the
 * embedded PostgreSQL (this process, or the cluster primary through a message) reports here the
 * moment the server dies, so readiness answers 503 at once, saying why, without waiting on a ping.
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

/**
 * The readiness check. A 503 names the problem in its `message` (the error filter keeps only that):
 * "database: the embedded PostgreSQL (pid 123) was killed (…)", or "database: does not answer".
 */
@Injectable()
export class DatabaseReadiness {
  constructor(private readonly db: TypeOrmHealthIndicator) {}

  async check(): Promise<HealthIndicatorResult<'database'>> {
    const down = databaseAvailability.downReason();
    if (down) throw new ServiceUnavailableException(`database: ${down}`);
    const result = await this.db.pingCheck('database', { timeout: 2000 });
    if (result.database.status !== 'up') throw new ServiceUnavailableException('database: does not answer');
    return result;
  }
}
