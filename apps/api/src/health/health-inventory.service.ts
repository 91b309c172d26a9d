import { Injectable, NotFoundException } from '@nestjs/common';
import type { EndpointEntity } from '@libs/persistence';
import { InventoryStore } from '../inventory/inventory.store';
import { RollupsStore } from './rollups.store';

/** What the current config watches (the read tables), for the 404s of the health routes. */
@Injectable()
export class HealthInventory {
  constructor(
    private readonly inventory: InventoryStore,
    private readonly rollups: RollupsStore,
  ) {}

  /** 404 unless the service is in the current config. */
  async requireService(name: string): Promise<void> {
    if (!(await this.inventory.serviceExists(name))) {
      throw new NotFoundException(`service "${name}" does not exist`);
    }
  }

  /** The endpoint of the current config; 404 if there is none. */
  async requireEndpoint(id: string): Promise<EndpointEntity> {
    const endpoint = await this.inventory.endpoint(id);
    if (!endpoint) throw new NotFoundException(`endpoint "${id}" does not exist`);
    return endpoint;
  }

  /** 404 unless the endpoint is in the current config or has history (it may have been removed since). */
  async requireEndpointOrHistory(id: string): Promise<void> {
    if (await this.inventory.endpointExists(id)) return;
    if (await this.rollups.hasHistory(id)) return;
    throw new NotFoundException(`endpoint "${id}" does not exist and has no history`);
  }
}
