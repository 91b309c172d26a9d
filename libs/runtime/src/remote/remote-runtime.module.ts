import { Global, Injectable, MiddlewareConsumer, Module, NestModule, OnModuleInit } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ConfigFollower } from '../config-follower.service';
import { CONFIG_SOURCE } from '../config-source';
import { HttpExceptionFilter } from '../http-exception.filter';
import { HttpMetricsMiddleware } from '../metrics/http-metrics.middleware';
import { MetricsController } from '../metrics/metrics.controller';
import { MetricsService } from '../metrics/metrics.service';
import { PublishedConfigStore } from '../published-config';
import { REDIS, RedisCloser, redisProvider } from '../redis.provider';
import { Readiness } from '../self-check/readiness';
import { SelfCheckController } from '../self-check/self-check.controller';
import { MetricsTokenGuard } from './metrics-token.guard';

/** A remote prober is ready once it has a config to probe with: before that it probes nothing. */
@Injectable()
class ConfigReadiness implements OnModuleInit {
  constructor(
    private readonly readiness: Readiness,
    private readonly follower: ConfigFollower,
  ) {}

  onModuleInit(): void {
    this.readiness.add('config', () => ({
      up: this.follower.version > 0,
      detail: { source: 'redis', version: this.follower.version },
    }));
  }
}

/**
 * What a remote prober (VIGIL_CONFIG_SOURCE=redis) has instead of RuntimeModule: Redis only. No
 * Postgres, so no API keys, audit or migrations; the config comes from the copy the API publishes to
 * Redis; `/healthz` and `/readyz` are public, `/metrics` takes VIGIL_METRICS_TOKEN (MetricsTokenGuard).
 */
@Global()
@Module({
  imports: [TerminusModule],
  controllers: [SelfCheckController, MetricsController],
  providers: [
    redisProvider,
    RedisCloser,
    MetricsService,
    PublishedConfigStore,
    { provide: CONFIG_SOURCE, useExisting: PublishedConfigStore },
    ConfigFollower,
    Readiness,
    ConfigReadiness,
    { provide: APP_GUARD, useClass: MetricsTokenGuard },
    { provide: APP_FILTER, useClass: HttpExceptionFilter },
  ],
  exports: [REDIS, MetricsService, ConfigFollower, Readiness],
})
export class RemoteRuntimeModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*path');
  }
}
