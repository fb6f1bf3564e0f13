import { ListCache, listKey } from './list-cache.js';

describe('ListCache', () => {
  it('answers what was stored until it expires', () => {
    const c = new ListCache(2000);
    c.set('k', '{"items":[]}', 1000, c.generation);
    expect(c.get('k', 2999)).toBe('{"items":[]}');
    expect(c.get('k', 3000)).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('does not store a list read before a clearing', () => {
    const c = new ListCache(2000);
    const gen = c.generation;
    c.clear(); // a product changed while the list was being read
    c.set('k', 'stale', 0, gen);
    expect(c.get('k', 1)).toBeUndefined();
    c.set('k', 'fresh', 0, c.generation);
    expect(c.get('k', 1)).toBe('fresh');
    c.clear();
    expect(c.get('k', 1)).toBeUndefined();
  });

  it('stores nothing when the time to live is 0, and keeps at most maxEntries (the oldest go)', () => {
    const off = new ListCache(0);
    off.set('k', 'x', 0, off.generation);
    expect(off.get('k', 0)).toBeUndefined();
    const c = new ListCache(1000, 2);
    for (const k of ['a', 'b', 'c']) c.set(k, k, 0, c.generation);
    expect([c.get('a', 1), c.get('b', 1), c.get('c', 1)]).toEqual([undefined, 'b', 'c']);
  });
});

describe('listKey', () => {
  it('is the same for the same query in any order, different per value and per day', () => {
    expect(listKey({ q: 'ca phe', limit: 20, sort: undefined }, '2026-12-01')).toBe(listKey({ limit: 20, q: 'ca phe' }, '2026-12-01'));
    expect(listKey({ q: 'ca phe' }, '2026-12-01')).not.toBe(listKey({ q: 'ca phê' }, '2026-12-01'));
    expect(listKey({ q: 'ca phe' }, '2026-12-01')).not.toBe(listKey({ q: 'ca phe' }, '2026-12-02'));
    expect(listKey({ limit: 2 }, 'd')).not.toBe(listKey({ limit: '2' }, 'd'));
  });
});
