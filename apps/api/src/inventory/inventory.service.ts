import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { EndpointEntity, IdcEntity, ServiceEntity } from '@libs/persistence';
import type { Page } from '../pagination';

/** Reads the IDCs, services and endpoints of the current config version. */
@Injectable()
export class InventoryService {
  constructor(
    @InjectRepository(IdcEntity) private readonly idcs: Repository<IdcEntity>,
    @InjectRepository(ServiceEntity) private readonly services: Repository<ServiceEntity>,
    @InjectRepository(EndpointEntity) private readonly endpoints: Repository<EndpointEntity>,
  ) {}

  async listIdcs(limit: number, offset: number): Promise<Page<IdcEntity>> {
    const [items, total] = await this.idcs.findAndCount({
      order: { name: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { items, total, limit, offset };
  }

  async listServices(limit: number, offset: number): Promise<Page<Omit<ServiceEntity, 'spec'>>> {
    const [items, total] = await this.services.findAndCount({
      select: { name: true, labels: true, endpointCount: true, configVersion: true },
      order: { name: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { items, total, limit, offset };
  }

  /** A service with its checks, weights, traffic manager and policy, and its endpoint count per IDC. */
  async getService(name: string) {
    const service = await this.services.findOneBy({ name });
    if (!service) throw new NotFoundException(`service "${name}" does not exist`);
    const perIdc: Array<{ idc: string; count: string; capacity: number }> = await this.endpoints
      .createQueryBuilder('e')
      .select('e.idc', 'idc')
      .addSelect('COUNT(*)', 'count')
      .addSelect('SUM(e.capacity)', 'capacity')
      .where('e.service = :name', { name })
      .groupBy('e.idc')
      .orderBy('e.idc')
      .getRawMany();
    const idcs = perIdc.map((r) => ({
      idc: r.idc,
      endpoints: Number(r.count),
      capacity: Number(r.capacity),
    }));
    return { ...service, idcs };
  }

  async listEndpoints(filter: { service?: string; idc?: string }, limit: number, offset: number) {
    const where = {
      ...(filter.service ? { service: filter.service } : {}),
      ...(filter.idc ? { idc: filter.idc } : {}),
    };
    const [items, total] = await this.endpoints.findAndCount({
      where,
      order: { id: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { items, total, limit, offset };
  }
}
