import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { HealthEventEntity } from '@libs/persistence';

/** The filters of a page of the timeline, newest first; `before`: the id of the previous page's last event. */
export interface HealthEventsFilter {
  before?: string;
  service?: string;
  idc?: string;
  endpoint?: string;
  kind?: string;
  from?: Date;
  to?: Date;
  take: number;
}

/**
 * The API's reads of `health_events`. Every method takes the manager to use (a transaction's, or the
 * data source's when left out).
 */
@Injectable()
export class HealthEventsStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Keyset pagination on the id, newest first: at most `take` events. */
  page(filter: HealthEventsFilter, m: EntityManager = this.db.manager): Promise<HealthEventEntity[]> {
    const qb = m.getRepository(HealthEventEntity).createQueryBuilder('e');
    if (filter.before) qb.andWhere('e.id < :before', { before: filter.before });
    if (filter.service) qb.andWhere('e.service = :service', { service: filter.service });
    if (filter.idc) qb.andWhere('e.idc = :idc', { idc: filter.idc });
    if (filter.endpoint) qb.andWhere('e.endpoint = :endpoint', { endpoint: filter.endpoint });
    if (filter.kind) qb.andWhere('e.kind = :kind', { kind: filter.kind });
    if (filter.from) qb.andWhere('e.at >= :from', { from: filter.from });
    if (filter.to) qb.andWhere('e.at < :to', { to: filter.to });
    return qb.orderBy('e.id', 'DESC').limit(filter.take).getMany();
  }
}
