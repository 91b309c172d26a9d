import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type {
  AvailabilityReportDto,
  IdcAvailabilityDto,
  IncidentDto,
  ServiceAvailabilityDto,
  WorstEndpointDto,
} from './health.dto';

interface PairRow {
  service: string;
  idc: string;
  probes: string;
  failures: string;
}

interface WorstRow extends PairRow {
  endpoint: string;
}

interface IncidentRow {
  id: string;
  service: string;
  idc: string;
  at: Date;
  reason: string;
  details: { firstFailureAt?: unknown } | null;
  end_at: Date | null;
}

const WORST_ENDPOINTS = 5;

/** 100 * (1 - failures/probes), computed so that exact inputs give exact outputs (397/400 -> 99.25). */
const percent = (probes: number, failures: number) =>
  probes > 0 ? ((probes - failures) * 100) / probes : null;

const mean = (values: number[]) =>
  values.length ? Math.round(values.reduce((a, b) => a + b, 0) / values.length) : null;

/**
 * The availability report: per service and IDC, availability from the per-minute rollups, incidents
 * (UNHEALTHY periods) from the `idc` events, with time to detect and to recover, and each service's
 * worst endpoints.
 */
@Injectable()
export class AvailabilityService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async report(range: { from: number; to: number }, service?: string): Promise<AvailabilityReportDto> {
    const from = new Date(range.from).toISOString();
    const to = new Date(range.to).toISOString();
    const [pairs, worst, incidents, configured] = await Promise.all([
      this.pairs(from, to, service),
      this.worst(from, to, service),
      this.incidents(from, to, service),
      this.configured(service),
    ]);

    const services = new Map<string, ServiceAvailabilityDto>();
    const serviceOf = (name: string) => {
      let entry = services.get(name);
      if (!entry) {
        entry = {
          service: name,
          probes: 0,
          failures: 0,
          availabilityPercent: null,
          idcs: [],
          worstEndpoints: [],
        };
        services.set(name, entry);
      }
      return entry;
    };
    const idcOf = (name: string, idc: string) => {
      const entry = serviceOf(name);
      let row = entry.idcs.find((i) => i.idc === idc);
      if (!row) {
        row = {
          idc,
          probes: 0,
          failures: 0,
          availabilityPercent: null,
          incidents: [],
          meanMttdMs: null,
          meanMttrMs: null,
        };
        entry.idcs.push(row);
      }
      return row;
    };

    for (const c of configured) {
      if (c.idc) idcOf(c.service, c.idc);
      else serviceOf(c.service);
    }
    for (const p of pairs) {
      const row = idcOf(p.service, p.idc);
      row.probes = Number(p.probes);
      row.failures = Number(p.failures);
    }
    for (const i of incidents) idcOf(i.service, i.idc).incidents.push(this.incident(i));
    for (const w of worst) serviceOf(w.service).worstEndpoints.push(this.worstEndpoint(w));

    if (service && !services.has(service)) {
      throw new NotFoundException(`service "${service}" is not in the config and has no data in the range`);
    }
    const list = [...services.values()].sort((a, b) => a.service.localeCompare(b.service));
    for (const entry of list) {
      entry.idcs.sort((a, b) => a.idc.localeCompare(b.idc));
      for (const row of entry.idcs) this.summarise(row);
      entry.probes = entry.idcs.reduce((n, r) => n + r.probes, 0);
      entry.failures = entry.idcs.reduce((n, r) => n + r.failures, 0);
      entry.availabilityPercent = percent(entry.probes, entry.failures);
    }
    return { from, to, services: list };
  }

  private summarise(row: IdcAvailabilityDto): void {
    row.availabilityPercent = percent(row.probes, row.failures);
    row.meanMttdMs = mean(row.incidents.flatMap((i) => (i.mttdMs === null ? [] : [i.mttdMs])));
    row.meanMttrMs = mean(row.incidents.flatMap((i) => (i.mttrMs === null ? [] : [i.mttrMs])));
  }

  private incident(row: IncidentRow): IncidentDto {
    const start = row.at.getTime();
    const firstFailureAt = row.details?.firstFailureAt;
    const end = row.end_at ? row.end_at.getTime() : null;
    return {
      eventId: row.id,
      startedAt: row.at.toISOString(),
      endedAt: row.end_at ? row.end_at.toISOString() : null,
      ongoing: end === null,
      reason: row.reason,
      mttdMs:
        typeof firstFailureAt === 'number' && Number.isFinite(firstFailureAt) ? start - firstFailureAt : null,
      mttrMs: end === null ? null : end - start,
    };
  }

  private worstEndpoint(row: WorstRow): WorstEndpointDto {
    const probes = Number(row.probes);
    const failures = Number(row.failures);
    return {
      endpoint: row.endpoint,
      idc: row.idc,
      probes,
      failures,
      availabilityPercent: percent(probes, failures)!,
    };
  }

  /** Probes and failures per (service, IDC) in the range. */
  private pairs(from: string, to: string, service?: string): Promise<PairRow[]> {
    return this.db.query(
      `SELECT service, idc, sum(count)::bigint AS probes, sum(failures)::bigint AS failures
         FROM endpoint_rollups
        WHERE minute >= $1 AND minute < $2 AND ($3::text IS NULL OR service = $3)
        GROUP BY service, idc`,
      [from, to, service ?? null],
    );
  }

  /** Per service, the endpoints with the lowest availability (ties: more failures, then by id). */
  private worst(from: string, to: string, service?: string): Promise<WorstRow[]> {
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
  private incidents(from: string, to: string, service?: string): Promise<IncidentRow[]> {
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
  private configured(service?: string): Promise<Array<{ service: string; idc: string | null }>> {
    return this.db.query(
      `SELECT s.name AS service, e.idc
         FROM services s
         LEFT JOIN (SELECT DISTINCT service, idc FROM endpoints) e ON e.service = s.name
        WHERE $1::text IS NULL OR s.name = $1`,
      [service ?? null],
    );
  }
}
