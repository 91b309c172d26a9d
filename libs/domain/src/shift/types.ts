/**
 * The shift planner's vocabulary: plain data in, plain data out. Weights are relative shares per IDC;
 * the planner works in whole percentages of the service's traffic (see normalise).
 */
import type { HealthState } from '../health/types';

/** Traffic weight per IDC name: relative shares (the planner's own outputs are percentages summing to 100). */
export type Weights = Record<string, number>;

/** What the planner needs to know about one (service, IDC). */
export interface IdcSituation {
  idc: string;
  state: HealthState;
  /** Capacity of the service's HEALTHY and DEGRADED endpoints in this IDC (capacity units). */
  healthyCapacity: number;
  /** Configured capacity of all the service's endpoints in this IDC (capacity units). */
  capacity: number;
  /** Epoch ms since when the IDC has been HEALTHY without interruption; needed for failback. */
  healthySince?: number;
  /**
   * Epoch ms at which the (service, IDC) went UNHEALTHY within failbackBackoff.window, oldest first:
   * each one lengthens the hold before failback (see failbackHold). Missing: none known.
   */
  outages?: number[];
}

/** The service's `policy`, durations already parsed to milliseconds. The full parsed policy fits. */
export interface ShiftPolicy {
  /** Never load a receiver above this share of its healthy capacity, 0-1. */
  maxUtilization: number;
  /** Max percentage points of the service's total traffic moved per step. */
  maxStepPercent: number;
  /** Milliseconds between two steps of one plan (the executor waits; receivers are re-checked). */
  stepInterval: number;
  /** Below this healthy-capacity ratio across all IDCs: fail static, 0-1. */
  panicThreshold: number;
  /** Minimum milliseconds between two automatic actions on the service. */
  cooldown: number;
  /** Max automatic actions per service in any hour. */
  maxActionsPerHour: number;
  /** Milliseconds an IDC must stay HEALTHY before failback, after its only outage in the window. */
  recoveryHold: number;
  /** Failback backs off: recoveryHold doubles with each outage within `window`, up to `maxHold` (ms). */
  failbackBackoff: { window: number; maxHold: number };
}

/** Switches and counters that can forbid an action regardless of health. */
export interface ShiftGuards {
  /** The global kill switch: no automatic action anywhere. */
  killSwitch: boolean;
  /** A freeze window covers `now`. */
  frozen: boolean;
  /** What froze it when that was not a freeze, e.g. `maintenance window "kernel upgrades" (<id>) until <time>`. */
  frozenBy?: string;
  /** An operator set the weights by hand (PUT /services/{name}/weights); automation waits for release. */
  manualOverride: boolean;
  /**
   * The service's last automatic action (one plan = one action): its kind (shift-away, failback,
   * set-weights), its IDC and the epoch ms it started at. The cooldown runs from `at`.
   */
  lastAction?: { kind: string; idc: string | null; at: number };
  /** Automatic actions on the service that started in the last hour. */
  actionsInLastHour: number;
}

/** Everything one planning decision looks at. Time is `now`, never the clock. */
export interface ShiftContext {
  service: string;
  /** Epoch ms. */
  now: number;
  policy: ShiftPolicy;
  /** The configured weights (serviceWeights in @libs/config). */
  baseline: Weights;
  /** The weights in force now. */
  current: Weights;
  /** Every IDC where the service has endpoints. An IDC missing here is treated as UNKNOWN. */
  idcs: IdcSituation[];
  /**
   * Total service traffic in capacity units. When unknown, the planner assumes the service is sized
   * N+1: its traffic fits in all IDCs but the largest at maxUtilization (see serviceLoad).
   */
  load?: number;
  /** The health data is too old to act on. */
  stale: boolean;
  /** Vantages currently set aside as suspect, and live vantages. */
  suspectVantages: number;
  liveVantages: number;
  guards: ShiftGuards;
}

/** Every name a refusal, hold or warning can carry. Events name the guardrail. */
export type Guardrail =
  | 'kill-switch'
  | 'freeze'
  | 'manual-override'
  | 'cooldown'
  | 'rate-limit'
  | 'stale'
  | 'panic'
  | 'recovery-hold'
  | 'nothing-to-move'
  | 'no-receivers'
  | 'capacity'
  | 'receiver-degraded';

/** The planner will not act. One refusal = one event naming the guardrail. */
export interface ShiftRefusal {
  kind: 'refused';
  guardrail: Exclude<Guardrail, 'receiver-degraded'>;
  /** A sentence for humans, with the numbers that decided. */
  reason: string;
  /** A human must look now (fail-static, or traffic stuck on a failing IDC). */
  page: boolean;
  /** Epoch ms from which the same request may pass this guardrail (cooldown, recovery-hold). */
  retryAt?: number;
}

/** A gradual plan. Weights are whole percentages summing to 100. */
export interface PlannedShift {
  kind: 'plan';
  /** 'away': drain `idc`; 'failback': give `idc` its baseline share back; 'set': a rule's set-weights. */
  direction: 'away' | 'failback' | 'set';
  idc: string;
  /** The weights before the first step (normalised current): what a rollback restores. */
  before: Weights;
  /** The weights after each step; the last one is the target. */
  steps: Weights[];
  /** IDCs whose weight rises; nextStep re-checks them before every step. */
  receivers: string[];
  /** Percentage points of the service's traffic moved by the whole plan. */
  moved: number;
  /** Percentage points that should have moved but did not fit under maxUtilization. */
  unplaced: number;
  /** Set when unplaced > 0: the capacity event to raise. */
  warning?: { guardrail: 'capacity'; reason: string; page: boolean };
  /** The guardrails passed, in the order checked. */
  guardrailsChecked: Guardrail[];
  /** Milliseconds the executor waits between two steps. */
  stepInterval: number;
}

export type ShiftPlan = ShiftRefusal | PlannedShift;

/** What to do at step `stepIndex` of a plan. */
export type StepDecision =
  | { kind: 'apply'; weights: Weights }
  | {
      kind: 'hold';
      guardrail: Extract<
        Guardrail,
        'receiver-degraded' | 'kill-switch' | 'freeze' | 'manual-override' | 'stale' | 'panic'
      >;
      reason: string;
    }
  | { kind: 'done' };
