/**
 * What the API shows of one endpoint's health: the controller leader publishes these shapes (in
 * Redis, see `HEALTH_KEYS` of @libs/queue) and the API's DTOs implement them, so the three agree
 * by construction. Published JSON outlives a version: add only optional fields.
 */
import type { CheckTrack, HealthState, Observation, ScoreComponents } from './types';

/** One vantage's view of one check of an endpoint: its {@link CheckTrack}, and whose. */
export interface VantageCheckView extends CheckTrack {
  vantage: string;
  /** `<service>/<check>` */
  check: string;
}

/** One raw probe result, as the endpoint detail lists the newest ones. */
export interface ProbeResultView extends Observation {
  vantage: string;
  check: string;
  detail?: string;
}

/** One endpoint in GET /services/{name}/status. */
export interface EndpointStatus {
  id: string;
  idc: string;
  state: HealthState;
  reason: string;
  score: number;
  /** Epoch ms of the last state change. */
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
  vantages: VantageCheckView[];
  downFrom: string[];
  upFrom: string[];
  scoreComponents: ScoreComponents;
  /** First failed probe of the current failure streak (epoch ms), until HEALTHY again. */
  firstFailureAt?: number;
  /** State changes (epoch ms) in the flapping window. */
  transitions: number[];
  /** The newest raw results (a short window only; history is in per-minute rollups). */
  lastResults: ProbeResultView[];
}
