/**
 * Flap damping applied to a verdict: it delays the way back to HEALTHY, never the way out.
 */
import type { EndpointVerdict, HealthReason, HealthState } from './types';

/** An endpoint's state after flap damping. */
export interface DampedState {
  state: HealthState;
  reason: HealthReason;
  /** Whether damping applies: the endpoint flaps and its current verdict is known. */
  flapping: boolean;
}

/**
 * The state an endpoint shows, from its current (quorum) verdict and whether it flaps (isFlapping).
 *
 * | verdict             | flaps | state         | reason        | flapping |
 * |---------------------|-------|---------------|---------------|----------|
 * | UNKNOWN             | any   | UNKNOWN       | the verdict's | false    |
 * | UNHEALTHY           | yes   | UNHEALTHY     | the verdict's | true     |
 * | HEALTHY or DEGRADED | yes   | DEGRADED      | 'flapping'    | true     |
 * | any                 | no    | the verdict's | the verdict's | false    |
 *
 * Down is never damped: a flapping endpoint that is down now is UNHEALTHY at once, so a dead IDC
 * leaves rotation; damping only holds a flapping endpoint out of HEALTHY until `hold` passes.
 * UNKNOWN says nothing either way, so there is nothing to hold.
 */
export function dampedState(
  verdict: Pick<EndpointVerdict, 'state' | 'reason'>,
  flapping: boolean,
): DampedState {
  if (verdict.state === 'UNKNOWN' || !flapping)
    return { state: verdict.state, reason: verdict.reason, flapping: false };
  if (verdict.state === 'UNHEALTHY') return { state: 'UNHEALTHY', reason: verdict.reason, flapping: true };
  return { state: 'DEGRADED', reason: 'flapping', flapping: true };
}
