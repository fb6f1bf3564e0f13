import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DatabaseReadiness } from './database-readiness.js';
import { HealthController } from './health.controller.js';
import { MetricsService } from './metrics.service.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [MetricsService, DatabaseReadiness],
  exports: [MetricsService],
})
export class HealthModule {}
