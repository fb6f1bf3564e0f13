import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { DataSource } from 'typeorm';

interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/** One Prometheus registry per app instance (tests boot several apps in one process). */
@Injectable()
export class MetricsService implements OnModuleDestroy {
  readonly registry = new Registry();
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly latency: Histogram<'method' | 'route' | 'status'>;

  constructor(@InjectDataSource() ds: DataSource) {
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
    this.latency = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    const pool = () => (ds.driver as unknown as { master?: PgPool }).master;
    const gauge = (name: string, help: string, read: (p: PgPool) => number) =>
      new Gauge({ name, help, registers: [this.registry], collect() { const p = pool(); this.set(p ? read(p) : 0); } });
    gauge('db_pool_connections_total', 'Database pool: open connections', (p) => p.totalCount);
    gauge('db_pool_connections_idle', 'Database pool: idle connections', (p) => p.idleCount);
    gauge('db_pool_clients_waiting', 'Database pool: requests waiting for a connection', (p) => p.waitingCount);
  }

  /** One answered request (app.factory's onResponse hook: also those refused before a handler ran). */
  observe(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.requests.inc(labels);
    this.latency.observe(labels, seconds);
  }

  onModuleDestroy(): void {
    this.registry.clear();
  }
}
