/**
 * What the controller leader publishes about health, for the API and for its own restart. Redis keys
 * (under the prefix, see `HEALTH_KEYS`) hold JSON in these shapes; do not change one without
 * keeping readers of the old shape working.
 */
import type { HealthState, StateCounts } from '@libs/domain';

// The endpoint shapes are the domain's: the leader publishes them and the API serves them as is.
export type { EndpointHealthDetail, EndpointStatus } from '@libs/domain';

/** One (service, IDC) in GET /status. */
export interface IdcStatus {
  idc: string;
  state: HealthState;
  reason: string;
  score: number;
  healthyRatio: number;
  healthyCapacity: number;
  totalCapacity: number;
  /** Share of the service's traffic in percent: the weights in force (after shifts), else the config's baseline. */
  weight: number;
  /** Epoch ms of the last state change. */
  since: number;
  endpoints: StateCounts;
  /**
   * Epoch ms at which the (service, IDC) went UNHEALTHY, within the service's
   * `policy.failbackBackoff.window`, oldest first: each one lengthens the hold before failback.
   * Missing in snapshots of older versions (read as none).
   */
  outages?: number[];
}

export interface ServiceStatus {
  service: string;
  idcs: IdcStatus[];
  endpoints: StateCounts;
}

/** The whole of GET /status: small (per service x IDC), rewritten by the leader every second. */
export interface StatusSnapshot {
  generatedAt: number;
  configVersion: number;
  vantages: { live: string[]; suspect: string[] };
  services: ServiceStatus[];
}

/** Redis keys (under VIGIL_REDIS_PREFIX). */
export const HEALTH_KEYS = {
  /** StatusSnapshot JSON. */
  status: 'health:status',
  /** Hash: service name -> EndpointStatus[] JSON. */
  serviceEndpoints: 'health:service-endpoints',
  /** Hash: endpoint id -> EndpointHealthDetail JSON (also the leader's restart state). */
  endpoints: 'health:endpoints',
  /** Pub/sub channel: one HealthEvent JSON per message (the live timeline). */
  events: 'health:events',
} as const;
