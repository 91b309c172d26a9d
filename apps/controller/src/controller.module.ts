import { Module } from '@nestjs/common';
import { HealthService } from './health/health.service';

/** The controller role: the health model on the leader; rules and the executor come next. */
@Module({ providers: [HealthService], exports: [HealthService] })
export class ControllerModule {}
