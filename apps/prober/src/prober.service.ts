import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { ENV, type Env } from '@libs/config';
import { REDIS, redisKey } from '@libs/runtime';

const HEARTBEAT_MS = 5_000;
/** A prober that missed three heartbeats is gone: its vantage stops counting in any quorum. */
const HEARTBEAT_TTL_MS = 3 * HEARTBEAT_MS;

/**
 * One prober replica. Here it only announces itself: a heartbeat key per replica in Redis, so the
 * controller can tell live vantages from missing ones. Probing itself arrives with the probe engine.
 */
@Injectable()
export class ProberService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ProberService.name);
  readonly instanceId = randomUUID();
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(ENV) private readonly env: Env,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /** The vantage this replica probes from; "*" in an all-in-one process that probes from every IDC. */
  get vantage(): string {
    return this.env.VIGIL_VANTAGE ?? '*';
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => {
      this.beat().catch((err: unknown) => this.logger.warn(`heartbeat failed: ${(err as Error).message}`));
    }, HEARTBEAT_MS);
    this.logger.log(`prober ${this.instanceId} started for vantage ${this.vantage}`);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.redis.del(this.heartbeatKey()).catch(() => undefined);
    this.logger.log(`prober ${this.instanceId} stopped`);
  }

  private async beat(): Promise<void> {
    await this.redis.set(this.heartbeatKey(), new Date().toISOString(), 'PX', HEARTBEAT_TTL_MS);
  }

  private heartbeatKey(): string {
    return redisKey(this.env, 'probers', this.vantage, this.instanceId);
  }
}
