/**
 * The health model's vocabulary. States are upper case in every API, metric label and event, the
 * way operators say them.
 */
export const HEALTH_STATES = ['UNKNOWN', 'HEALTHY', 'DEGRADED', 'UNHEALTHY'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

/** What one vantage thinks of one check: up or down after hysteresis, or no result yet. */
export const CHECK_STATES = ['UNKNOWN', 'UP', 'DOWN'] as const;
export type CheckState = (typeof CHECK_STATES)[number];

/** Endpoint counts by state, every state present. */
export type StateCounts = Record<HealthState, number>;

/** A count of 0 for every state. */
export function zeroCounts(): StateCounts {
  return { UNKNOWN: 0, HEALTHY: 0, DEGRADED: 0, UNHEALTHY: 0 };
}

/** Why an endpoint or an IDC is in its state. */
export type HealthReason =
  | 'ok'
  /** No result yet. */
  | 'unknown'
  /** No fresh result for more than 3 intervals: never HEALTHY on old data. */
  | 'stale'
  /** At least `quorum` live vantages see it down. */
  | 'down'
  /** Down from a minority of vantages only: a network path problem, not a dead node. */
  | 'path'
  /** Changed state too often; held DEGRADED (never HEALTHY) until stable while it is up. */
  | 'flapping'
  /** (service, IDC): healthy capacity ratio under the policy's thresholds. */
  | 'capacity';

/** One probe result, as the health model needs it. */
export interface Observation {
  at: number;
  ok: boolean;
  latencyMs: number;
  errorKind?: string;
  statusCode?: number;
}

/** Thresholds of one check. */
export interface CheckThresholds {
  healthyThreshold: number;
  unhealthyThreshold: number;
  /** Envoy's behaviour: an unexpected HTTP status marks the check down at once. */
  failOnStatus: boolean;
}

/** What one vantage thinks of one check of one endpoint (hysteresis both ways). */
export interface CheckTrack {
  state: CheckState;
  /** Consecutive successes / failures so far. */
  successes: number;
  failures: number;
  lastAt: number;
  lastOk: boolean;
  lastError?: string;
}

/** What one vantage thinks of one endpoint: the worst of its checks from that vantage. */
export interface VantageView {
  vantage: string;
  state: CheckState;
  /** The newest result time from this vantage. */
  lastAt: number;
  /** The check interval, to tell fresh from stale. */
  intervalMs: number;
}

export interface EndpointVerdict {
  state: HealthState;
  reason: HealthReason;
  /** Live, non-suspect vantages that see it down / up. */
  downFrom: string[];
  upFrom: string[];
}

/** Score 0-100 with the parts it is made of, so an operator can see why. */
export interface ScoreComponents {
  /** Share of successful probes in the window, 0-1. */
  availability: number;
  /** 1 when latency is within the check's SLO, falling to 0 at twice the SLO; 1 without an SLO. */
  latency: number;
  /** Penalty for state changes in the window, 0-1 (1 = no penalty). */
  stability: number;
}

export interface Score {
  score: number;
  components: ScoreComponents;
}

/** One endpoint's contribution to its (service, IDC). */
export interface EndpointHealth {
  state: HealthState;
  capacity: number;
  score: number;
  /** The verdict's reason, when known: lets the IDC say 'flapping' or 'stale' rather than guess. */
  reason?: HealthReason;
  /** Flap damping applies (see dampedState). */
  flapping?: boolean;
  /** Recent success share, 0-1 (recentSuccessRatio): a flapping endpoint counts only this much. */
  successRatio?: number;
}

export interface IdcHealth {
  state: HealthState;
  reason: HealthReason;
  /**
   * healthyCapacity / totalCapacity, 0-1. HEALTHY and DEGRADED endpoints count as healthy capacity
   * (DEGRADED ones still serve traffic), a flapping one only by its success ratio; UNHEALTHY and
   * UNKNOWN ones do not. See idcHealth and healthyShare.
   */
  healthyRatio: number;
  healthyCapacity: number;
  totalCapacity: number;
  score: number;
  /** Endpoint counts by state. */
  counts: StateCounts;
}
