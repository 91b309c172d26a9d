import { ApiKeyEntity } from './api-key.entity';
import { AuditEntryEntity } from './audit-entry.entity';
import { ConfigVersionEntity } from './config-version.entity';
import { EndpointEntity } from './endpoint.entity';
import { IdcEntity } from './idc.entity';
import { ServiceEntity } from './service.entity';

export * from './api-key.entity';
export * from './audit-entry.entity';
export * from './config-version.entity';
export * from './endpoint.entity';
export * from './idc.entity';
export * from './service.entity';

export const ENTITIES = [
  ApiKeyEntity,
  AuditEntryEntity,
  ConfigVersionEntity,
  EndpointEntity,
  IdcEntity,
  ServiceEntity,
];
