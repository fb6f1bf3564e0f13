import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { generateSecretKey } from '../../common/secret-box.js';
import { feedKeyFile, loadFeedSecretBox } from './feed-secret-box.js';

describe('loadFeedSecretBox', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ocop-feed-keys-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('uses BANK_FEED_ENCRYPTION_KEYS when set, and writes no file', () => {
    const [a, b] = [generateSecretKey(), generateSecretKey()];
    const dataDir = join(root, 'data');
    const box = loadFeedSecretBox({ bankFeedEncryptionKeys: [a, b], dataDir });
    const fromB = loadFeedSecretBox({ bankFeedEncryptionKeys: [b], dataDir }).seal('s3cret', 'f');
    expect(box.open(fromB, 'f')).toBe('s3cret');
    expect(readdirSync(root)).toEqual([]);
  });

  it('zero setup: creates a key file once (mode 600, beside DATA_DIR so initdb still finds DATA_DIR empty) and reuses it', () => {
    const dataDir = join(root, 'data');
    const logs: string[] = [];
    const first = loadFeedSecretBox({ dataDir }, (m) => logs.push(m));
    const file = feedKeyFile(dataDir);
    expect(file).toBe(join(root, 'data-secrets', 'bank-feeds.key'));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(file)).mode & 0o777).toBe(0o700);
    expect(logs).toEqual([expect.stringContaining(file)]);
    expect(logs[0]).not.toContain(readFileSync(file, 'utf8').trim());
    const sealed = first.seal('s3cret', 'feed');
    const second = loadFeedSecretBox({ dataDir }, (m) => logs.push(m));
    expect(second.open(sealed, 'feed')).toBe('s3cret');
    expect(logs).toHaveLength(1);
    expect(readdirSync(dirname(file))).toEqual(['bank-feeds.key']); // no temporary file left
    expect(() => statSync(dataDir)).toThrow(); // DATA_DIR itself untouched
  });

  it('concurrent first starts all end up with the one key that won', () => {
    const dataDir = join(root, 'data');
    const boxes = Array.from({ length: 5 }, () => loadFeedSecretBox({ dataDir }));
    const sealed = boxes[0].seal('x', 'f');
    for (const b of boxes) expect(b.open(sealed, 'f')).toBe('x');
  });

  it('a corrupt key file stops the start with a message naming the file', () => {
    const dataDir = join(root, 'data');
    mkdirSync(dirname(feedKeyFile(dataDir)), { recursive: true });
    writeFileSync(feedKeyFile(dataDir), 'not a key');
    expect(() => loadFeedSecretBox({ dataDir })).toThrow(new RegExp(`${feedKeyFile(dataDir)}: must be 32 random bytes`));
  });
});
