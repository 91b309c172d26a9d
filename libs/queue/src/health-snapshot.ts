/**
 * What the controller leader publishes about health, for the API and for its own restart. Redis keys
 * (under the prefix, see `HEALTH_KEYS`) hold JSON in these shapes; do not change one without
 * keeping readers of the old shape working.
 */
export type HealthStateName = 'UNKNOWN' | 'HEALTHY' | 'DEGRADED' | 'UNHEALTHY';

/** One (service, IDC) in GET /status. */
export interface IdcStatus {
  idc: string;
  state: HealthStateName;
  reason: string;
  score: number;
  healthyRatio: number;
  healthyCapacity: number;
  totalCapacity: number;
  /** Share of the service's traffic in percent: the weights in force (after shifts), else the config's baseline. */
  weight: number;
  /** Epoch ms of the last state change. */
  since: number;
  endpoints: Record<HealthStateName, number>;
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
  endpoints: Record<HealthStateName, number>;
}

/** The whole of GET /status: small (per service x IDC), rewritten by the leader every second. */
export interface StatusSnapshot {
  generatedAt: number;
  configVersion: number;
  vantages: { live: string[]; suspect: string[] };
  services: ServiceStatus[];
}

/** One endpoint in GET /services/{name}/status. */
export interface EndpointStatus {
  id: string;
  idc: string;
  state: HealthStateName;
  reason: string;
  score: number;
  since: number;
}

/** GET /endpoints/{id}/health: everything the leader knows of one endpoint. */
export interface EndpointHealthDetail extends EndpointStatus {
  service: string;
  capacity: number;
  /**
   * Flap damping applies: held out of HEALTHY while up (DEGRADED 'flapping'), UNHEALTHY 'down' while
   * down. Missing in details of older versions.
   */
  flapping?: boolean;
  /** Per vantage and check: the hysteresis state and counters. */
  vantages: Array<{
    vantage: string;
    check: string;
    state: 'UNKNOWN' | 'UP' | 'DOWN';
    successes: number;
    failures: number;
    lastAt: number;
    lastOk: boolean;
    lastError?: string;
  }>;
  downFrom: string[];
  upFrom: string[];
  scoreComponents: { availability: number; latency: number; stability: number };
  /** First failed probe of the current failure streak (epoch ms), until HEALTHY again. */
  firstFailureAt?: number;
  /** State changes (epoch ms) in the flapping window. */
  transitions: number[];
  /** The newest raw results (a short window only; history is in per-minute rollups). */
  lastResults: Array<{
    vantage: string;
    check: string;
    at: number;
    ok: boolean;
    latencyMs: number;
    errorKind?: string;
    statusCode?: number;
    detail?: string;
  }>;
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
