import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsUUID } from 'class-validator';
import { PhotoSizesDto } from '../../catalog/dto/product.dto.js';

export class ReorderPhotosDto {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    maxItems: 100,
    description: 'every photo id of the product (any status), each exactly once, in the new order',
    example: ['0b9c6a2e-2f0e-4f7c-9d57-0f4d2c9e1a10', '5d1f0e3a-8c4b-4a51-b2f1-7e3a9b6c2d40'],
  })
  @IsArray({ message: 'order must be an array of photo ids' })
  @ArrayMaxSize(100)
  @IsUUID(undefined, { each: true, message: 'order must hold photo ids (UUIDs)' })
  order!: string[];
}

export class PhotoDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) productId!: string;
  @ApiProperty({ description: '0-based place in the product\'s order' }) position!: number;
  @ApiProperty({
    enum: ['processing', 'ready', 'failed'],
    description: 'processing: stored, sizes being made (not public yet); ready: in the product JSON; failed: see failureReason',
  })
  status!: string;
  @ApiProperty({ type: PhotoSizesDto, nullable: true, description: 'URLs once ready' }) sizes!: PhotoSizesDto | null;
  @ApiProperty({ nullable: true, type: Number, description: 'width of the "1280" file once ready' }) width!: number | null;
  @ApiProperty({ nullable: true, type: Number }) height!: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'why processing failed' }) failureReason!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}
