import { Module } from '@nestjs/common';
import { AutomationService } from './automation/automation.service';
import { HealthService } from './health/health.service';
import { DeliveryProcessor } from './notify/delivery.processor';
import { NotifierService } from './notify/notifier.service';

/**
 * The controller role: on the leader, the health model, the rules engine, the executor and the
 * notifier; on every replica, notification delivery.
 */
@Module({
  providers: [HealthService, AutomationService, NotifierService, DeliveryProcessor],
  exports: [HealthService, AutomationService],
})
export class ControllerModule {}
