import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CooperativesModule } from '../cooperatives/cooperatives.module.js';
import { CatalogController } from './catalog.controller.js';
import { CatalogService } from './catalog.service.js';
import { ProductEntity } from './product.entity.js';

/** Products and search. Exports CatalogService (checkout takes stock through it). */
@Module({
  imports: [TypeOrmModule.forFeature([ProductEntity]), CooperativesModule],
  controllers: [CatalogController],
  providers: [CatalogService],
  exports: [CatalogService],
})
export class CatalogModule {}
