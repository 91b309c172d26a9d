import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { formatDuration } from '@libs/config';
import { EndpointRollupEntity } from '@libs/persistence';
import type { HistoryBucketDto, HistoryDto } from './health.dto';
import { bucketRange } from './time-range';

interface BucketRow {
  bucket: string;
  count: string;
  failures: string;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/**
 * One endpoint's per-minute rollups, aggregated by Postgres into buckets of `step`. Percentiles of a
 * bucket cannot be recomputed from per-minute percentiles, so: p50 is the count-weighted mean of the
 * minute p50s, p95 and p99 are the highest minute p95/p99 (an upper bound).
 */
@Injectable()
export class HealthHistoryService {
  constructor(
    @InjectRepository(EndpointRollupEntity) private readonly rollups: Repository<EndpointRollupEntity>,
  ) {}

  async history(endpoint: string, range: { from: number; to: number }, stepMs: number): Promise<HistoryDto> {
    const { first, count } = bucketRange(range.from, range.to, stepMs);
    const rows: BucketRow[] = await this.rollups.query(
      `SELECT (floor(extract(epoch FROM minute) * 1000 / $2::bigint) * $2::bigint)::bigint AS bucket,
              sum(count)::bigint AS count,
              sum(failures)::bigint AS failures,
              sum(latency_p50::float8 * count) / nullif(sum(count), 0) AS p50,
              max(latency_p95::float8) FILTER (WHERE count > 0) AS p95,
              max(latency_p99::float8) FILTER (WHERE count > 0) AS p99
         FROM endpoint_rollups
        WHERE endpoint = $1 AND minute >= $3::timestamptz AND minute < $4::timestamptz
        GROUP BY 1
        ORDER BY 1`,
      [endpoint, stepMs, new Date(first).toISOString(), new Date(range.to).toISOString()],
    );
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
