import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Req, StreamableFile, UseInterceptors } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConsumes,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentPrincipal, Public, Roles } from '../auth/decorators.js';
import type { Principal } from '../auth/principal.js';
import { ApiConflict, ApiInvalid, ApiMissing, ErrorResponse } from '../common/api-docs.js';
import { receiveFile } from '../common/http.js';
import { UuidParam } from '../common/uuid-param.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { PhotoDto, ReorderPhotosDto } from './dto/photo.dto.js';
import { ImmutableCacheInterceptor } from './immutable-cache.interceptor.js';
import { UPLOAD_FIELD } from './media.errors.js';
import { MAX_PHOTOS_PER_PRODUCT, MediaService } from './media.service.js';

/** Product photos: upload (multipart), list, reorder, delete, and the published files. */
@ApiTags('catalog')
@Controller()
export class MediaController {
  constructor(
    private readonly media: MediaService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('products/:id/images')
  @HttpCode(202)
  @Roles('admin', 'cooperative')
  @ApiOperation({
    summary: 'Upload a photo of a product (its cooperative or an admin): JPEG, PNG, WebP or HEIC/HEIF',
    description:
      'multipart/form-data with the picture in the field `file`. The type is judged by the content, never the name. ' +
      'Answers 202 with the photo in status `processing`: its WebP sizes (320, 640, 1280 px wide, never upscaled, ' +
      'no EXIF/GPS) are made on the job queue, and it appears in the product JSON once `ready` ' +
      '(GET /products/:id/images shows its status, or why it `failed`). The same file sent again is the same photo. ' +
      `At most ${MAX_PHOTOS_PER_PRODUCT} photos per product.`,
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: [UPLOAD_FIELD], properties: { [UPLOAD_FIELD]: { type: 'string', format: 'binary' } } } })
  @ApiAcceptedResponse({ type: PhotoDto, description: 'stored; processing' })
  @ApiInvalid()
  @ApiMissing()
  @ApiConflict('the product is archived (product_archived) or has the most photos allowed (too_many_photos)')
  @ApiPayloadTooLargeResponse({ description: 'larger than MEDIA_MAX_UPLOAD_SIZE (image_too_large)', type: ErrorResponse })
  @ApiUnsupportedMediaTypeResponse({ description: 'not JPEG, PNG, WebP or HEIC/HEIF by content (unsupported_image_type)', type: ErrorResponse })
  async upload(@Param('id', UuidParam()) id: string, @Req() req: FastifyRequest, @CurrentPrincipal() p: Principal): Promise<PhotoDto> {
    const file = await receiveFile(req, { field: UPLOAD_FIELD, maxBytes: this.config.media.maxUploadBytes, to: 'memory' });
    return this.media.addPhoto(id, p, { data: file.buffer!, filename: file.filename, mimetype: file.mimetype });
  }

  @Get('products/:id/images')
  @Roles('admin', 'cooperative')
  @ApiOperation({
    summary: "A product's photos in every status (its cooperative or an admin)",
    description: 'Shows photos still processing and failed ones (with the reason); the public product JSON lists only ready photos.',
  })
  @ApiOkResponse({ type: [PhotoDto] })
  @ApiInvalid()
  @ApiMissing()
  list(@Param('id', UuidParam()) id: string, @CurrentPrincipal() p: Principal): Promise<PhotoDto[]> {
    return this.media.listPhotos(id, p);
  }

  @Patch('products/:id/images')
  @Roles('admin', 'cooperative')
  @ApiOperation({ summary: 'Reorder the photos of a product: body { order: [every photo id, each once] }' })
  @ApiOkResponse({ type: [PhotoDto], description: 'the photos in their new order' })
  @ApiInvalid()
  @ApiMissing()
  @ApiConflict('the product is archived (product_archived)')
  reorder(@Param('id', UuidParam()) id: string, @Body() dto: ReorderPhotosDto, @CurrentPrincipal() p: Principal): Promise<PhotoDto[]> {
    return this.media.reorderPhotos(id, dto.order, p);
  }

  @Delete('products/:id/images/:imageId')
  @HttpCode(204)
  @Roles('admin', 'cooperative')
  @ApiOperation({ summary: 'Delete a photo of a product and its files (its cooperative or an admin)' })
  @ApiNoContentResponse({ description: 'deleted' })
  @ApiInvalid()
  @ApiMissing()
  async remove(@Param('id', UuidParam()) id: string, @Param('imageId', UuidParam('imageId')) imageId: string, @CurrentPrincipal() p: Principal): Promise<void> {
    await this.media.deletePhoto(id, imageId, p);
  }

  @Get('media/photos/:photoId/:file')
  @Public()
  @UseInterceptors(ImmutableCacheInterceptor)
  @ApiOperation({
    summary: 'A published photo file (the URLs in product.photos[].sizes when the app serves them)',
    description: 'Files never change (their names carry the photo id): Cache-Control public, max-age=31536000, immutable.',
  })
  @ApiProduces('image/webp')
  @ApiOkResponse({ description: 'the WebP file', content: { 'image/webp': { schema: { type: 'string', format: 'binary' } } } })
  @ApiParam({ name: 'file', description: 'a size of the photo, e.g. w640.webp', schema: { type: 'string', pattern: '^w[0-9]{1,5}\\.webp$' } })
  @ApiMissing()
  async file(@Param('photoId', UuidParam('photoId')) photoId: string, @Param('file') file: string): Promise<StreamableFile> {
    const obj = await this.media.openPublished(photoId, file);
    return new StreamableFile(obj.stream, { type: obj.contentType, length: obj.length });
  }
}
