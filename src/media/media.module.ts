import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { MediaController } from './media.controller.js';
import { MediaService } from './media.service.js';
import { createMediaStorage } from './storage/create-storage.js';
import { MediaStorage } from './storage/media-storage.js';

/**
 * Product photos: upload checks, re-encoding to WebP sizes on the job queue, storage (disk or
 * S3-compatible), serving. Supplies the catalog's product JSON with `photos` (media → catalog).
 */
@Module({
  imports: [CatalogModule],
  controllers: [MediaController],
  providers: [MediaService, { provide: MediaStorage, useFactory: (config: AppConfig) => createMediaStorage(config.media), inject: [APP_CONFIG] }],
  exports: [MediaService],
})
export class MediaModule {}
