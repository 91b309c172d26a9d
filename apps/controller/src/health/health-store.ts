import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { ENV, type Env } from '@libs/config';
import type { HealthEvent } from '@libs/domain';
import { insertTimelineEvents, publishTimelineEvents } from '@libs/persistence';
import {
  HEALTH_KEYS,
  type EndpointHealthDetail,
  type EndpointStatus,
  type StatusSnapshot,
} from '@libs/queue';
import { REDIS, redisKey } from '@libs/runtime';
import type { RollupRow } from './health-engine';

/**
 * Where the leader's health model goes: the status and endpoint details to Redis (for the API and
 * for the next leader), events to Postgres and to a Redis channel (the live timeline), rollups to
 * Postgres. Database writes follow state changes and minutes, not the probe rate.
 */
@Injectable()
export class HealthStore {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(ENV) private readonly env: Env,
  ) {}

  private key(name: string): string {
    return redisKey(this.env, name);
  }

  async publishStatus(
    snapshot: StatusSnapshot,
    perService: ReadonlyMap<string, readonly EndpointStatus[]>,
    details: readonly EndpointHealthDetail[],
  ): Promise<void> {
    const pipeline = this.redis.pipeline();
    pipeline.set(this.key(HEALTH_KEYS.status), JSON.stringify(snapshot));
    const services = [...perService].flatMap(([service, list]) => [service, JSON.stringify(list)]);
    pipeline.del(this.key(HEALTH_KEYS.serviceEndpoints));
    if (services.length) pipeline.hset(this.key(HEALTH_KEYS.serviceEndpoints), ...services);
    await pipeline.exec();
    // Many details are a lot of JSON: write them in slices and let requests in between.
    for (let i = 0; i < details.length; i += 250) {
      await yieldToEventLoop();
      const chunk = details.slice(i, i + 250).flatMap((d) => [d.id, JSON.stringify(d)]);
      await this.redis.hset(this.key(HEALTH_KEYS.endpoints), ...chunk);
    }
  }

  /** Forgets the details of endpoints no longer in the config. */
  async pruneDetails(keep: ReadonlySet<string>): Promise<void> {
    const ids = await this.redis.hkeys(this.key(HEALTH_KEYS.endpoints));
    const gone = ids.filter((id) => !keep.has(id));
    if (gone.length) await this.redis.hdel(this.key(HEALTH_KEYS.endpoints), ...gone);
  }

  async loadStatus(): Promise<StatusSnapshot | null> {
    const json = await this.redis.get(this.key(HEALTH_KEYS.status));
    return json ? (JSON.parse(json) as StatusSnapshot) : null;
  }

  async loadDetails(): Promise<EndpointHealthDetail[]> {
    const all = await this.redis.hvals(this.key(HEALTH_KEYS.endpoints));
    return all.map((json) => JSON.parse(json) as EndpointHealthDetail);
  }

  async recordEvents(events: readonly HealthEvent[]): Promise<void> {
    await insertTimelineEvents(this.db.manager, events);
    await publishTimelineEvents(this.redis, this.key(HEALTH_KEYS.events), events);
  }

  /** One row per endpoint-minute; a minute written twice (a failover mid-minute) is merged. */
  async writeRollups(rows: readonly RollupRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 1000) {
      const chunk = rows.slice(i, i + 1000);
      const values: unknown[] = [];
      const tuples = chunk.map((r, j) => {
        values.push(
          r.endpoint,
          new Date(r.minute),
          r.service,
          r.idc,
          r.count,
          r.failures,
          r.p50,
          r.p95,
          r.p99,
        );
        const o = j * 9;
        return `($${o + 1},$${o + 2},$${o + 3},$${o + 4},$${o + 5},$${o + 6},$${o + 7},$${o + 8},$${o + 9})`;
      });
      await this.db.query(
        `INSERT INTO endpoint_rollups (endpoint, minute, service, idc, count, failures, latency_p50, latency_p95, latency_p99)
         VALUES ${tuples.join(',')}
         ON CONFLICT (endpoint, minute) DO UPDATE SET
           count = endpoint_rollups.count + excluded.count,
           failures = endpoint_rollups.failures + excluded.failures,
           latency_p50 = greatest(endpoint_rollups.latency_p50, excluded.latency_p50),
           latency_p95 = greatest(endpoint_rollups.latency_p95, excluded.latency_p95),
           latency_p99 = greatest(endpoint_rollups.latency_p99, excluded.latency_p99)`,
        values,
      );
    }
  }

  /** Deletes rows older than the retention in small batches, so it never holds long locks. */
  async applyRetention(rollupsBefore: Date, eventsBefore: Date): Promise<number> {
    let deleted = 0;
    for (const [table, where, before] of [
      ['endpoint_rollups', 'minute < $1', rollupsBefore],
      ['health_events', 'at < $1', eventsBefore],
      // Firing alerts stay, however old: they are facts of the rules until resolved.
      ['alerts', "status = 'resolved' AND updated_at < $1", eventsBefore],
    ] as const) {
      for (;;) {
        const result: [unknown[], number] = await this.db.query(
          `DELETE FROM ${table} WHERE ctid IN (SELECT ctid FROM ${table} WHERE ${where} LIMIT 5000)`,
          [before],
        );
        const count = Array.isArray(result) ? Number(result[1] ?? 0) : 0;
        deleted += count;
        if (count < 5000) break;
      }
    }
    return deleted;
  }
}
