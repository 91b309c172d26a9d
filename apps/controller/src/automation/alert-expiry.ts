import type { DataSource } from 'typeorm';
import { alertExpiredEvent, type AlertEvent } from '@libs/domain';
import { insertTimelineEvents } from '@libs/persistence';
import type { AlertsStore, ExpiredRow } from './alerts-store';

/** Alerts are checked for expiry at most this often. */
export const ALERT_EXPIRY_EVERY_MS = 1000;
/** Alerts resolved per statement: a large backlog goes over several ticks, in short transactions. */
const BATCH = 1000;

/**
 * Resolves firing alerts that no resolve will come for: their `endsAt` passed (Alertmanager's own
 * rule: an alert not renewed by then is over), or config `alerts.resolveAfter` went by since they were
 * last received (a lost resolve). Each gets a firing -> resolved event on the timeline, like a resolve
 * received by webhook, in the same transaction. Runs on the leader, before the rules read their facts.
 * Rows a webhook is updating at that moment are skipped (SKIP LOCKED) and looked at on the next tick.
 */
export class AlertExpiry {
  private ranAt = -Infinity;

  constructor(
    private readonly db: DataSource,
    private readonly store: Pick<AlertsStore, 'expireDue'>,
    private readonly publish: (events: readonly AlertEvent[]) => Promise<void>,
  ) {}

  /** The events of the alerts it resolved (none when it ran less than a second ago). */
  async run(now: number, resolveAfterMs: number | null): Promise<AlertEvent[]> {
    if (now - this.ranAt < ALERT_EXPIRY_EVERY_MS) return [];
    this.ranAt = now;
    const events = await this.db.transaction(async (m) => {
      const rows = await this.store.expireDue(m, now, resolveAfterMs, BATCH);
      const expired = rows.map((r) => toEvent(r, now));
      await insertTimelineEvents(m, expired);
      return expired;
    });
    if (events.length) await this.publish(events);
    return events;
  }
}

function toEvent(r: ExpiredRow, now: number): AlertEvent {
  const alert = {
    fingerprint: r.fingerprint,
    source: r.source,
    name: r.name,
    status: 'firing' as const,
    labels: r.labels,
    annotations: r.annotations,
    startsAt: Number(r.starts_ms),
    endsAt: Number(r.ends_ms),
    generatorUrl: r.generator_url,
  };
  return alertExpiredEvent(alert, { service: r.service, idc: r.idc, endpoint: r.endpoint }, r.cause, now);
}
