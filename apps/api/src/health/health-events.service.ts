import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { HealthEventEntity } from '@libs/persistence';
import { boundedInt, INT8_MAX } from '../numeric-params';
import type { EventPageDto, EventsQuery } from './health.dto';
import { badField, parseTime } from './time-range';

const CURSOR_PREFIX = 'ev1:';

/** The `next` of a page: opaque to clients, it encodes the id of the page's last event. */
export const encodeCursor = (id: string) => Buffer.from(CURSOR_PREFIX + id).toString('base64url');

export function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = text.startsWith(CURSOR_PREFIX) ? text.slice(CURSOR_PREFIX.length) : '';
  if (boundedInt(id, 1, INT8_MAX) === undefined)
    throw badField('cursor', 'expected the `next` of a previous page');
  return id;
}

/** The health timeline (health_events), newest first, with keyset pagination on the id. */
@Injectable()
export class HealthEventsService {
  constructor(@InjectRepository(HealthEventEntity) private readonly events: Repository<HealthEventEntity>) {}

  async list(query: EventsQuery): Promise<EventPageDto> {
    const qb = this.events.createQueryBuilder('e');
    if (query.cursor) qb.andWhere('e.id < :before', { before: decodeCursor(query.cursor) });
    if (query.service) qb.andWhere('e.service = :service', { service: query.service });
    if (query.idc) qb.andWhere('e.idc = :idc', { idc: query.idc });
    if (query.endpoint) qb.andWhere('e.endpoint = :endpoint', { endpoint: query.endpoint });
    if (query.kind) qb.andWhere('e.kind = :kind', { kind: query.kind });
    if (query.from) qb.andWhere('e.at >= :from', { from: new Date(parseTime('from', query.from)) });
    if (query.to) qb.andWhere('e.at < :to', { to: new Date(parseTime('to', query.to)) });
    const rows = await qb
      .orderBy('e.id', 'DESC')
      .limit(query.limit + 1) // one more tells whether there is a next page
      .getMany();
    const items = rows.slice(0, query.limit);
    const next = rows.length > query.limit ? encodeCursor(items[items.length - 1].id) : null;
    return { items, next };
  }
}
