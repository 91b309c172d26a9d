/** Shared test data for the shift planner's specs: three IDCs, sha 40, bjs 40, szx 20. */
import type { IdcSituation, ShiftContext, ShiftPolicy, Weights } from '../types';

export const NOW = 1_700_000_000_000;

/** The policy's defaults, durations in ms. */
export const POLICY: ShiftPolicy = {
  maxUtilization: 0.8,
  maxStepPercent: 25,
  stepInterval: 30_000,
  panicThreshold: 0.5,
  cooldown: 300_000,
  maxActionsPerHour: 6,
  recoveryHold: 300_000,
  failbackBackoff: { window: 3_600_000, maxHold: 3_600_000 },
};

export const BASELINE: Weights = { bjs: 40, sha: 40, szx: 20 };
export const CAPACITY: Weights = { bjs: 40, sha: 40, szx: 20 };

/** An IDC in `state`; healthy capacity = full capacity when HEALTHY or DEGRADED, else 0, unless given. */
export function idc(
  name: string,
  state: IdcSituation['state'],
  extra: Partial<IdcSituation> = {},
): IdcSituation {
  const capacity = CAPACITY[name];
  const healthyCapacity = state === 'HEALTHY' || state === 'DEGRADED' ? capacity : 0;
  return { idc: name, state, capacity, healthyCapacity, ...extra };
}

/** sha UNHEALTHY, bjs and szx HEALTHY, load 40 (every IDC at 40% utilization), weights at baseline. */
export function context(overrides: Partial<ShiftContext> = {}): ShiftContext {
  return {
    service: 'checkout',
    now: NOW,
    policy: POLICY,
    baseline: BASELINE,
    current: BASELINE,
    idcs: [idc('sha', 'UNHEALTHY'), idc('bjs', 'HEALTHY'), idc('szx', 'HEALTHY')],
    load: 40,
    stale: false,
    suspectVantages: 0,
    liveVantages: 3,
    guards: { killSwitch: false, frozen: false, manualOverride: false, actionsInLastHour: 0 },
    ...overrides,
  };
}

/** Percentage points moved between two weight sets (half the sum of absolute changes). */
export function movedBetween(a: Weights, b: Weights): number {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].reduce((sum, n) => sum + Math.abs((a[n] ?? 0) - (b[n] ?? 0)), 0) / 2;
}

export const sum = (w: Weights): number => Object.values(w).reduce((acc, v) => acc + v, 0);
