import { Module } from '@nestjs/common';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { AuditController } from './audit/audit.controller';
import { ConfigController } from './config/config.controller';
import { ConfigService } from './config/config.service';
import { InventoryController } from './inventory/inventory.controller';
import { InventoryService } from './inventory/inventory.service';

/** The api role: the configuration centre, read views, API keys and the audit log under /api/v1. */
@Module({
  controllers: [ConfigController, InventoryController, ApiKeysController, AuditController],
  providers: [ConfigService, InventoryService],
})
export class ApiModule {}
