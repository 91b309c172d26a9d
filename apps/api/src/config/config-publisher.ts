import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { ENV, vantageResealer, type Env, type Reseal, type StoredConfig } from '@libs/config';
import { publishConfig, publishedVersion, REDIS } from '@libs/runtime';
import { ConfigVersionsStore } from './config-versions.store';

/** A Redis that lost the copy (flushed, or restarted without persistence) gets it back within this. */
const CHECK_MS = 10_000;

/**
 * Keeps the config remote probers follow in Redis (`<prefix>:config:current`, see publishConfig):
 * the current version, its sealed secrets withheld or sealed again for the probers' own keys
 * (VIGIL_PROBER_KEYS). Published on every apply before the announcement,
 * at start-up (an install upgraded to this version has none yet), and whenever Redis is found behind.
 */
@Injectable()
export class ConfigPublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ConfigPublisher.name);
  private timer?: NodeJS.Timeout;
  private readonly reseal?: Reseal;

  constructor(
    private readonly versions: ConfigVersionsStore,
    @Inject(ENV) private readonly env: Env,
    @Inject(REDIS) private readonly redis: Redis,
  ) {
    this.reseal = vantageResealer(env);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.publishCurrent();
    this.timer = setInterval(() => void this.publishCurrent(), CHECK_MS);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Publishes the current version if Redis holds an older one (or none). Never throws: it logs. */
  async publishCurrent(): Promise<void> {
    try {
      const newest = (await this.versions.newestVersion()) ?? 0;
      if (newest === 0 || (await publishedVersion(this.redis, this.env)) >= newest) return;
      const head = await this.versions.head();
      if (!head) return;
      await publishConfig(this.redis, this.env, head.version, head.document as StoredConfig, this.reseal);
    } catch (err) {
      this.logger.warn(`could not publish the config for remote probers: ${(err as Error).message}`);
    }
  }
}
