import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface PairRow {
  service: string;
  idc: string;
  probes: string;
  failures: string;
}

export interface WorstRow extends PairRow {
  endpoint: string;
}

export interface IncidentRow {
  id: string;
  service: string;
  idc: string;
  at: Date;
  reason: string;
  details: { firstFailureAt?: unknown } | null;
  end_at: Date | null;
}

/** Per service, this many worst endpoints. */
const WORST_ENDPOINTS = 5;

/**
 * The availability report's reads: the per-minute rollups, the `idc` events and the current config's
 * (service, IDC) pairs. Times are ISO 8601 strings; `service` narrows to one service.
 */
@Injectable()
export class AvailabilityStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Probes and failures per (service, IDC) in the range. */
  pairs(from: string, to: string, service?: string): Promise<PairRow[]> {
    return this.db.query(
      `SELECT service, idc, sum(count)::bigint AS probes, sum(failures)::bigint AS failures
         FROM endpoint_rollups
        WHERE minute >= $1 AND minute < $2 AND ($3::text IS NULL OR service = $3)
        GROUP BY service, idc`,
      [from, to, service ?? null],
    );
  }

  /**
   * Probes and failures per (service, IDC) taken inside its maintenance periods (merged, so none is
   * counted twice). A rollup minute belongs to maintenance when it starts inside a period
   * (minuteInMaintenance: `start` is given rounded up to the minute).
   */
  async inMaintenance(
    from: string,
    to: string,
    periods: ReadonlyArray<{ service: string; idc: string; start: string; end: string }>,
  ): Promise<PairRow[]> {
    if (!periods.length) return [];
    return this.db.query(
      `SELECT r.service, r.idc, sum(r.count)::bigint AS probes, sum(r.failures)::bigint AS failures
         FROM endpoint_rollups r
         JOIN jsonb_to_recordset($3::jsonb) AS m(service text, idc text, start timestamptz, "end" timestamptz)
           ON m.service = r.service AND m.idc = r.idc AND r.minute >= m.start AND r.minute < m."end"
        WHERE r.minute >= $1 AND r.minute < $2
        GROUP BY r.service, r.idc`,
      [from, to, JSON.stringify(periods)],
    );
  }

  /** Per service, the endpoints with the lowest availability (ties: more failures, then by id). */
  worst(from: string, to: string, service?: string): Promise<WorstRow[]> {
    return this.db.query(
      `SELECT service, endpoint, idc, probes, failures
         FROM (SELECT service, endpoint, idc,
                      sum(count)::bigint AS probes, sum(failures)::bigint AS failures,
                      row_number() OVER (PARTITION BY service
                                         ORDER BY sum(failures)::float8 / sum(count) DESC,
                                                  sum(failures) DESC, endpoint) AS rank
                 FROM endpoint_rollups
                WHERE minute >= $1 AND minute < $2 AND ($3::text IS NULL OR service = $3)
                GROUP BY service, endpoint, idc
               HAVING sum(count) > 0) ranked
        WHERE rank <= ${WORST_ENDPOINTS}
        ORDER BY service, rank`,
      [from, to, service ?? null],
    );
  }

  /**
   * Incidents overlapping the range: an `idc` event entering UNHEALTHY starts one; the next event of
   * that (service, IDC) whose state is not UNHEALTHY ends it (none yet: ongoing).
   */
  incidents(from: string, to: string, service?: string): Promise<IncidentRow[]> {
    return this.db.query(
      `SELECT s.id, s.service, s.idc, s.at, s.reason, s.details, x.at AS end_at
         FROM health_events s
         LEFT JOIN LATERAL (
               SELECT e.at FROM health_events e
                WHERE e.kind = 'idc' AND e.service = s.service AND e.idc = s.idc
                  AND e.after <> 'UNHEALTHY' AND (e.at, e.id) > (s.at, s.id)
                ORDER BY e.at, e.id
                LIMIT 1) x ON true
        WHERE s.kind = 'idc' AND s.after = 'UNHEALTHY' AND s.before <> 'UNHEALTHY'
          AND s.service IS NOT NULL AND s.idc IS NOT NULL
          AND s.at < $2 AND (x.at IS NULL OR x.at >= $1)
          AND ($3::text IS NULL OR s.service = $3)
        ORDER BY s.service, s.idc, s.at, s.id`,
      [from, to, service ?? null],
    );
  }

  /** The (service, IDC) pairs of the current config, and services without endpoints (idc null). */
  configured(service?: string): Promise<Array<{ service: string; idc: string | null }>> {
    return this.db.query(
      `SELECT s.name AS service, e.idc
         FROM services s
         LEFT JOIN (SELECT DISTINCT service, idc FROM endpoints) e ON e.service = s.name
        WHERE $1::text IS NULL OR s.name = $1`,
      [service ?? null],
    );
  }
}
