import { describeDirectory, pathChain } from './postgres-user.js';

describe('pathChain', () => {
  it.each([
    ['/root/ocop-market/.data', ['/', '/root', '/root/ocop-market', '/root/ocop-market/.data']],
    ['/', ['/']],
    ['/var/lib/ocop-market/', ['/', '/var', '/var/lib', '/var/lib/ocop-market']],
  ])('%s → every directory from / down', (path, chain) => expect(pathChain(path)).toEqual(chain));
});

describe('describeDirectory', () => {
  it.each([
    ['/root', { mode: 0o40700, uid: 0 }, '/root (mode 700, owner root)'],
    ['/home/lan', { mode: 0o40750, uid: 1000 }, '/home/lan (mode 750, owner uid 1000)'],
    ['/gone', null, '/gone'],
  ])('%s', (dir, stat, text) => expect(describeDirectory(dir, stat)).toBe(text));
});
