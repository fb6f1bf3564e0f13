import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { assertKey, MediaStorage, type StoredObject } from './media-storage.js';

/**
 * Files under a directory (DATA_DIR/media by default). Writes go to a temporary name first and are
 * renamed into place, so a reader never sees half a file. Several app instances need a shared
 * directory (NFS…) or, better, S3-compatible storage.
 */
export class DiskMediaStorage extends MediaStorage {
  private readonly root: string;

  constructor(root: string) {
    super();
    this.root = resolve(root);
  }

  async put(key: string, data: Buffer): Promise<void> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(tmp, data);
    await rename(tmp, path);
  }

  async read(key: string): Promise<Buffer | null> {
    try {
      return await readFile(this.path(key));
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  async open(key: string): Promise<StoredObject | null> {
    const path = this.path(key);
    try {
      const s = await stat(path);
      if (!s.isFile()) return null;
      return { stream: createReadStream(path), length: s.size };
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  async delete(keys: string[]): Promise<void> {
    const dirs = new Set<string>();
    for (const key of keys) {
      const path = this.path(key);
      await rm(path, { force: true });
      dirs.add(dirname(path));
    }
    // A photo's folder goes with its last file (rmdir refuses a folder that is not empty).
    for (const dir of dirs) if (dir !== this.root) await rmdir(dir).catch(() => undefined);
  }

  directUrl(): string | null {
    return null;
  }

  describe(): string {
    return `disk ${this.root}`;
  }

  private path(key: string): string {
    assertKey(key);
    return join(this.root, ...key.split('/'));
  }
}

function isMissing(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
