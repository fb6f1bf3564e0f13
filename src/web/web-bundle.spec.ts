import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ASSET_NAME, projectRoot, webDistDir } from './web-bundle.js';

describe('web bundle location', () => {
  it('finds the nearest package.json above a folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'ocop-web-'));
    writeFileSync(join(root, 'package.json'), '{}');
    mkdirSync(join(root, 'dist', 'src', 'web'), { recursive: true });
    expect(projectRoot(join(root, 'dist', 'src', 'web'))).toBe(root);
    expect(webDistDir(root)).toBe(join(root, 'dist', 'web'));
  });

  it('this project: dist/web under the folder of package.json', () => {
    expect(webDistDir()).toBe(join(projectRoot(), 'dist', 'web'));
  });

  it.each([
    ['shop-Bq3x_9aZ.js', true],
    ['manage-DdE1.css', true],
    ['favicon.svg', true],
    ['.env', false],
    ['..', false],
    ['a/b.js', false],
    ['a\\b.js', false],
    ['', false],
  ])('asset name %j allowed: %s', (name, ok) => {
    expect(ASSET_NAME.test(name)).toBe(ok);
  });
});
