/**
 * Public product lists (GET /products without includeInactive), kept serialised for a few seconds.
 * Every visitor of the shop asks for the same first pages and the same popular searches; a hit
 * answers without a database query or a serialisation. Pure (time is a parameter).
 *
 * Freshness: a product created, changed, archived or given photos on any instance clears every
 * instance's lists at once (the catalog service announces it through PostgreSQL NOTIFY); stock
 * levels in lists may lag by up to the time to live (a checkout does not clear the lists; the
 * product page and the checkout itself always read the database). A lookup that overlapped a
 * clearing is not stored (generation), and nothing is stored or served while the instance is not
 * listening for clearings.
 */
export class ListCache {
  private readonly entries = new Map<string, { body: string; expiresAt: number }>();
  /** Bumped by every clear(): a list read before it must not be stored after it. */
  generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 500,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  get(key: string, now: number): string | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return e.body;
  }

  set(key: string, body: string, now: number, generation: number): void {
    if (!this.enabled || generation !== this.generation) return;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { body, expiresAt: now + this.ttlMs });
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

/** The cache key of a list query: its parameters in a fixed order, and the day (certificates expire by day). */
export function listKey(query: Record<string, unknown>, today: string): string {
  const parts = Object.keys(query)
    .filter((k) => query[k] !== undefined)
    .sort()
    .map((k) => `${k}=${JSON.stringify(query[k])}`);
  return `${today}|${parts.join('&')}`;
}
