import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/decorators.js';
import { DatabaseReadiness } from './database-readiness.js';
import { MetricsService } from './metrics.service.js';

/** @nestjs/terminus's answer: `{ status, info, error, details }`, each check by name. */
const CHECKS = {
  type: 'object',
  additionalProperties: { type: 'object', properties: { status: { type: 'string', enum: ['up', 'down'] } }, required: ['status'], additionalProperties: true },
};
const READINESS = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string', enum: ['ok', 'error', 'shutting_down'] }, info: CHECKS, error: CHECKS, details: CHECKS },
};

/** Probes and metrics are never rate limited: @fastify/rate-limit adds no hook to these routes. */
const NOT_LIMITED = { rateLimit: false };

@ApiTags('operations')
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: DatabaseReadiness,
    private readonly metrics: MetricsService,
  ) {}

  @Get('health/live')
  @RouteConfig(NOT_LIMITED)
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @RouteConfig(NOT_LIMITED)
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: the database answers' })
  @ApiOkResponse({ description: 'the database answers', schema: READINESS })
  @ApiServiceUnavailableResponse({ description: 'database unreachable', schema: READINESS })
  ready() {
    return this.health.check([() => this.db.check()]);
  }

  @Get('metrics')
  @RouteConfig(NOT_LIMITED)
  @ApiExcludeEndpoint()
  @Header('Cache-Control', 'no-store')
  async prometheus(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    void reply.header('Content-Type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
