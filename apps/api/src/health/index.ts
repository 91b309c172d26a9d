import { AvailabilityService } from './availability.service';
import { AvailabilityStore } from './availability.store';
import { EventStreamService } from './event-stream.service';
import { EventsController } from './events.controller';
import { HealthEventsService } from './health-events.service';
import { HealthEventsStore } from './health-events.store';
import { HealthHistoryService } from './health-history.service';
import { HealthInventory } from './health-inventory.service';
import { HealthReadService } from './health-read.service';
import { ReportsController } from './reports.controller';
import { RollupsStore } from './rollups.store';
import { StatusController } from './status.controller';

export { EventStreamService } from './event-stream.service';
export { HealthReadService } from './health-read.service';

/** The health read API (status, history, events, SSE, reports). */
export const HEALTH_CONTROLLERS = [StatusController, EventsController, ReportsController];
export const HEALTH_PROVIDERS = [
  HealthReadService,
  HealthInventory,
  HealthHistoryService,
  HealthEventsService,
  EventStreamService,
  AvailabilityService,
  HealthEventsStore,
  RollupsStore,
  AvailabilityStore,
];
