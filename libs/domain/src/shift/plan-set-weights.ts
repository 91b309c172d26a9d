import { headroomPercent, situationOf } from './capacity';
import { formatRatio } from './format';
import { refuse, runGuards } from './guards';
import { shiftGuards } from './shift-guards';
import { currentPercentages } from './current';
import { normalise } from './normalise';
import { gradualSteps } from './steps';
import type { Guardrail, ShiftContext, ShiftPlan } from './types';

/**
 * A rule's `set-weights` action: move the service toward `target` (relative weights, normalised to
 * percentages) under the same guardrails as a shift: every IDC whose share rises must be HEALTHY and
 * stay at or below maxUtilization, and no step moves more than maxStepPercent. `idc` is the IDC the
 * rule fired for (recorded with the plan).
 */
export function planSetWeights(ctx: ShiftContext, idc: string, target: Record<string, number>): ShiftPlan {
  const guards = runGuards(ctx, shiftGuards());
  if ('refusal' in guards) return guards.refusal;
  const checked: Guardrail[] = [...guards.passed];
  const wanted = normalise(target);
  const before = currentPercentages(ctx, ...Object.keys(wanted));
  if (!before) return refuse('nothing-to-move', `${ctx.service} has no traffic to set.`);
  const names = [...new Set([...Object.keys(before), ...Object.keys(wanted)])];
  const after = Object.fromEntries(names.map((n) => [n, wanted[n] ?? 0]));
  const rising = names.filter((n) => after[n] > (before[n] ?? 0));
  if (rising.length === 0 && names.every((n) => after[n] === (before[n] ?? 0)))
    return refuse('nothing-to-move', `${ctx.service} already has these weights.`);
  checked.push('nothing-to-move');
  const unfit = rising.filter((n) => situationOf(ctx, n).state !== 'HEALTHY');
  if (unfit.length)
    return refuse(
      'no-receivers',
      `${unfit.join(', ')} would receive traffic of ${ctx.service} but is not HEALTHY.`,
    );
  checked.push('no-receivers');
  const full = rising.filter((n) => after[n] - (before[n] ?? 0) > headroomPercent(ctx, n, before[n] ?? 0));
  if (full.length)
    return refuse(
      'capacity',
      `${full.join(', ')} cannot take ${ctx.service}'s new share below ${formatRatio(ctx.policy.maxUtilization)} utilization.`,
    );
  checked.push('capacity');
  const full100 = Object.fromEntries(names.map((n) => [n, before[n] ?? 0]));
  const moved = names.reduce((sum, n) => sum + Math.max(0, after[n] - full100[n]), 0);
  return {
    kind: 'plan',
    direction: 'set',
    idc,
    before: full100,
    steps: gradualSteps(full100, after, ctx.policy.maxStepPercent),
    receivers: rising,
    moved,
    unplaced: 0,
    guardrailsChecked: checked,
    stepInterval: ctx.policy.stepInterval,
  };
}
