import { Module } from '@nestjs/common';
import { ActionTraces } from './action-traces';
import { AlertsStore } from './automation/alerts-store';
import { AutomationStore } from './automation/automation-store';
import { AutomationService } from './automation/automation.service';
import { DriftService } from './automation/drift.service';
import { TrafficAdapters } from './automation/traffic-adapters';
import { MaintenanceWindows } from './maintenance/maintenance-windows';
import { ControllerLease } from './controller-lease';
import { HealthStore } from './health/health-store';
import { ResultsWorker } from './health/results-worker';
import { HealthService } from './health/health.service';
import { DeliveryProcessor } from './notify/delivery.processor';
import { NotificationStore } from './notify/notification-store';
import { NotifierService } from './notify/notifier.service';
import { TrafficWeights } from './traffic-weights';

/**
 * The controller role: on the leader, the health model, the rules engine, the executor and the
 * notifier; on every replica, notification delivery.
 */
@Module({
  // Listeners are added in onModuleInit, which Nest calls on dependencies first: HealthService,
  // then NotifierService, then AutomationService (see AutomationService.onModuleInit).
  providers: [
    ActionTraces,
    ControllerLease,
    TrafficWeights,
    HealthStore,
    ResultsWorker,
    NotificationStore,
    AutomationStore,
    AlertsStore,
    TrafficAdapters,
    MaintenanceWindows,
    HealthService,
    NotifierService,
    AutomationService,
    DriftService,
    DeliveryProcessor,
  ],
  exports: [HealthService, AutomationService],
})
export class ControllerModule {}
