import { serviceWeights, shiftPolicy, type StoredConfig } from '@libs/config';
import { normalise, type ShiftContext, type ShiftGuards, type Weights } from '@libs/domain';
import type { StatusSnapshot } from '@libs/queue';

/** Older than this, the health data is stale: nothing moves on it. */
const STALE_AFTER_MS = 5000;

/**
 * The planner's view of one service now, from the health snapshot, the weights in force and the
 * guards. `drainedCapacity`: per IDC, the capacity of serving endpoints that are drained (out of
 * rotation), taken off its healthy capacity.
 */
export function shiftContext(
  service: StoredConfig['services'][number],
  snapshot: StatusSnapshot,
  current: Weights | null,
  guards: ShiftGuards,
  now: number,
  drainedCapacity: Readonly<Record<string, number>> = {},
): ShiftContext {
  const status = snapshot.services.find((s) => s.service === service.name);
  const baseline = normalise(serviceWeights(service));
  return {
    service: service.name,
    now,
    policy: shiftPolicy(service.policy),
    baseline,
    current: current ?? baseline,
    idcs: (status?.idcs ?? []).map((i) => ({
      idc: i.idc,
      state: i.state,
      healthyCapacity: Math.max(0, i.healthyCapacity - (drainedCapacity[i.idc] ?? 0)),
      capacity: i.totalCapacity,
      ...(i.state === 'HEALTHY' ? { healthySince: i.since } : {}),
      ...(i.outages ? { outages: i.outages } : {}),
    })),
    stale: now - snapshot.generatedAt > STALE_AFTER_MS,
    suspectVantages: snapshot.vantages.suspect.length,
    liveVantages: snapshot.vantages.live.length,
    guards,
  };
}
