import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { ENV, type Env } from '@libs/config';
import { compileProbe } from '@libs/probes';
import { bullPrefix, createBullConnection } from '@libs/queue';
import { ConfigFollower, MetricsService, REDIS, redisKey } from '@libs/runtime';
import { CheckSecrets } from './check-secrets';
import { ProberEngine } from './engine/prober-engine';
import { safeCompile } from './engine/safe-compile';

const HEARTBEAT_MS = 5_000;
/** A prober that missed three heartbeats is gone: its vantage stops counting in any quorum. */
const HEARTBEAT_TTL_MS = 3 * HEARTBEAT_MS;

/**
 * One prober replica: probes from its vantage (VIGIL_VANTAGE), or from every IDC in an all-in-one
 * process, follows config changes without a restart, and announces itself with a heartbeat per
 * vantage so the controller can tell live vantages from missing ones.
 */
@Injectable()
export class ProberService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ProberService.name);
  readonly instanceId = randomUUID();
  private readonly connection: Redis;
  readonly engine: ProberEngine;
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(ENV) private readonly env: Env,
    @Inject(REDIS) private readonly redis: Redis,
    metrics: MetricsService,
    follower: ConfigFollower,
  ) {
    this.connection = createBullConnection(env, 'prober');
    const secrets = new CheckSecrets(env, process.env, this.logger, metrics.registry);
    this.engine = new ProberEngine({
      proberId: this.instanceId,
      serve: env.VIGIL_VANTAGE ? [env.VIGIL_VANTAGE] : '*',
      connection: this.connection,
      prefix: bullPrefix(env),
      registry: metrics.registry,
      concurrency: env.VIGIL_PROBE_CONCURRENCY,
      confirmReplicas: env.REDIS_SENTINELS !== undefined,
      compile: safeCompile(
        (check, endpoint, service) =>
          compileProbe(check, endpoint, { secret: (s) => secrets.open(s, `${service}/${check.name}`) }),
        this.logger,
      ),
    });
    follower.onConfig(async (config, version) => {
      await secrets.compiling(version, () => this.engine.setConfig(config, version));
      await this.beat(); // announce new vantages now, not at the next heartbeat
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.engine.start();
    await this.beat();
    this.timer = setInterval(() => {
      this.beat().catch((err: unknown) => this.logger.warn(`heartbeat failed: ${(err as Error).message}`));
    }, HEARTBEAT_MS);
    this.logger.log(`prober ${this.instanceId} started for ${this.env.VIGIL_VANTAGE ?? 'every IDC'}`);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    const beats = this.engine.vantages.map((v) => this.heartbeatKey(v));
    await this.engine.stop();
    if (beats.length > 0) await this.redis.del(...beats).catch(() => 0);
    await this.connection.quit().catch(() => this.connection.disconnect());
    this.logger.log(`prober ${this.instanceId} stopped`);
  }

  private async beat(): Promise<void> {
    const now = new Date().toISOString();
    const pipeline = this.redis.pipeline();
    for (const vantage of this.engine.vantages)
      pipeline.set(this.heartbeatKey(vantage), now, 'PX', HEARTBEAT_TTL_MS);
    await pipeline.exec();
  }

  private heartbeatKey(vantage: string): string {
    return redisKey(this.env, 'probers', vantage, this.instanceId);
  }
}
