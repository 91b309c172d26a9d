/**
 * Before each step of a plan: is it still safe to go on?
 */
import { situationOf } from './capacity';
import { panic, stale, suspectMajority } from './fail-static';
import { freeze, killSwitch, manualOverride, type GuardCheck } from './guards';
import type { PlannedShift, ShiftContext, StepDecision } from './types';

type HoldGuardrail = Extract<StepDecision, { kind: 'hold' }>['guardrail'];

/**
 * What to do at step `stepIndex` (0-based) of `plan`, given a fresh context: 'done' past the last
 * step; 'hold' when a receiver of the plan is no longer HEALTHY (Maelstrom's health check between
 * drain steps) or when an absolute guardrail came up meanwhile (kill switch, freeze, manual
 * override, stale data, panic); otherwise 'apply' the step's weights. Cooldown and the hourly cap
 * are not re-checked: the plan is one action, counted when it started. A hold keeps the weights
 * already applied (fail static); the caller raises the event and decides on a rollback.
 */
export function nextStep(plan: PlannedShift, stepIndex: number, ctx: ShiftContext): StepDecision {
  if (stepIndex >= plan.steps.length) return { kind: 'done' };
  const where = `${ctx.service} at step ${stepIndex + 1} of ${plan.steps.length}`;

  // A failback is only held back by suspect vantages, as when it was planned (see planFailback).
  const checks: Array<[HoldGuardrail, GuardCheck]> = [
    ['kill-switch', killSwitch],
    ['freeze', freeze],
    ['manual-override', manualOverride],
    ['stale', stale],
    ['panic', plan.direction === 'away' ? panic : suspectMajority],
  ];
  for (const [guardrail, check] of checks) {
    const refusal = check(ctx);
    if (refusal) return { kind: 'hold', guardrail, reason: `Holding ${where}: ${refusal.reason}` };
  }

  const unwell = plan.receivers.map((idc) => situationOf(ctx, idc)).filter((s) => s.state !== 'HEALTHY');
  if (unwell.length > 0)
    return {
      kind: 'hold',
      guardrail: 'receiver-degraded',
      reason:
        `Holding ${where}: receiver ${unwell.map((s) => `${s.idc} is ${s.state}`).join(', ')} ` +
        '(was HEALTHY when planned).',
    };

  return { kind: 'apply', weights: { ...plan.steps[stepIndex] } };
}
