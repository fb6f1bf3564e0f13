import { FEED_PROVIDER_NAMES, FEED_PROVIDERS, feedProvider } from './index.js';

describe('feed provider registry', () => {
  it('lists the four providers of SPEC "Bank feeds", each under its own name', () => {
    expect([...FEED_PROVIDER_NAMES].sort()).toEqual(['casso', 'casso_legacy', 'pay2s', 'sepay']);
    for (const [name, p] of Object.entries(FEED_PROVIDERS)) expect(p.name).toBe(name);
  });

  it('finds a provider by name, and nothing for other names', () => {
    expect(feedProvider('casso')?.name).toBe('casso');
    for (const name of ['toString', '__proto__', 'constructor', 'CASSO', '']) expect(feedProvider(name)).toBeUndefined();
  });
});
