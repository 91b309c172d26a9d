import { Injectable } from '@nestjs/common';
import { boundedInt, INT8_MAX } from '../numeric-params';
import { HealthEventsStore } from './health-events.store';
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
  constructor(private readonly events: HealthEventsStore) {}

  async list(query: EventsQuery): Promise<EventPageDto> {
    const rows = await this.events.page({
      before: query.cursor ? decodeCursor(query.cursor) : undefined,
      service: query.service,
      idc: query.idc,
      endpoint: query.endpoint,
      kind: query.kind,
      from: query.from ? new Date(parseTime('from', query.from)) : undefined,
      to: query.to ? new Date(parseTime('to', query.to)) : undefined,
      take: query.limit + 1, // one more tells whether there is a next page
    });
    const items = rows.slice(0, query.limit);
    const next = rows.length > query.limit ? encodeCursor(items[items.length - 1].id) : null;
    return { items, next };
  }
}
