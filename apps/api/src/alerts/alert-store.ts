import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { DataSource, type EntityManager } from 'typeorm';
import { ENV, type Env } from '@libs/config';
import {
  alertChanged,
  alertEvent,
  alertTarget,
  mergeAlert,
  settleAlert,
  type AlertEvent,
  type AlertStatus,
  type AlertTarget,
  type ReceivedAlert,
} from '@libs/domain';
import { insertTimelineEvents, publishTimelineEvents, type AlertRecord } from '@libs/persistence';
import { HEALTH_KEYS } from '@libs/queue';
import { REDIS, redisKey } from '@libs/runtime';
import { AlertSettings } from './alert-settings';

/** What a webhook answers: how many alerts the body held, by status. */
export interface ReceiveSummary {
  received: number;
  firing: number;
  resolved: number;
}

/** The columns a page of alerts may be narrowed on, each to one value. */
const PAGE_FILTERS = ['status', 'service', 'idc', 'endpoint', 'name', 'source'] as const;

/** An alert as a page reads it, with its page key: microseconds of updated_at. */
export interface AlertPageRow extends AlertRecord {
  key_us: string;
}

/** One alert as a row of the jsonb_to_recordset input (times as epoch ms). */
interface AlertRow {
  fingerprint: string;
  source: string;
  name: string;
  status: AlertStatus;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  service: string | null;
  idc: string | null;
  endpoint: string | null;
  starts_ms: number;
  ends_ms: number | null;
  generator_url: string | null;
}

function toRow(a: ReceivedAlert, targets: ReadonlyMap<string, AlertTarget>): AlertRow {
  return {
    fingerprint: a.fingerprint,
    source: a.source,
    name: a.name,
    status: a.status,
    labels: a.labels,
    annotations: a.annotations,
    ...targets.get(a.fingerprint)!,
    starts_ms: a.startsAt,
    ends_ms: a.endsAt,
    generator_url: a.generatorUrl,
  };
}

const RECORD = `jsonb_to_recordset($1::jsonb) AS v(
  fingerprint text, source text, name text, status text, labels jsonb, annotations jsonb,
  service text, idc text, endpoint text, starts_ms bigint, ends_ms bigint, generator_url text)`;
const ms = (column: string) => `('epoch'::timestamptz + ${column} * interval '1 millisecond')`;

/**
 * Stores received alerts by fingerprint and puts their changes on the health timeline. A body is one
 * transaction: all its alerts are stored, with their events, or none.
 */
@Injectable()
export class AlertStore {
  private readonly logger = new Logger(AlertStore.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(ENV) private readonly env: Env,
    private readonly settings: AlertSettings,
  ) {}

  async receive(alerts: readonly ReceivedAlert[], now: number): Promise<ReceiveSummary> {
    const settled = alerts.map((a) => settleAlert(a, now));
    const summary = {
      received: settled.length,
      firing: settled.filter((a) => a.status === 'firing').length,
      resolved: settled.filter((a) => a.status === 'resolved').length,
    };
    if (settled.length === 0) return summary;
    // One alert twice in a body: the later one wins. Sorted, so concurrent bodies lock rows in one order.
    const latest = [...new Map(settled.map((a) => [a.fingerprint, a])).values()].sort((a, b) =>
      a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0,
    );
    const names = await this.settings.labels();
    const targets = new Map(latest.map((a) => [a.fingerprint, alertTarget(a.labels, names)]));
    const events = await this.db.transaction(async (m) => {
      const stored = await this.upsert(m, latest, targets);
      const changes = stored.flatMap(({ alert, before }) =>
        alertChanged(before, alert.status)
          ? [alertEvent(alert, targets.get(alert.fingerprint)!, before, now)]
          : [],
      );
      await insertTimelineEvents(m, changes);
      return changes;
    });
    // Stored is what counts: a lost live event must not make the sender retry the body.
    await this.publish(events).catch((err: unknown) =>
      this.logger.warn(`alert events not published: ${(err as Error).message}`),
    );
    return summary;
  }

  /**
   * Inserts the new alerts and merges the others into their stored copy (mergeAlert: by the alerts'
   * own times, so a late copy changes nothing but the count); returns each alert as stored, with the
   * status it had before (null: new), leaving out the stale ones. New rows first (ON CONFLICT DO
   * NOTHING), then the existing rows locked (FOR UPDATE) and read, so the merge is exact even when two
   * bodies carry the same alert at once.
   */
  private async upsert(
    m: EntityManager,
    alerts: readonly ReceivedAlert[],
    targets: ReadonlyMap<string, AlertTarget>,
  ): Promise<Array<{ alert: ReceivedAlert; before: AlertStatus | null }>> {
    const inserted: Array<{ fingerprint: string }> = await m.query(
      `INSERT INTO alerts (fingerprint, source, name, status, labels, annotations, service, idc, endpoint,
                           starts_at, ends_at, generator_url)
       SELECT fingerprint, source, name, status, labels, annotations, service, idc, endpoint,
              ${ms('starts_ms')}, ${ms('ends_ms')}, generator_url
       FROM ${RECORD} ORDER BY fingerprint
       ON CONFLICT (fingerprint) DO NOTHING RETURNING fingerprint`,
      [JSON.stringify(alerts.map((a) => toRow(a, targets)))],
    );
    const fresh = new Set(inserted.map((r) => r.fingerprint));
    const result = alerts.filter((a) => fresh.has(a.fingerprint)).map((alert) => ({ alert, before: null }));
    const existing = alerts.filter((a) => !fresh.has(a.fingerprint));
    if (existing.length === 0) return result;
    const locked: Array<{
      fingerprint: string;
      status: AlertStatus;
      starts_ms: string;
      ends_ms: string | null;
    }> = await m.query(
      `SELECT fingerprint, status, (extract(epoch FROM starts_at) * 1000)::bigint AS starts_ms,
                (extract(epoch FROM ends_at) * 1000)::bigint AS ends_ms
         FROM alerts WHERE fingerprint = ANY($1::text[]) ORDER BY fingerprint FOR UPDATE`,
      [existing.map((a) => a.fingerprint)],
    );
    const before = new Map(locked.map((r) => [r.fingerprint, r]));
    const updates: ReceivedAlert[] = [];
    const stale: string[] = [];
    for (const alert of existing) {
      const row = before.get(alert.fingerprint)!;
      const state = {
        status: row.status,
        startsAt: Number(row.starts_ms),
        endsAt: row.ends_ms === null ? null : Number(row.ends_ms),
      };
      const merge = mergeAlert(state, alert);
      if (merge.kind === 'stale') stale.push(alert.fingerprint);
      else updates.push({ ...alert, startsAt: merge.startsAt });
    }
    if (updates.length) {
      await m.query(
        `UPDATE alerts a SET source = v.source, name = v.name, status = v.status, labels = v.labels,
           annotations = v.annotations, service = v.service, idc = v.idc, endpoint = v.endpoint,
           starts_at = ${ms('v.starts_ms')}, ends_at = ${ms('v.ends_ms')}, generator_url = v.generator_url,
           received_count = a.received_count + 1, updated_at = now()
         FROM ${RECORD} WHERE a.fingerprint = v.fingerprint`,
        [JSON.stringify(updates.map((a) => toRow(a, targets)))],
      );
    }
    if (stale.length) {
      // Received, so counted; not news, so the last receipt (updated_at) stays.
      await m.query(
        `UPDATE alerts SET received_count = received_count + 1 WHERE fingerprint = ANY($1::text[])`,
        [stale],
      );
    }
    return [...result, ...updates.map((alert) => ({ alert, before: before.get(alert.fingerprint)!.status }))];
  }

  /**
   * Most recently received first, keyset pagination on (updated_at, fingerprint): at most `take`
   * alerts, after the page key `after` (microseconds of updated_at and the fingerprint).
   */
  page(
    filter: Partial<Record<(typeof PAGE_FILTERS)[number], string>>,
    after: { us: string; fingerprint: string } | undefined,
    take: number,
  ): Promise<AlertPageRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    for (const column of PAGE_FILTERS) {
      if (filter[column] === undefined) continue;
      params.push(filter[column]);
      where.push(`${column} = $${params.length}`);
    }
    if (after) {
      params.push(after.us, after.fingerprint);
      const [us, fingerprint] = [`$${params.length - 1}`, `$${params.length}`];
      const at = `'epoch'::timestamptz + ${us}::bigint * interval '1 microsecond'`;
      where.push(`(updated_at, fingerprint) < (${at}, ${fingerprint})`);
    }
    params.push(take);
    return this.db.query(
      `SELECT *, (extract(epoch FROM updated_at) * 1000000)::bigint::text AS key_us FROM alerts
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY updated_at DESC, fingerprint DESC LIMIT $${params.length}`,
      params,
    );
  }

  /** On the live timeline's channel (GET /events/stream), after the commit. */
  private publish(events: readonly AlertEvent[]): Promise<void> {
    return publishTimelineEvents(this.redis, redisKey(this.env, HEALTH_KEYS.events), events);
  }
}
