/**
 * The outage times of a (service, IDC), which back off its failback (policy.failbackBackoff).
 */
import type { HealthState } from './types';

/**
 * The outage times (epoch ms, oldest first) after one evaluation of a (service, IDC) at `now` that
 * went from `before` to `after`:
 *
 * | before        | after     | outages                        |
 * |---------------|-----------|--------------------------------|
 * | not UNHEALTHY | UNHEALTHY | the kept ones, then `now`      |
 * | otherwise     | any       | the kept ones                  |
 *
 * Kept: those newer than `now - windowMs` (and any after `now`, which a skewed clock can produce),
 * sorted. Going UNHEALTHY from UNKNOWN (a start-up on a dead IDC) is an outage too.
 */
export function trackOutages(
  outages: readonly number[],
  before: HealthState,
  after: HealthState,
  now: number,
  windowMs: number,
): number[] {
  const kept = outages.filter((t) => t > now - windowMs).sort((a, b) => a - b);
  return before !== 'UNHEALTHY' && after === 'UNHEALTHY' ? [...kept, now] : kept;
}
