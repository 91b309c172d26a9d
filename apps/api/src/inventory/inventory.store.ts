import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { EndpointEntity, IdcEntity, ServiceEntity } from '@libs/persistence';

/**
 * The API's reads of the current config's read views (idcs, services, endpoints). Every method takes
 * the manager to use (a transaction's, or the data source's when left out).
 */
@Injectable()
export class InventoryStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  idcs(limit: number, offset: number, m: EntityManager = this.db.manager): Promise<[IdcEntity[], number]> {
    return m.getRepository(IdcEntity).findAndCount({ order: { name: 'ASC' }, take: limit, skip: offset });
  }

  /** Services without their spec, by name. */
  services(
    limit: number,
    offset: number,
    m: EntityManager = this.db.manager,
  ): Promise<[Array<Omit<ServiceEntity, 'spec'>>, number]> {
    return m.getRepository(ServiceEntity).findAndCount({
      select: { name: true, labels: true, endpointCount: true, configVersion: true },
      order: { name: 'ASC' },
      take: limit,
      skip: offset,
    });
  }

  service(name: string, m: EntityManager = this.db.manager): Promise<ServiceEntity | null> {
    return m.getRepository(ServiceEntity).findOneBy({ name });
  }

  serviceExists(name: string, m: EntityManager = this.db.manager): Promise<boolean> {
    return m.getRepository(ServiceEntity).existsBy({ name });
  }

  /** The service's endpoint count and capacity per IDC, by IDC (as Postgres returns them). */
  endpointsPerIdc(
    service: string,
    m: EntityManager = this.db.manager,
  ): Promise<Array<{ idc: string; count: string; capacity: number }>> {
    return m
      .getRepository(EndpointEntity)
      .createQueryBuilder('e')
      .select('e.idc', 'idc')
      .addSelect('COUNT(*)', 'count')
      .addSelect('SUM(e.capacity)', 'capacity')
      .where('e.service = :name', { name: service })
      .groupBy('e.idc')
      .orderBy('e.idc')
      .getRawMany();
  }

  endpoint(id: string, m: EntityManager = this.db.manager): Promise<EndpointEntity | null> {
    return m.getRepository(EndpointEntity).findOneBy({ id });
  }

  endpointExists(id: string, m: EntityManager = this.db.manager): Promise<boolean> {
    return m.getRepository(EndpointEntity).existsBy({ id });
  }

  /** Endpoints by id, optionally of one service and/or IDC. */
  endpoints(
    filter: { service?: string; idc?: string },
    limit: number,
    offset: number,
    m: EntityManager = this.db.manager,
  ): Promise<[EndpointEntity[], number]> {
    const where = {
      ...(filter.service ? { service: filter.service } : {}),
      ...(filter.idc ? { idc: filter.idc } : {}),
    };
    return m
      .getRepository(EndpointEntity)
      .findAndCount({ where, order: { id: 'ASC' }, take: limit, skip: offset });
  }
}
