import type { MediaConfig } from '../../config/config.js';
import { DiskMediaStorage } from './disk-media-storage.js';
import type { MediaStorage } from './media-storage.js';
import { S3MediaStorage } from './s3-media-storage.js';

/** The adapter MEDIA_STORAGE names: disk under DATA_DIR/media (default) or S3-compatible. */
export function createMediaStorage(config: MediaConfig): MediaStorage {
  if (config.storage === 's3') return new S3MediaStorage(config.s3!);
  return new DiskMediaStorage(config.dir);
}
