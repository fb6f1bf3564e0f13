import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CooperativeEntity } from './cooperative.entity.js';
import { CooperativesController } from './cooperatives.controller.js';
import { CooperativesService } from './cooperatives.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([CooperativeEntity])],
  controllers: [CooperativesController],
  providers: [CooperativesService],
  exports: [CooperativesService],
})
export class CooperativesModule {}
