import { ApiKeyEntity } from './api-key.entity';
import { AuditEntryEntity } from './audit-entry.entity';
import { ConfigVersionEntity } from './config-version.entity';
import { EndpointRollupEntity } from './endpoint-rollup.entity';
import { EndpointEntity } from './endpoint.entity';
import { HealthEventEntity } from './health-event.entity';
import { IdcEntity } from './idc.entity';
import { ServiceEntity } from './service.entity';

export * from './api-key.entity';
export * from './audit-entry.entity';
export * from './config-version.entity';
export * from './endpoint-rollup.entity';
export * from './endpoint.entity';
export * from './health-event.entity';
export * from './idc.entity';
export * from './service.entity';

export const ENTITIES = [
  ApiKeyEntity,
  AuditEntryEntity,
  ConfigVersionEntity,
  EndpointEntity,
  EndpointRollupEntity,
  HealthEventEntity,
  IdcEntity,
  ServiceEntity,
];
