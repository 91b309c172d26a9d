import { Module } from '@nestjs/common';
import { AutomationStore } from './automation/automation-store';
import { AutomationService } from './automation/automation.service';
import { HealthStore } from './health/health-store';
import { HealthService } from './health/health.service';
import { DeliveryProcessor } from './notify/delivery.processor';
import { NotificationStore } from './notify/notification-store';
import { NotifierService } from './notify/notifier.service';

/**
 * The controller role: on the leader, the health model, the rules engine, the executor and the
 * notifier; on every replica, notification delivery.
 */
@Module({
  providers: [
    HealthStore,
    NotificationStore,
    AutomationStore,
    HealthService,
    AutomationService,
    NotifierService,
    DeliveryProcessor,
  ],
  exports: [HealthService, AutomationService],
})
export class ControllerModule {}
