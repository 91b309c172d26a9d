import type { DataSource } from 'typeorm';
import { MAX_ALERT_FACTS, type AlertFact } from '@libs/domain';
import type { AlertRecord } from '@libs/persistence';

/** Firing alerts the rules see at most: the most recently received ones (the rules' cost assumes it). */
export const ALERT_FACTS_LIMIT = MAX_ALERT_FACTS;
/** The alerts table is read at most this often. */
export const ALERT_FACTS_REFRESH_MS = 1000;

/** A stored alert as the rules need it. */
export type AlertFactRow = Pick<
  AlertRecord,
  'name' | 'status' | 'labels' | 'annotations' | 'service' | 'idc' | 'endpoint' | 'starts_at'
>;

export function toAlertFact(row: AlertFactRow): AlertFact {
  return {
    name: row.name,
    status: row.status,
    labels: row.labels,
    annotations: row.annotations,
    ...(row.service !== null && { service: row.service }),
    ...(row.idc !== null && { idc: row.idc }),
    ...(row.endpoint !== null && { endpoint: row.endpoint }),
    startsAt: row.starts_at.getTime(),
  };
}

/**
 * The alerts that fire now: status firing and no end time passed. The newest ALERT_FACTS_LIMIT by
 * last receipt, in fingerprint order so that an unchanged set reads back identical.
 */
export function firingAlertRows(db: DataSource): () => Promise<AlertFactRow[]> {
  return () =>
    db.query(
      `SELECT name, status, labels, annotations, service, idc, endpoint, starts_at FROM (
         SELECT * FROM alerts WHERE status = 'firing' AND (ends_at IS NULL OR ends_at > now())
         ORDER BY updated_at DESC LIMIT ${ALERT_FACTS_LIMIT}
       ) firing ORDER BY fingerprint`,
    );
}

/**
 * The `alerts` fact of the rules: read at most once a second (on the leader, from its tick), and the
 * same array as long as the alerts are the same, since the rules convert an array to CEL values once
 * per array identity. A failed read keeps the last alerts.
 */
export class AlertFacts {
  private facts: readonly AlertFact[] = [];
  private key = '[]';
  private readAt = -Infinity;

  constructor(
    private readonly load: () => Promise<AlertFactRow[]>,
    private readonly warn: (message: string) => void,
  ) {}

  async current(now: number): Promise<readonly AlertFact[]> {
    if (now - this.readAt < ALERT_FACTS_REFRESH_MS) return this.facts;
    this.readAt = now;
    try {
      const facts = (await this.load()).map(toAlertFact);
      const key = JSON.stringify(facts);
      if (key === this.key) return this.facts;
      if (facts.length >= ALERT_FACTS_LIMIT) {
        this.warn(`${ALERT_FACTS_LIMIT}+ alerts fire: the rules see the ${ALERT_FACTS_LIMIT} received last`);
      }
      [this.facts, this.key] = [facts, key];
    } catch (err) {
      this.warn(`alerts for the rules not read (the last ones stay): ${(err as Error).message}`);
    }
    return this.facts;
  }
}
