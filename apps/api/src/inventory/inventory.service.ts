import { Injectable, NotFoundException } from '@nestjs/common';
import type { IdcEntity, ServiceEntity } from '@libs/persistence';
import type { Page } from '../pagination';
import { InventoryStore } from './inventory.store';

/** Reads the IDCs, services and endpoints of the current config version. */
@Injectable()
export class InventoryService {
  constructor(private readonly inventory: InventoryStore) {}

  async listIdcs(limit: number, offset: number): Promise<Page<IdcEntity>> {
    const [items, total] = await this.inventory.idcs(limit, offset);
    return { items, total, limit, offset };
  }

  async listServices(limit: number, offset: number): Promise<Page<Omit<ServiceEntity, 'spec'>>> {
    const [items, total] = await this.inventory.services(limit, offset);
    return { items, total, limit, offset };
  }

  /** A service with its checks, weights, traffic manager and policy, and its endpoint count per IDC. */
  async getService(name: string) {
    const service = await this.inventory.service(name);
    if (!service) throw new NotFoundException(`service "${name}" does not exist`);
    const perIdc = await this.inventory.endpointsPerIdc(name);
    const idcs = perIdc.map((r) => ({
      idc: r.idc,
      endpoints: Number(r.count),
      capacity: Number(r.capacity),
    }));
    return { ...service, idcs };
  }

  async listEndpoints(filter: { service?: string; idc?: string }, limit: number, offset: number) {
    const [items, total] = await this.inventory.endpoints(filter, limit, offset);
    return { items, total, limit, offset };
  }
}
