import { Module } from '@nestjs/common';
import { ALERTS_CONTROLLERS, ALERTS_PROVIDERS } from './alerts';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { AuditController } from './audit/audit.controller';
import { ConfigController } from './config/config.controller';
import { ConfigPublisher } from './config/config-publisher';
import { ConfigVersionsStore } from './config/config-versions.store';
import { ConfigCentreService } from './config/config-centre.service';
import { HEALTH_CONTROLLERS, HEALTH_PROVIDERS } from './health';
import { MAINTENANCE_CONTROLLERS, MAINTENANCE_PROVIDERS } from './maintenance';
import { InventoryController } from './inventory/inventory.controller';
import { InventoryService } from './inventory/inventory.service';
import { InventoryStore } from './inventory/inventory.store';
import { NOTIFICATION_CONTROLLERS, NOTIFICATION_PROVIDERS } from './notifications';
import { SessionController } from './session/session.controller';
import { TRAFFIC_CONTROLLERS, TRAFFIC_PROVIDERS } from './traffic';

/** The api role: the configuration centre, read views, API keys, the audit log and health reads under /api/v1. */
@Module({
  controllers: [
    ConfigController,
    InventoryController,
    ApiKeysController,
    AuditController,
    SessionController,
    ...HEALTH_CONTROLLERS,
    ...TRAFFIC_CONTROLLERS,
    ...NOTIFICATION_CONTROLLERS,
    ...ALERTS_CONTROLLERS,
    ...MAINTENANCE_CONTROLLERS,
  ],
  providers: [
    ConfigCentreService,
    ConfigPublisher,
    ConfigVersionsStore,
    InventoryService,
    InventoryStore,
    ...HEALTH_PROVIDERS,
    ...TRAFFIC_PROVIDERS,
    ...NOTIFICATION_PROVIDERS,
    ...ALERTS_PROVIDERS,
    ...MAINTENANCE_PROVIDERS,
  ],
})
export class ApiModule {}
