import { Body, Controller, Delete, Get, HttpCode, Param, Patch, StreamableFile, UseInterceptors } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public, Roles } from '../auth/decorators.js';
import type { Principal } from '../auth/principal.js';
import { ApiConflict, ApiInvalid, ApiMissing } from '../common/api-docs.js';
import { UuidParam } from '../common/uuid-param.js';
import { PhotoDto, ReorderPhotosDto } from './dto/photo.dto.js';
import { ImmutableCacheInterceptor } from './immutable-cache.interceptor.js';
import { MediaService } from './media.service.js';

/**
 * Product photos. The upload itself (`POST /products/:id/images`, multipart) is wired by the HTTP
 * adapter's multipart support and calls MediaService.addPhoto(); these routes are plain JSON.
 */
@ApiTags('catalog')
@Controller()
export class MediaController {
  constructor(private readonly media: MediaService) {}

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
  @ApiOkResponse({ description: 'the WebP file' })
  @ApiMissing()
  async file(@Param('photoId', UuidParam('photoId')) photoId: string, @Param('file') file: string): Promise<StreamableFile> {
    const obj = await this.media.openPublished(photoId, file);
    return new StreamableFile(obj.stream, { type: obj.contentType, length: obj.length });
  }
}
