import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { EndpointEntity, EndpointRollupEntity, ServiceEntity } from '@libs/persistence';

/** What the current config watches (the read tables), for the 404s of the health routes. */
@Injectable()
export class HealthInventory {
  constructor(
    @InjectRepository(ServiceEntity) private readonly services: Repository<ServiceEntity>,
    @InjectRepository(EndpointEntity) private readonly endpoints: Repository<EndpointEntity>,
    @InjectRepository(EndpointRollupEntity) private readonly rollups: Repository<EndpointRollupEntity>,
  ) {}

  /** 404 unless the service is in the current config. */
  async requireService(name: string): Promise<void> {
    if (!(await this.services.existsBy({ name }))) {
      throw new NotFoundException(`service "${name}" does not exist`);
    }
  }

  /** The endpoint of the current config; 404 if there is none. */
  async requireEndpoint(id: string): Promise<EndpointEntity> {
    const endpoint = await this.endpoints.findOneBy({ id });
    if (!endpoint) throw new NotFoundException(`endpoint "${id}" does not exist`);
    return endpoint;
  }

  /** 404 unless the endpoint is in the current config or has history (it may have been removed since). */
  async requireEndpointOrHistory(id: string): Promise<void> {
    if (await this.endpoints.existsBy({ id })) return;
    if (await this.rollups.existsBy({ endpoint: id })) return;
    throw new NotFoundException(`endpoint "${id}" does not exist and has no history`);
  }
}
