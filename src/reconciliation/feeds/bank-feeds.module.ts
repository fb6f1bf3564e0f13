import { Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { CooperativesModule } from '../../cooperatives/cooperatives.module.js';
import { ReconciliationModule } from '../reconciliation.module.js';
import { BankFeedEntity } from './bank-feed.entity.js';
import { BankFeedsController } from './bank-feeds.controller.js';
import { BankFeedsService } from './bank-feeds.service.js';
import { FEED_SECRET_BOX, loadFeedSecretBox } from './feed-secret-box.js';

/**
 * Bank feeds (SPEC "Bank feeds"): per-owner connections to SePay, Casso, Pay2S…, their webhook,
 * and the key ring that seals their secrets. Banks and markets services come from their global modules.
 */
@Module({
  imports: [TypeOrmModule.forFeature([BankFeedEntity]), ReconciliationModule, CooperativesModule],
  controllers: [BankFeedsController],
  providers: [
    BankFeedsService,
    {
      provide: FEED_SECRET_BOX,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => loadFeedSecretBox(config, (msg) => new Logger('BankFeeds').log(msg)),
    },
  ],
})
export class BankFeedsModule {}
