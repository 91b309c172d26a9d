/**
 * How much of an endpoint's capacity counts as healthy for its (service, IDC).
 */
import type { EndpointHealth } from './types';

/**
 * The share, 0-1, of an endpoint's capacity that is healthy capacity (see idcHealth).
 *
 * | state               | flapping | share                                   |
 * |---------------------|----------|-----------------------------------------|
 * | UNHEALTHY, UNKNOWN  | any      | 0                                       |
 * | HEALTHY, DEGRADED   | no       | 1 (a DEGRADED 'path' endpoint serves)   |
 * | HEALTHY, DEGRADED   | yes      | successRatio (clamped to 0-1); 1 when unknown |
 *
 * Flaky is not healthy: an endpoint that flaps while up serves only the requests that succeed, so an
 * IDC failing half its requests shows half its capacity and a rule can act on it. A non-flapping
 * endpoint keeps its full capacity, so occasional failures that do not make it flap change nothing.
 * Without a success ratio (no recent result from a counting vantage) nothing contradicts the
 * verdict, which says it is up.
 */
export function healthyShare(e: Pick<EndpointHealth, 'state' | 'flapping' | 'successRatio'>): number {
  if (e.state !== 'HEALTHY' && e.state !== 'DEGRADED') return 0;
  if (!e.flapping || e.successRatio === undefined || Number.isNaN(e.successRatio)) return 1;
  return Math.min(1, Math.max(0, e.successRatio));
}
