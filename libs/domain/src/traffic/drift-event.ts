/**
 * Traffic drift on the timeline: the weights a traffic manager has in force, read back, differ from
 * the ones Vigil applied (changed behind Vigil's back), or cannot be read; and, later, agree again.
 */

/** Whether a service's traffic manager has what Vigil applied. */
export const TRAFFIC_SYNC_STATES = ['in-sync', 'drift'] as const;
export type TrafficSyncState = (typeof TRAFFIC_SYNC_STATES)[number];

/** A service's traffic manager drifting from Vigil, or back in sync, beside health and alert events. */
export interface TrafficEvent {
  kind: 'traffic';
  /** When the read-back saw it (epoch ms). */
  at: number;
  service: string;
  idc?: undefined;
  endpoint?: undefined;
  before: TrafficSyncState;
  after: TrafficSyncState;
  /** Why it drifts (what differs, or why it cannot be read), or that it agrees again. */
  reason: string;
  /** What the read-back saw, e.g. `{ expected, actual, drained }` (weights by IDC). */
  details: Record<string, unknown>;
}

/**
 * The event of a service's traffic manager starting to drift (`drifting`) or agreeing again. `before`
 * is the other state, unless `wasDrifting` says otherwise: a drift whose reason changed (the weights
 * differ, then cannot be read) is `drift -> drift`.
 */
export function driftEvent(input: {
  service: string;
  at: number;
  drifting: boolean;
  reason: string;
  details?: Record<string, unknown>;
  wasDrifting?: boolean;
}): TrafficEvent {
  const state = (drifting: boolean): TrafficSyncState => (drifting ? 'drift' : 'in-sync');
  return {
    kind: 'traffic',
    at: input.at,
    service: input.service,
    before: state(input.wasDrifting ?? !input.drifting),
    after: state(input.drifting),
    reason: input.reason,
    details: { ...input.details },
  };
}
