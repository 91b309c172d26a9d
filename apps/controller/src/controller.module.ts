import { Module } from '@nestjs/common';
import { AutomationService } from './automation/automation.service';
import { HealthService } from './health/health.service';

/** The controller role: on the leader, the health model, the rules engine and the executor. */
@Module({ providers: [HealthService, AutomationService], exports: [HealthService, AutomationService] })
export class ControllerModule {}
