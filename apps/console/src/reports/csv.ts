/** CSV as RFC 4180 writes it, and the rows of the availability report's exports. */
import type { Schema } from '../api';

type Report = Schema<'AvailabilityReportDto'>;
export type Cell = string | number | boolean | null | undefined;

/** One field: quoted when it holds a comma, a quote, CR or LF (quotes doubled); empty for null. */
export function csvField(value: Cell): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' && !Number.isFinite(value) ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A header line and the rows, each line ended by CRLF (RFC 4180). */
export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',') + '\r\n').join('');
}

/** Percent with up to 3 decimals, as a number a spreadsheet reads; empty when unknown. */
const percent = (value: number | null | undefined): Cell =>
  value === null || value === undefined ? null : Math.round(value * 1000) / 1000;

/** One row per (service, IDC), with the service's total first (IDC `*`). */
export function availabilityCsv(report: Report): string {
  const rows: Cell[][] = [];
  for (const s of report.services) {
    rows.push([s.service, '*', s.probes, s.failures, percent(s.availabilityPercent), null, null, null]);
    for (const i of s.idcs) {
      rows.push([
        s.service,
        i.idc,
        i.probes,
        i.failures,
        percent(i.availabilityPercent),
        i.incidents.length,
        i.meanMttdMs,
        i.meanMttrMs,
      ]);
    }
  }
  return toCsv(
    [
      'service',
      'idc',
      'probes',
      'failures',
      'availability_percent',
      'incidents',
      'mean_mttd_ms',
      'mean_mttr_ms',
    ],
    rows,
  );
}

/** One row per incident. */
export function incidentsCsv(report: Report): string {
  const rows = report.services.flatMap((s) =>
    s.idcs.flatMap((i) =>
      i.incidents.map((x): Cell[] => [
        s.service,
        i.idc,
        x.startedAt,
        x.endedAt,
        x.ongoing,
        x.reason,
        x.mttdMs,
        x.mttrMs,
        x.eventId,
      ]),
    ),
  );
  return toCsv(
    ['service', 'idc', 'started_at', 'ended_at', 'ongoing', 'reason', 'mttd_ms', 'mttr_ms', 'event_id'],
    rows,
  );
}

/** One row per worst endpoint of each service. */
export function worstEndpointsCsv(report: Report): string {
  const rows = report.services.flatMap((s) =>
    s.worstEndpoints.map((e): Cell[] => [
      s.service,
      e.endpoint,
      e.idc,
      e.probes,
      e.failures,
      percent(e.availabilityPercent),
    ]),
  );
  return toCsv(['service', 'endpoint', 'idc', 'probes', 'failures', 'availability_percent'], rows);
}
