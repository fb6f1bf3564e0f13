import type { BankFeedProvider } from '../provider.js';
import { casso } from './casso.js';
import { cassoLegacy } from './casso-legacy.js';
import { pay2s } from './pay2s.js';
import { sepay } from './sepay.js';

/** Every provider a feed may use, by the `provider` name a feed is created with. A fifth is one line here. */
export const FEED_PROVIDERS = {
  sepay,
  casso,
  casso_legacy: cassoLegacy,
  pay2s,
} satisfies Record<string, BankFeedProvider>;

export type FeedProviderName = keyof typeof FEED_PROVIDERS;
export const FEED_PROVIDER_NAMES = Object.keys(FEED_PROVIDERS) as FeedProviderName[];

export function feedProvider(name: string): BankFeedProvider | undefined {
  return Object.hasOwn(FEED_PROVIDERS, name) ? FEED_PROVIDERS[name as FeedProviderName] : undefined;
}
