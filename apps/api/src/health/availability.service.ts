import { Injectable, NotFoundException } from '@nestjs/common';
import {
  accountMaintenance,
  mergeIntervals,
  occurrences,
  scopeCovers,
  type Interval,
  type MaintenanceWindow,
} from '@libs/domain';
import { toMaintenanceWindow } from '@libs/persistence';
import { MaintenanceWindowsStore } from '../maintenance/maintenance-windows.store';
import { AvailabilityStore, type IncidentRow, type WorstRow } from './availability.store';
import type {
  AvailabilityReportDto,
  IdcAvailabilityDto,
  IncidentDto,
  ServiceAvailabilityDto,
  WorstEndpointDto,
} from './health.dto';

/** 100 * (1 - failures/probes), computed so that exact inputs give exact outputs (397/400 -> 99.25). */
const percent = (probes: number, failures: number) =>
  probes > 0 ? ((probes - failures) * 100) / probes : null;

const MINUTE_MS = 60_000;

const mean = (values: number[]) =>
  values.length ? Math.round(values.reduce((a, b) => a + b, 0) / values.length) : null;

/**
 * The availability report: per service and IDC, availability from the per-minute rollups, incidents
 * (UNHEALTHY periods) from the `idc` events, with time to detect and to recover, and each service's
 * worst endpoints.
 */
@Injectable()
export class AvailabilityService {
  constructor(
    private readonly store: AvailabilityStore,
    private readonly windows: MaintenanceWindowsStore,
  ) {}

  async report(range: { from: number; to: number }, service?: string): Promise<AvailabilityReportDto> {
    const from = new Date(range.from).toISOString();
    const to = new Date(range.to).toISOString();
    const [pairs, worst, incidents, configured, windowRows, serviceLabels] = await Promise.all([
      this.store.pairs(from, to, service),
      this.store.worst(from, to, service),
      this.store.incidents(from, to, service),
      this.store.configured(service),
      this.windows.overlapping(new Date(range.from), new Date(range.to)),
      this.windows.serviceLabels(),
    ]);
    // Each window's occurrences in the range, listed once for every row.
    const windows = windowRows
      .map(toMaintenanceWindow)
      .map((w): [MaintenanceWindow, Interval[]] => [w, occurrences(w, range.from, range.to)]);
    const maintenanceOf = (name: string, idc: string) =>
      mergeIntervals(
        windows
          .filter(([w]) =>
            scopeCovers(w.scope, { service: name, idc, serviceLabels: serviceLabels.get(name) ?? {} }),
          )
          .flatMap(([, list]) => list),
      );

    const services = new Map<string, ServiceAvailabilityDto>();
    const serviceOf = (name: string) => {
      let entry = services.get(name);
      if (!entry) {
        entry = {
          service: name,
          probes: 0,
          failures: 0,
          availabilityPercent: null,
          maintenanceProbes: 0,
          maintenanceFailures: 0,
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
          maintenanceSeconds: 0,
          maintenanceProbes: 0,
          maintenanceFailures: 0,
          downtimeSeconds: 0,
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

    // Maintenance: its time apart, its probes out of the ratio, and no downtime inside it.
    const end = Math.min(range.to, Date.now());
    const periods: Array<{ service: string; idc: string; start: string; end: string }> = [];
    const maintenance = new Map<IdcAvailabilityDto, Interval[]>();
    for (const entry of services.values()) {
      for (const row of entry.idcs) {
        const list = maintenanceOf(entry.service, row.idc);
        maintenance.set(row, list);
        for (const p of list) {
          const start = Math.ceil(Math.max(p.start, range.from) / MINUTE_MS) * MINUTE_MS;
          if (start < p.end)
            periods.push({
              service: entry.service,
              idc: row.idc,
              start: new Date(start).toISOString(),
              end: new Date(Math.min(p.end, range.to)).toISOString(),
            });
        }
      }
    }
    for (const m of await this.store.inMaintenance(from, to, periods)) {
      const row = idcOf(m.service, m.idc);
      row.maintenanceProbes = Number(m.probes);
      row.maintenanceFailures = Number(m.failures);
      row.probes -= row.maintenanceProbes;
      row.failures -= row.maintenanceFailures;
    }
    for (const [row, list] of maintenance) {
      const down = row.incidents.map((i) => ({
        start: Date.parse(i.startedAt),
        end: i.endedAt ? Date.parse(i.endedAt) : end,
      }));
      const account = accountMaintenance({ start: range.from, end: Math.max(range.from, end) }, list, down);
      row.maintenanceSeconds = Math.round(account.maintenanceMs / 1000);
      row.downtimeSeconds = Math.round(account.downtimeMs / 1000);
    }
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
      entry.maintenanceProbes = entry.idcs.reduce((n, r) => n + r.maintenanceProbes, 0);
      entry.maintenanceFailures = entry.idcs.reduce((n, r) => n + r.maintenanceFailures, 0);
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
}
