/**
 * State changes as events: the controller publishes and stores one per change, so database writes
 * follow changes, not the probe rate.
 */

/** One state change of an endpoint, a (service, IDC) or a vantage. */
export interface HealthEvent {
  kind: 'endpoint' | 'idc' | 'vantage';
  /** When the change was decided (epoch ms). */
  at: number;
  service?: string;
  idc?: string;
  endpoint?: string;
  vantage?: string;
  before: string;
  after: string;
  reason: string;
  /** E.g. the vantages that see it down and the first failure of the streak (for MTTD). */
  details?: Record<string, unknown>;
}

/**
 * Whether going from `before` to `after` is a change worth an event. No previous state
 * (`undefined`: a new entity) is a change, so the event log records every entity's first state;
 * after a restart the controller should load the last known states first, or it re-announces them.
 */
export function stateChange<T extends string>(before: T | undefined, after: T): boolean {
  return before !== after;
}
