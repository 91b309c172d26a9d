import type { DataSource } from 'typeorm';
import { alertExpiredEvent, type AlertEvent, type AlertExpiryCause, type AlertSource } from '@libs/domain';
import { insertTimelineEvents, type AlertRecord } from '@libs/persistence';

/** Alerts are checked for expiry at most this often. */
export const ALERT_EXPIRY_EVERY_MS = 1000;
/** Alerts resolved per statement: a large backlog goes over several ticks, in short transactions. */
const BATCH = 1000;

interface ExpiredRow extends Pick<
  AlertRecord,
  'fingerprint' | 'name' | 'labels' | 'annotations' | 'service' | 'idc' | 'endpoint' | 'generator_url'
> {
  source: AlertSource;
  starts_ms: string;
  ends_ms: string;
  cause: AlertExpiryCause;
}

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
    private readonly publish: (events: readonly AlertEvent[]) => Promise<void>,
  ) {}

  /** The events of the alerts it resolved (none when it ran less than a second ago). */
  async run(now: number, resolveAfterMs: number | null): Promise<AlertEvent[]> {
    if (now - this.ranAt < ALERT_EXPIRY_EVERY_MS) return [];
    this.ranAt = now;
    const events = await this.db.transaction(async (m) => {
      // An UPDATE answers [rows, count].
      const [rows]: [ExpiredRow[], number] = await m.query(
        `WITH due AS (
           SELECT fingerprint,
                  CASE WHEN ends_at <= to_timestamp($1 / 1000.0) THEN 'endsAt' ELSE 'resolveAfter' END AS cause
           FROM alerts
           WHERE status = 'firing' AND (ends_at <= to_timestamp($1 / 1000.0)
             OR ($2::bigint IS NOT NULL AND updated_at < to_timestamp(($1 - $2) / 1000.0)))
           ORDER BY fingerprint LIMIT ${BATCH} FOR UPDATE SKIP LOCKED
         )
         UPDATE alerts a SET status = 'resolved', updated_at = now(),
           ends_at = CASE WHEN due.cause = 'endsAt' THEN a.ends_at ELSE to_timestamp($1 / 1000.0) END
         FROM due WHERE a.fingerprint = due.fingerprint
         RETURNING a.fingerprint, a.source, a.name, a.labels, a.annotations, a.service, a.idc, a.endpoint,
           a.generator_url, due.cause, (extract(epoch FROM a.starts_at) * 1000)::bigint AS starts_ms,
           (extract(epoch FROM a.ends_at) * 1000)::bigint AS ends_ms`,
        [now, resolveAfterMs],
      );
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
