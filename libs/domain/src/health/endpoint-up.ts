import type { HealthState } from './types';

/**
 * `vigil_endpoint_up` of an endpoint in `state`: 1 while it serves (HEALTHY, or DEGRADED, which the
 * IDC still counts as capacity), 0 when UNHEALTHY, and no sample while UNKNOWN (nothing known yet:
 * an alert on `== 0` must not fire for an endpoint no prober has reached).
 */
export function endpointUp(state: HealthState): 0 | 1 | undefined {
  if (state === 'HEALTHY' || state === 'DEGRADED') return 1;
  if (state === 'UNHEALTHY') return 0;
  return undefined;
}
