import { ActionEntity } from './action.entity';
import { AlertEntity } from './alert.entity';
import { NotificationEntity } from './notification.entity';
import { SilenceEntity } from './silence.entity';
import { ActionStepEntity } from './action-step.entity';
import { FreezeEntity } from './freeze.entity';
import { MaintenanceWindowEntity } from './maintenance-window.entity';
import { ServiceTrafficEntity } from './service-traffic.entity';
import { AutomationSettingEntity } from './automation-setting.entity';
import { ApiKeyEntity } from './api-key.entity';
import { ConsoleSessionEntity } from './console-session.entity';
import { AuditEntryEntity } from './audit-entry.entity';
import { ConfigVersionEntity } from './config-version.entity';
import { EndpointRollupEntity } from './endpoint-rollup.entity';
import { EndpointEntity } from './endpoint.entity';
import { HealthEventEntity } from './health-event.entity';
import { IdcEntity } from './idc.entity';
import { ServiceEntity } from './service.entity';

export * from './action.entity';
export * from './alert.entity';
export * from './notification.entity';
export * from './silence.entity';
export * from './action-step.entity';
export * from './freeze.entity';
export * from './maintenance-window.entity';
export * from './service-traffic.entity';
export * from './automation-setting.entity';
export * from './api-key.entity';
export * from './console-session.entity';
export * from './audit-entry.entity';
export * from './config-version.entity';
export * from './endpoint-rollup.entity';
export * from './endpoint.entity';
export * from './health-event.entity';
export * from './idc.entity';
export * from './service.entity';

export const ENTITIES = [
  ActionEntity,
  AlertEntity,
  NotificationEntity,
  SilenceEntity,
  ActionStepEntity,
  FreezeEntity,
  MaintenanceWindowEntity,
  ServiceTrafficEntity,
  AutomationSettingEntity,
  ApiKeyEntity,
  ConsoleSessionEntity,
  AuditEntryEntity,
  ConfigVersionEntity,
  EndpointEntity,
  EndpointRollupEntity,
  HealthEventEntity,
  IdcEntity,
  ServiceEntity,
];
