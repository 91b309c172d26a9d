import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { Public } from '../auth/auth.decorators';
import { REDIS } from '../redis.provider';
import { Readiness } from './readiness';

const CHECK_TIMEOUT_MS = 2000;

/** Vigil's own health: `/healthz` says the process is alive, `/readyz` that it can do its work. */
@ApiTags('operations')
@Public()
@Controller()
export class SelfCheckController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    // Absent on a remote prober, which never uses Postgres: its /readyz checks Redis and its config.
    @Optional() @InjectDataSource() private readonly db: DataSource | undefined,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly readiness: Readiness,
  ) {}

  @Get('healthz')
  @ApiOperation({ summary: 'Liveness: the process is up (no dependencies checked)' })
  healthz() {
    return { status: 'ok' };
  }

  @Get('readyz')
  @HealthCheck()
  @ApiOperation({
    summary:
      'Readiness: Postgres and Redis reachable, migrations applied, and on a controller a leader known; 503 naming what is not',
  })
  readyz() {
    const db = this.db;
    const redis = () =>
      this.indicators
        .check('redis')
        .attempt(async () => void (await this.redis.ping()))
        .withTimeout(CHECK_TIMEOUT_MS);
    const stores = db
      ? [
          () =>
            this.indicators
              .check('postgres')
              .attempt(async () => void (await db.query('SELECT 1')))
              .withTimeout(CHECK_TIMEOUT_MS),
          redis,
          // Inside an attempt: a query that throws (Postgres gone) is a 503 naming the check, not a 500.
          () =>
            this.indicators
              .check('migrations')
              .attempt(async () => {
                if (await db.showMigrations()) throw new Error('pending migrations');
              })
              .withTimeout(CHECK_TIMEOUT_MS),
        ]
      : [redis];
    return this.health.check([
      ...stores,
      ...this.readiness.entries().map(([name, check]) => async () => {
        const { up, detail } = await check();
        return up ? this.indicators.check(name).up(detail) : this.indicators.check(name).down(detail);
      }),
    ]);
  }
}
