import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { ENV, type Env, type StoredConfig } from '@libs/config';
import { CONFIG_SOURCE, type ConfigSource } from './config-source';
import { CONFIG_CHANNEL, REDIS, redisKey, subscriberOf } from './redis.provider';

/** Called with each new config version, in order, one call at a time. */
export type ConfigListener = (config: StoredConfig, version: number) => Promise<void> | void;

/** A lost announcement is caught up by this poll (a cheap `max(version)`; the row only when newer). */
const POLL_MS = 10_000;

/**
 * Follows the applied config without a restart: the API announces each new version on a Redis
 * channel; this service loads it from its ConfigSource (Postgres; Redis on a remote prober) and
 * hands it to the listeners (the prober's probe table; the controller's health model, rules,
 * notifier and delivery worker). A periodic poll covers a missed announcement.
 */
@Injectable()
export class ConfigFollower implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ConfigFollower.name);
  private readonly listeners: ConfigListener[] = [];
  private subscriber?: Redis;
  private timer?: NodeJS.Timeout;
  private chain: Promise<void> = Promise.resolve();
  /** The newest version handed to the listeners. */
  version = 0;

  constructor(
    @Inject(ENV) private readonly env: Env,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CONFIG_SOURCE) private readonly versions: ConfigSource,
  ) {}

  /** Registers a listener; it gets the current version at start-up, then every new one. */
  onConfig(listener: ConfigListener): void {
    this.listeners.push(listener);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscriber = subscriberOf(this.redis, 'vigil-config-follower');
    this.subscriber.on('message', () => void this.refresh());
    await this.subscriber.subscribe(redisKey(this.env, CONFIG_CHANNEL));
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), POLL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
    await this.chain;
  }

  /** Loads the newest version if it is newer than the one the listeners have; calls never overlap. */
  refresh(): Promise<void> {
    this.chain = this.chain
      .then(() => this.load())
      .catch((err: unknown) => {
        this.logger.warn(`could not load the config: ${(err as Error).message}`);
      });
    return this.chain;
  }

  private async load(): Promise<void> {
    // Most polls find nothing new: ask for the number before reading a document of up to 16 MiB.
    if ((await this.versions.newestVersion()) <= this.version) return;
    const head = await this.versions.head();
    if (!head || head.version <= this.version) return;
    const config = this.versions.read(head.document, (message) =>
      this.logger.error(`config version ${head.version}: ${message}`),
    );
    for (const listener of this.listeners) await listener(config, head.version);
    this.version = head.version;
    this.logger.log(`following config version ${head.version}`);
  }
}
