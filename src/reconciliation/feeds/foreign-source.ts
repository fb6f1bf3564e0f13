/**
 * The identity under which a transfer a bank feed reports for an account that is not its owner's
 * is stored. A feed speaks only for its owner: such a transfer pays nothing (`foreign_account`),
 * and it must not take the dedup keys — (source, external id) and (account, bank reference) — of
 * the real transfer either, or a feed could report another owner's incoming transfer first and have
 * the real one dropped as a duplicate. So it is stored under a source of its own feed, without a
 * bank reference (the provider's body, kept in `raw`, still carries it).
 */
const PREFIX = 'feed:';
const SUFFIX = ':foreign';

export function foreignFeedSource(feedId: string): string {
  return `${PREFIX}${feedId}${SUFFIX}`;
}

export function isForeignFeedSource(source: string): boolean {
  return source.startsWith(PREFIX) && source.endsWith(SUFFIX);
}
