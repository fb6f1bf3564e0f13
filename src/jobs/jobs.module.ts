import { Global, Module } from '@nestjs/common';
import { JobsService } from './jobs.service.js';

/** The PostgreSQL job queue (pg-boss), available to every module. */
@Global()
@Module({ providers: [JobsService], exports: [JobsService] })
export class JobsModule {}
