import type { Interval } from './types';

/** The union of intervals, merged and sorted (touching ones join). */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ ...i });
  }
  return out;
}

/** The parts of `intervals` inside [from, to), merged. */
export function clipIntervals(intervals: readonly Interval[], from: number, to: number): Interval[] {
  return mergeIntervals(intervals.map((i) => ({ start: Math.max(i.start, from), end: Math.min(i.end, to) })));
}

/** Total length (ms) of the union of intervals. */
export function totalMs(intervals: readonly Interval[]): number {
  return mergeIntervals(intervals).reduce((n, i) => n + i.end - i.start, 0);
}

/** Length (ms) of the part of `a`'s union that is inside `b`'s union. */
export function overlapMs(a: readonly Interval[], b: readonly Interval[]): number {
  const x = mergeIntervals(a);
  const y = mergeIntervals(b);
  let n = 0;
  let j = 0;
  for (const i of x) {
    while (j < y.length && y[j].end <= i.start) j++;
    for (let k = j; k < y.length && y[k].start < i.end; k++)
      n += Math.min(i.end, y[k].end) - Math.max(i.start, y[k].start);
  }
  return n;
}

/** What maintenance does to one report row (a service in an IDC) over [from, to). */
export interface MaintenanceAccount {
  /** Time in the range inside a declared window. */
  maintenanceMs: number;
  /** Time in the range UNHEALTHY (an incident) outside every window. */
  downtimeMs: number;
  /** Time in the range UNHEALTHY inside a window: shown apart, not downtime. */
  downtimeInMaintenanceMs: number;
  /** The range less maintenance: what availability is measured against. */
  measuredMs: number;
}

/**
 * The time arithmetic of a report row: maintenance time (the windows' occurrences, merged, within
 * the range), downtime (incidents within the range, less maintenance) and the time measured (range
 * less maintenance), like Uptime Kuma's maintenance and Alertmanager's time intervals. An ongoing
 * incident has `end` = the range's end.
 */
export function accountMaintenance(
  range: Interval,
  windows: readonly Interval[],
  incidents: readonly Interval[],
): MaintenanceAccount {
  const maintenance = clipIntervals(windows, range.start, range.end);
  const down = clipIntervals(incidents, range.start, range.end);
  const maintenanceMs = totalMs(maintenance);
  const downtimeInMaintenanceMs = overlapMs(down, maintenance);
  return {
    maintenanceMs,
    downtimeMs: totalMs(down) - downtimeInMaintenanceMs,
    downtimeInMaintenanceMs,
    measuredMs: range.end - range.start - maintenanceMs,
  };
}

/**
 * Availability in percent of probes outside maintenance: 100 × (probes − failures) / probes, where
 * probes taken inside a window are left out of both. Null without a probe.
 */
export function availabilityPercent(probes: number, failures: number): number | null {
  return probes > 0 ? ((probes - failures) * 100) / probes : null;
}

/**
 * Whether a per-minute rollup belongs to maintenance: its minute starts inside a window. A rollup is
 * the smallest unit the report has, so a window that starts at 02:00:30 takes the 02:01 minute on.
 */
export function minuteInMaintenance(minute: number, windows: readonly Interval[]): boolean {
  return windows.some((w) => Math.ceil(w.start / 60_000) * 60_000 <= minute && minute < w.end);
}
