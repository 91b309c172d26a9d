import { Injectable } from '@nestjs/common';
import { formatDuration } from '@libs/config';
import type { HistoryBucketDto, HistoryDto } from './health.dto';
import { RollupsStore } from './rollups.store';
import { bucketRange } from './time-range';

/**
 * One endpoint's per-minute rollups, aggregated by Postgres into buckets of `step`. Percentiles of a
 * bucket cannot be recomputed from per-minute percentiles, so: p50 is the count-weighted mean of the
 * minute p50s, p95 and p99 are the highest minute p95/p99 (an upper bound).
 */
@Injectable()
export class HealthHistoryService {
  constructor(private readonly rollups: RollupsStore) {}

  async history(endpoint: string, range: { from: number; to: number }, stepMs: number): Promise<HistoryDto> {
    const { first, count } = bucketRange(range.from, range.to, stepMs);
    const rows = await this.rollups.buckets(endpoint, stepMs, first, range.to);
    const byStart = new Map(rows.map((row) => [Number(row.bucket), row]));
    const buckets: HistoryBucketDto[] = [];
    for (let i = 0; i < count; i++) {
      const start = first + i * stepMs;
      const row = byStart.get(start);
      const probes = row ? Number(row.count) : 0;
      const failures = row ? Number(row.failures) : 0;
      buckets.push({
        start: new Date(start).toISOString(),
        count: probes,
        failures,
        availability: probes > 0 ? (probes - failures) / probes : null,
        latencyP50Ms: row?.p50 ?? null,
        latencyP95Ms: row?.p95 ?? null,
        latencyP99Ms: row?.p99 ?? null,
      });
    }
    return {
      endpoint,
      from: new Date(first).toISOString(),
      to: new Date(range.to).toISOString(),
      step: formatDuration(stepMs),
      stepMs,
      buckets,
    };
  }
}
