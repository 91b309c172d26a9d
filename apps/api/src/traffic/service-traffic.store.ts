import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Weights } from '@libs/domain';
import { EndpointEntity, ServiceEntity, ServiceTrafficEntity } from '@libs/persistence';

type Override = ServiceTrafficEntity['override'];

/**
 * The API's reads and writes of a service's traffic: its `service_traffic` row (desired and applied
 * weights, manual override) and the service and IDCs it is computed over. Every method takes the
 * manager to use (a transaction's, or the data source's when left out).
 */
@Injectable()
export class ServiceTrafficStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  service(name: string, m: EntityManager = this.db.manager): Promise<ServiceEntity | null> {
    return m.getRepository(ServiceEntity).findOneBy({ name });
  }

  /** The IDCs where the service has endpoints, sorted. */
  async serviceIdcs(service: string, m: EntityManager = this.db.manager): Promise<string[]> {
    const rows: Array<{ idc: string }> = await m
      .getRepository(EndpointEntity)
      .createQueryBuilder('e')
      .select('DISTINCT e.idc', 'idc')
      .where('e.service = :service', { service })
      .orderBy('idc')
      .getRawMany();
    return rows.map((r) => r.idc);
  }

  traffic(service: string, m: EntityManager = this.db.manager): Promise<ServiceTrafficEntity | null> {
    return m.getRepository(ServiceTrafficEntity).findOneBy({ service });
  }

  /** Creates the service's row with `desired` when it has none (an existing row is left as it is). */
  async ensure(m: EntityManager, service: string, desired: Weights): Promise<void> {
    await m.query(
      `INSERT INTO service_traffic (service, desired) VALUES ($1, $2) ON CONFLICT (service) DO NOTHING`,
      [service, JSON.stringify(desired)],
    );
  }

  /** The service's row, locked FOR UPDATE until the end of `m`'s transaction; null if it has none. */
  lock(m: EntityManager, service: string): Promise<ServiceTrafficEntity | null> {
    return m
      .getRepository(ServiceTrafficEntity)
      .findOne({ where: { service }, lock: { mode: 'pessimistic_write' } });
  }

  async setOverride(m: EntityManager, service: string, override: Override): Promise<void> {
    await m.getRepository(ServiceTrafficEntity).update({ service }, { override });
  }
}
