import { policySchema, shiftPolicy } from '@libs/config';
import { failbackHold, type Weights } from '@libs/domain';
import type { IdcStatus } from '@libs/queue';

/** One IDC's entry in ServiceTrafficDto.failback. */
export interface FailbackHoldView {
  outages: number;
  holdMs: number;
  explanation: string;
  healthySince?: Date;
  failbackAt?: Date;
}

/**
 * Per IDC of the service (the keys of `baseline`): the hold its failback needs now, computed as the
 * controller does (failbackHold) from the service's policy and the outages in the health snapshot;
 * while the IDC is HEALTHY, since when; and when it is HEALTHY with less than its baseline share
 * (drained, so a failback is due), from when: healthySince + holdMs. `spec` is the service's stored
 * spec: a policy from before failbackBackoff existed gets its defaults.
 */
export function failbackHolds(
  spec: { policy?: unknown },
  baseline: Weights,
  desired: Weights,
  status: readonly IdcStatus[],
  now: number,
): Record<string, FailbackHoldView> {
  const policy = shiftPolicy(policySchema.parse(spec.policy ?? {}));
  const holds: Record<string, FailbackHoldView> = {};
  for (const idc of Object.keys(baseline).sort()) {
    const s = status.find((i) => i.idc === idc);
    const { holdMs, outages, explanation } = failbackHold(policy, s?.outages, now);
    const view: FailbackHoldView = { outages, holdMs, explanation };
    if (s?.state === 'HEALTHY') {
      view.healthySince = new Date(s.since);
      if ((desired[idc] ?? 0) < baseline[idc]) view.failbackAt = new Date(s.since + holdMs);
    }
    holds[idc] = view;
  }
  return holds;
}
