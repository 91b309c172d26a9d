/**
 * Per (service, IDC): healthy capacity ratio, score and state, from its endpoints.
 */
import { healthyShare } from './healthy-share';
import { zeroCounts, type EndpointHealth, type IdcHealth } from './types';

/** Thresholds on the healthy capacity ratio, 0-1. */
export interface IdcPolicy {
  /** Ratio below this is DEGRADED 'capacity'. */
  degradedBelow: number;
  /** Ratio below this is UNHEALTHY 'capacity'. */
  unhealthyBelow: number;
}

/**
 * Aggregates a (service, IDC)'s endpoints.
 *
 * Capacity: each endpoint adds capacity x healthyShare to the healthy capacity: all of it when
 * HEALTHY or DEGRADED (a DEGRADED 'path' endpoint still serves traffic), its recent success ratio
 * when it flaps while up, none when UNHEALTHY or UNKNOWN. healthyRatio = healthy capacity / total
 * capacity. Capacities that are negative or not finite count as 0; when the total is 0
 * (capacity not configured) every endpoint weighs 1. score = capacity-weighted mean of the
 * endpoints' scores, rounded.
 *
 * State, first match wins:
 *
 * | condition                                                           | state     | reason                |
 * |---------------------------------------------------------------------|-----------|-----------------------|
 * | no endpoints                                                        | UNKNOWN   | 'unknown'             |
 * | every endpoint UNKNOWN                                              | UNKNOWN   | 'stale' if any is stale, else 'unknown' |
 * | ratio < unhealthyBelow, even counting UNKNOWN endpoints as healthy  | UNHEALTHY | 'capacity'            |
 * | ratio < unhealthyBelow only because of UNKNOWN endpoints            | UNKNOWN   | as above              |
 * | ratio < degradedBelow, even counting UNKNOWN endpoints as healthy   | DEGRADED  | 'capacity'            |
 * | ratio < degradedBelow only because of UNKNOWN endpoints             | UNKNOWN   | as above              |
 * | some endpoint DEGRADED                                              | DEGRADED  | 'flapping' if one flaps, else 'path' |
 * | otherwise                                                           | HEALTHY   | 'ok'                  |
 *
 * The UNKNOWN rows keep stale data from looking HEALTHY or UNHEALTHY: an IDC is only called
 * UNHEALTHY (what moves traffic) or DEGRADED when the endpoints we do know about prove it (so a
 * start-up, where endpoints turn HEALTHY one by one, does not flicker through DEGRADED).
 */
export function idcHealth(endpoints: readonly EndpointHealth[], policy: IdcPolicy): IdcHealth {
  const counts = zeroCounts();
  for (const e of endpoints) counts[e.state]++;

  const capacityOf = (e: EndpointHealth): number =>
    Number.isFinite(e.capacity) && e.capacity > 0 ? e.capacity : 0;
  const configured = endpoints.reduce((sum, e) => sum + capacityOf(e), 0);
  const weight = configured > 0 ? capacityOf : () => 1;

  let totalCapacity = 0;
  let healthyCapacity = 0;
  let unknownCapacity = 0;
  let weightedScore = 0;
  for (const e of endpoints) {
    const w = weight(e);
    totalCapacity += w;
    weightedScore += w * e.score;
    healthyCapacity += w * healthyShare(e);
    if (e.state === 'UNKNOWN') unknownCapacity += w;
  }

  const healthyRatio = totalCapacity > 0 ? healthyCapacity / totalCapacity : 0;
  const score = totalCapacity > 0 ? Math.round(weightedScore / totalCapacity) : 0;
  const base = { healthyRatio, healthyCapacity, totalCapacity, score, counts };

  const unknownReason = endpoints.some((e) => e.state === 'UNKNOWN' && e.reason === 'stale')
    ? 'stale'
    : 'unknown';
  if (endpoints.length === 0) return { ...base, state: 'UNKNOWN', reason: 'unknown' };
  if (counts.UNKNOWN === endpoints.length) return { ...base, state: 'UNKNOWN', reason: unknownReason };

  const bestCase = (healthyCapacity + unknownCapacity) / totalCapacity;
  if (healthyRatio < policy.unhealthyBelow) {
    if (bestCase < policy.unhealthyBelow) return { ...base, state: 'UNHEALTHY', reason: 'capacity' };
    return { ...base, state: 'UNKNOWN', reason: unknownReason };
  }
  if (healthyRatio < policy.degradedBelow) {
    if (bestCase < policy.degradedBelow) return { ...base, state: 'DEGRADED', reason: 'capacity' };
    return { ...base, state: 'UNKNOWN', reason: unknownReason };
  }
  if (counts.DEGRADED > 0) {
    const flapping = endpoints.some((e) => e.state === 'DEGRADED' && e.reason === 'flapping');
    return { ...base, state: 'DEGRADED', reason: flapping ? 'flapping' : 'path' };
  }
  return { ...base, state: 'HEALTHY', reason: 'ok' };
}
