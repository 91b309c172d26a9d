import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { ENV, type Env } from '@libs/config';
import { CONFIG_CHANNEL, REDIS, redisKey } from '@libs/runtime';

/**
 * Follows config applies without a restart: the API publishes each new version number on a Redis
 * channel. The controller's scoring and rules (later) reload from Postgres when one arrives.
 */
@Injectable()
export class ConfigWatcherService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ConfigWatcherService.name);
  private subscriber?: Redis;
  /** The newest config version this process has been told about. */
  latestVersion: number | null = null;

  constructor(
    @Inject(ENV) private readonly env: Env,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // A subscribed connection can run no other command, so it gets its own.
    this.subscriber = this.redis.duplicate({ connectionName: 'vigil-controller-sub' });
    this.subscriber.on('message', (_channel: string, message: string) => {
      this.latestVersion = Number(message);
      this.logger.log(`config version ${message} applied`);
    });
    await this.subscriber.subscribe(redisKey(this.env, CONFIG_CHANNEL));
    this.logger.log('controller started');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
    this.logger.log('controller stopped');
  }
}
