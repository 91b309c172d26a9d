import type { Schema } from '../api';

/** A service's weights over time, as the traffic history answers them and as the chart draws them. */

export type Weights = Record<string, number>;
export type TrafficPoint = Schema<'TrafficPointDto'>;
export type TrafficHistory = Schema<'TrafficHistoryDto'>;

/** The weights a point says each IDC got: the confirmed ones, else the desired ones. */
export function effectiveWeights(p: TrafficPoint): Weights {
  return p.applied ?? p.desired;
}

/** Every IDC of the history: the baseline's first (in its order), then any other a point names. */
export function historyIdcs(history: TrafficHistory): string[] {
  const idcs = Object.keys(history.baseline);
  const seen = new Set(idcs);
  for (const p of [history.start, ...history.points]) {
    for (const idc of [...Object.keys(p.desired), ...Object.keys(p.applied ?? {})]) {
      if (!seen.has(idc)) {
        seen.add(idc);
        idcs.push(idc);
      }
    }
  }
  return idcs;
}

/**
 * Stepped series per IDC (x in epoch seconds): the value at `from` (the start point, else the
 * baseline), each change, and the last value again at `to` so the line reaches the end of the range.
 */
export function weightSeries(history: TrafficHistory): { x: number[]; idcs: string[]; values: number[][] } {
  const idcs = historyIdcs(history);
  const from = Date.parse(history.from);
  const to = Date.parse(history.to);
  const rows: { at: number; weights: Weights }[] = [
    { at: from, weights: effectiveWeights(history.start) },
    ...history.points.map((p) => ({ at: Math.max(from, Date.parse(p.at)), weights: effectiveWeights(p) })),
  ];
  rows.push({ at: Math.max(to, rows[rows.length - 1].at), weights: rows[rows.length - 1].weights });
  return {
    x: rows.map((r) => r.at / 1000),
    idcs,
    values: idcs.map((idc) => rows.map((r) => r.weights[idc] ?? 0)),
  };
}
