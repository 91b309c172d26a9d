/** A service's weights over time, as the traffic history answers them and as the chart draws them. */

export type Weights = Record<string, number>;

export interface TrafficPoint {
  at: string;
  /** start, step, override or release (absent in older answers). */
  kind?: string;
  desired: Weights;
  applied: Weights | null;
  override: Weights | null;
  actionId: string | null;
  reason: string | null;
  by?: string | null;
}

export interface TrafficHistory {
  service: string;
  from: string;
  to: string;
  baseline: Weights;
  /** The weights at `from`; null when the answer has none (nothing known before the range). */
  start: TrafficPoint | null;
  /** Each change in [from, to), oldest first. */
  points: TrafficPoint[];
  /** Only the first changes of the range are listed. */
  truncated: boolean;
}

function weightsOrNull(value: unknown): Weights | null {
  return value && typeof value === 'object' ? (value as Weights) : null;
}

function point(raw: unknown): TrafficPoint | null {
  if (!raw || typeof raw !== 'object') return null;
  const p = raw as Record<string, unknown>;
  return {
    at: String(p.at),
    kind: typeof p.kind === 'string' ? p.kind : undefined,
    desired: weightsOrNull(p.desired) ?? {},
    applied: weightsOrNull(p.applied),
    override: weightsOrNull(p.override),
    actionId: typeof p.actionId === 'string' ? p.actionId : null,
    reason: typeof p.reason === 'string' ? p.reason : null,
    by: typeof p.by === 'string' ? p.by : null,
  };
}

/** The answer in the shape the page uses, whichever of the known shapes the server sent. */
export function normalizeTrafficHistory(raw: unknown): TrafficHistory {
  const body = (raw ?? {}) as Record<string, unknown>;
  return {
    service: String(body.service ?? ''),
    from: String(body.from),
    to: String(body.to),
    baseline: weightsOrNull(body.baseline) ?? {},
    start: point(body.start ?? body.initial),
    points: Array.isArray(body.points)
      ? body.points.map(point).filter((p): p is TrafficPoint => p !== null)
      : [],
    truncated: body.truncated === true,
  };
}

/** The weights a point says each IDC got: the confirmed ones, else the desired ones. */
export function effectiveWeights(p: TrafficPoint): Weights {
  return p.applied ?? p.desired;
}

/** Every IDC of the history: the baseline's first (in its order), then any other a point names. */
export function historyIdcs(history: TrafficHistory): string[] {
  const idcs = Object.keys(history.baseline);
  const seen = new Set(idcs);
  for (const p of [history.start, ...history.points]) {
    if (!p) continue;
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
    { at: from, weights: history.start ? effectiveWeights(history.start) : history.baseline },
    ...history.points.map((p) => ({ at: Math.max(from, Date.parse(p.at)), weights: effectiveWeights(p) })),
  ];
  rows.push({ at: Math.max(to, rows[rows.length - 1].at), weights: rows[rows.length - 1].weights });
  return {
    x: rows.map((r) => r.at / 1000),
    idcs,
    values: idcs.map((idc) => rows.map((r) => r.weights[idc] ?? 0)),
  };
}
