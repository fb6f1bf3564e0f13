import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { OrdersService } from './orders.service.js';

/**
 * Runs the expiry sweep every ORDER_EXPIRY_SWEEP_SECONDS in every instance that runs background work
 * (BACKGROUND_JOBS; the sweep is safe to overlap across instances).
 */
@Injectable()
export class OrderExpiryScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(OrderExpiryScheduler.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly orders: OrdersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.backgroundJobs || !this.config.expirySweepSeconds) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.orders
        .expireDue()
        .then((n) => {
          if (n) this.log.log(`expired ${n} unpaid orders`);
        })
        .catch((e) => this.log.error({ err: e }, 'expiry sweep failed'))
        .finally(() => (this.running = undefined));
    }, this.config.expirySweepSeconds * 1000);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
