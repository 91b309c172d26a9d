import type { Weights } from '@libs/domain';

/** A step an action applied (desired and applied weights became `weights` at `at`). */
export interface AppliedStepRow {
  kind: 'step';
  at: Date;
  actionId: string;
  /** The action's kind: shift-away, failback, set-weights, rollback */
  actionKind: string;
  /** The action's reason */
  reason: string;
  index: number;
  weights: Weights;
}

/** A manual override set (PUT /services/{name}/weights) or released (DELETE), from the audit log. */
export interface OverrideRow {
  kind: 'override' | 'release';
  at: Date;
  by: string;
  /** Set: the override's weights, reason and manual action; release: the released override's reason. */
  weights: Weights | null;
  reason: string;
  actionId: string | null;
}

export type TrafficChange = AppliedStepRow | OverrideRow;

/** The weights of a service at one time, and what changed them then. */
export interface TrafficPoint {
  at: Date;
  kind: 'start' | 'step' | 'override' | 'release';
  desired: Weights;
  applied: Weights | null;
  override: Weights | null;
  actionId: string | null;
  reason: string | null;
  /** Who set or released the override; null for steps and the start. */
  by: string | null;
}

/**
 * The service's traffic over `[from, to)`: the value at `from` (the last step and the last override
 * change before it, or the baseline with nothing applied), then one point per change in order (ties:
 * the given order). `changes` are the changes in the range, sorted by time; `beforeStep` and
 * `beforeOverride` the last ones before `from`. Pure: no clock, no I/O.
 */
export function trafficHistory(
  baseline: Weights,
  from: Date,
  before: { step: AppliedStepRow | null; override: OverrideRow | null },
  changes: readonly TrafficChange[],
): { start: TrafficPoint; lastChangeAt: Date | null; points: TrafficPoint[] } {
  let desired: Weights = before.step?.weights ?? baseline;
  let applied: Weights | null = before.step?.weights ?? null;
  let override: Weights | null = before.override?.kind === 'override' ? before.override.weights : null;
  const last = [before.step, before.override]
    .filter((c): c is TrafficChange => c !== null)
    .sort((a, b) => b.at.getTime() - a.at.getTime())[0];
  const start: TrafficPoint = {
    at: from,
    kind: 'start',
    desired,
    applied,
    override,
    actionId: last?.actionId ?? null,
    reason: last?.reason ?? null,
    by: null,
  };
  const points = changes.map((change): TrafficPoint => {
    if (change.kind === 'step') {
      desired = change.weights;
      applied = change.weights;
    } else {
      override = change.kind === 'override' ? change.weights : null;
    }
    return {
      at: change.at,
      kind: change.kind,
      desired,
      applied,
      override,
      actionId: change.actionId,
      reason: change.reason,
      by: change.kind === 'step' ? null : change.by,
    };
  });
  return { start, lastChangeAt: last?.at ?? null, points };
}
