import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { DataSource, type EntityManager } from 'typeorm';
import { ENV, type Env } from '@libs/config';
import {
  alertChanged,
  alertEvent,
  alertTarget,
  type AlertEvent,
  type AlertStatus,
  type ReceivedAlert,
} from '@libs/domain';
import { insertTimelineEvents } from '@libs/persistence';
import { HEALTH_KEYS } from '@libs/queue';
import { REDIS, redisKey } from '@libs/runtime';
import { AlertSettings } from './alert-settings';

/** What a webhook answers: how many alerts the body held, by status. */
export interface ReceiveSummary {
  received: number;
  firing: number;
  resolved: number;
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
    const summary = {
      received: alerts.length,
      firing: alerts.filter((a) => a.status === 'firing').length,
      resolved: alerts.filter((a) => a.status === 'resolved').length,
    };
    if (alerts.length === 0) return summary;
    // One alert twice in a body: the later one wins. Sorted, so concurrent bodies lock rows in one order.
    const latest = [...new Map(alerts.map((a) => [a.fingerprint, a])).values()].sort((a, b) =>
      a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0,
    );
    const names = await this.settings.labels();
    const targets = new Map(latest.map((a) => [a.fingerprint, alertTarget(a.labels, names)]));
    const events = await this.db.transaction(async (m) => {
      const before = await this.upsert(m, latest, targets);
      const changes = latest.flatMap((a) =>
        alertChanged(before.get(a.fingerprint) ?? null, a.status)
          ? [alertEvent(a, targets.get(a.fingerprint)!, before.get(a.fingerprint) ?? null, now)]
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
   * Inserts the new alerts and updates the others; returns the status each existing one had before.
   * New rows first (ON CONFLICT DO NOTHING), then the existing rows locked (FOR UPDATE) and read, so
   * the status before is exact even when two bodies carry the same alert at once.
   */
  private async upsert(
    m: EntityManager,
    alerts: readonly ReceivedAlert[],
    targets: ReadonlyMap<string, ReturnType<typeof alertTarget>>,
  ): Promise<Map<string, AlertStatus>> {
    const rows: AlertRow[] = alerts.map((a) => ({
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
    }));
    const json = JSON.stringify(rows);
    const inserted: Array<{ fingerprint: string }> = await m.query(
      `INSERT INTO alerts (fingerprint, source, name, status, labels, annotations, service, idc, endpoint,
                           starts_at, ends_at, generator_url)
       SELECT fingerprint, source, name, status, labels, annotations, service, idc, endpoint,
              ${ms('starts_ms')}, ${ms('ends_ms')}, generator_url
       FROM ${RECORD} ORDER BY fingerprint
       ON CONFLICT (fingerprint) DO NOTHING RETURNING fingerprint`,
      [json],
    );
    const fresh = new Set(inserted.map((r) => r.fingerprint));
    const existing = rows.filter((r) => !fresh.has(r.fingerprint));
    if (existing.length === 0) return new Map();
    const locked: Array<{ fingerprint: string; status: AlertStatus }> = await m.query(
      `SELECT fingerprint, status FROM alerts WHERE fingerprint = ANY($1::text[])
       ORDER BY fingerprint FOR UPDATE`,
      [existing.map((r) => r.fingerprint)],
    );
    // A repeat of a firing alert keeps its first start (a generic alert without startsAt says "now").
    await m.query(
      `UPDATE alerts a SET source = v.source, name = v.name, status = v.status, labels = v.labels,
         annotations = v.annotations, service = v.service, idc = v.idc, endpoint = v.endpoint,
         starts_at = CASE WHEN a.status = 'firing' THEN least(a.starts_at, ${ms('v.starts_ms')})
                          ELSE ${ms('v.starts_ms')} END,
         ends_at = ${ms('v.ends_ms')}, generator_url = v.generator_url,
         received_count = a.received_count + 1, updated_at = now()
       FROM ${RECORD} WHERE a.fingerprint = v.fingerprint`,
      [JSON.stringify(existing)],
    );
    return new Map(locked.map((r) => [r.fingerprint, r.status]));
  }

  /** On the live timeline's channel (GET /events/stream), after the commit. */
  private async publish(events: readonly AlertEvent[]): Promise<void> {
    if (events.length === 0) return;
    const channel = redisKey(this.env, HEALTH_KEYS.events);
    const pipeline = this.redis.pipeline();
    for (const e of events) pipeline.publish(channel, JSON.stringify(e));
    await pipeline.exec();
  }
}
