import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { EndpointRollupEntity } from '@libs/persistence';

/** One bucket of an endpoint's history as Postgres returns it (bigints as strings). */
export interface BucketRow {
  bucket: string;
  count: string;
  failures: string;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/**
 * The API's reads of `endpoint_rollups`. Every method takes the manager to use (a transaction's, or
 * the data source's when left out).
 */
@Injectable()
export class RollupsStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  hasHistory(endpoint: string, m: EntityManager = this.db.manager): Promise<boolean> {
    return m.getRepository(EndpointRollupEntity).existsBy({ endpoint });
  }

  /**
   * The endpoint's minutes in [from, to) aggregated into buckets of `stepMs` starting at multiples of
   * it since the epoch: p50 is the count-weighted mean of the minute p50s, p95 and p99 the highest.
   */
  buckets(
    endpoint: string,
    stepMs: number,
    from: number,
    to: number,
    m: EntityManager = this.db.manager,
  ): Promise<BucketRow[]> {
    return m.query(
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
      [endpoint, stepMs, new Date(from).toISOString(), new Date(to).toISOString()],
    );
  }
}
