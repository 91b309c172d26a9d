import type Redis from 'ioredis';
import type { EntityManager } from 'typeorm';
import type { AlertEvent, HealthEvent, RuleEvent, TrafficEvent } from '@libs/domain';
import { HealthEventEntity } from './entities/health-event.entity';

/**
 * A timeline entry to store: a health event (endpoint, idc, vantage), an alert event, a rule disabled
 * or a traffic manager drifting from Vigil (traffic).
 */
export type TimelineEvent = HealthEvent | AlertEvent | RuleEvent | TrafficEvent;

/**
 * Appends events to `health_events`, in slices: a whole fleet changing state at once must stay under
 * Postgres' 65,535 parameters per statement.
 */
export async function insertTimelineEvents(
  m: EntityManager,
  events: readonly TimelineEvent[],
): Promise<void> {
  for (let i = 0; i < events.length; i += 1000) {
    await m.getRepository(HealthEventEntity).insert(
      events.slice(i, i + 1000).map((e) => ({
        at: new Date(e.at),
        kind: e.kind,
        service: e.service ?? null,
        idc: e.idc ?? null,
        endpoint: e.endpoint ?? null,
        vantage: ('vantage' in e ? e.vantage : undefined) ?? null,
        before: e.before,
        after: e.after,
        reason: e.reason,
        details: e.details ?? {},
      })),
    );
  }
}

/** Puts stored events on the live timeline (`GET /events/stream`): one Redis publish each, pipelined. */
export async function publishTimelineEvents(
  redis: Redis,
  channel: string,
  events: readonly TimelineEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const pipeline = redis.pipeline();
  for (const e of events) pipeline.publish(channel, JSON.stringify(e));
  await pipeline.exec();
}
