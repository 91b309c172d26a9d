/** Where and when an incident happened, read from its notifications: for its events' query. */

export interface IncidentScope {
  service: string | null;
  idc: string | null;
  /** ISO times bracketing the notifications with `marginMs` on each side; null when there are none. */
  from: string | null;
  to: string | null;
}

/**
 * The service and IDC the incident's notifications name (the most common non-empty label), and the
 * window from the first notification minus `marginMs` to the last update plus `marginMs`. Not capped
 * at the clock: the result must be stable across renders, as it keys the events query.
 */
export function incidentScope(
  notifications: ReadonlyArray<{ labels: Record<string, string>; createdAt: string; updatedAt?: string }>,
  marginMs = 15 * 60_000,
): IncidentScope {
  const common = (key: string): string | null => {
    const counts = new Map<string, number>();
    for (const n of notifications) {
      const v = n.labels[key];
      if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    let best: string | null = null;
    let most = 0;
    for (const [v, c] of counts) if (c > most) [best, most] = [v, c];
    return best;
  };
  const times = notifications
    .flatMap((n) => [Date.parse(n.createdAt), n.updatedAt ? Date.parse(n.updatedAt) : NaN])
    .filter(Number.isFinite);
  if (!times.length) return { service: common('service'), idc: common('idc'), from: null, to: null };
  const first = Math.min(...times);
  const last = Math.max(...times);
  return {
    service: common('service'),
    idc: common('idc'),
    from: new Date(first - marginMs).toISOString(),
    to: new Date(last + marginMs).toISOString(),
  };
}
