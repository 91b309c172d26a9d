import { Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { PersistenceModule } from '@libs/persistence';
import { AuditService } from './audit/audit.service';
import { ApiKeyService } from './auth/api-key.service';
import { ApiKeysStore } from './auth/api-keys.store';
import { AuthFailureLimiter } from './auth/auth-failure-limiter';
import { AuthGuard } from './auth/auth.guard';
import { AuthService } from './auth/auth.service';
import { ConsoleSessionService } from './auth/console-session.service';
import { ConsoleSessionsStore } from './auth/console-sessions.store';
import { ConfigFollower } from './config-follower.service';
import { ConfigHeadStore } from './config-head.store';
import { CONFIG_SOURCE } from './config-source';
import { SelfCheckController } from './self-check/self-check.controller';
import { Readiness } from './self-check/readiness';
import { HttpExceptionFilter } from './http-exception.filter';
import { HttpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';
import { REDIS, RedisCloser, redisProvider } from './redis.provider';

/**
 * What every Vigil process has, whatever its roles: Postgres, Redis, API-key auth on every route,
 * the audit log, `/healthz`, `/readyz` and `/metrics`.
 */
@Global()
@Module({
  imports: [PersistenceModule, TerminusModule],
  controllers: [SelfCheckController, MetricsController],
  providers: [
    redisProvider,
    RedisCloser,
    ApiKeysStore,
    ApiKeyService,
    AuthFailureLimiter,
    AuthService,
    ConsoleSessionsStore,
    ConsoleSessionService,
    AuditService,
    MetricsService,
    ConfigHeadStore,
    { provide: CONFIG_SOURCE, useExisting: ConfigHeadStore },
    ConfigFollower,
    Readiness,
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_FILTER, useClass: HttpExceptionFilter },
  ],
  exports: [
    PersistenceModule,
    REDIS,
    ApiKeyService,
    AuthService,
    ConsoleSessionService,
    AuditService,
    MetricsService,
    ConfigFollower,
    Readiness,
  ],
})
export class RuntimeModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*path');
  }
}
