/**
 * The guardrails that do not depend on health: kill switch, freeze, manual override, cooldown and
 * the hourly cap. They come first in every plan because they are the cheapest (a flag or a counter)
 * and the most absolute (an operator or policy said no, whatever the health data says).
 */
import { humanDuration } from './format';
import type { Guardrail, ShiftContext, ShiftRefusal } from './types';

/** One guardrail: undefined when it lets the action through. */
export type GuardCheck = (ctx: ShiftContext) => ShiftRefusal | undefined;

/** A refusal; `retryAt` only when the guardrail lifts at a known time. */
export function refuse(
  guardrail: ShiftRefusal['guardrail'],
  reason: string,
  page = false,
  retryAt?: number,
): ShiftRefusal {
  return { kind: 'refused', guardrail, reason, page, ...(retryAt === undefined ? {} : { retryAt }) };
}

/** The global kill switch stops all automation. */
export const killSwitch: GuardCheck = (ctx) =>
  ctx.guards.killSwitch
    ? refuse('kill-switch', `The global kill switch is on: no automatic traffic change for ${ctx.service}.`)
    : undefined;

/** A freeze window (or a maintenance window that freezes) covers now. */
export const freeze: GuardCheck = (ctx) =>
  ctx.guards.frozen
    ? refuse(
        'freeze',
        `${ctx.guards.frozenBy ? `The ${ctx.guards.frozenBy}` : 'A freeze window'} is in effect: ` +
          `no automatic traffic change for ${ctx.service}.`,
      )
    : undefined;

/** An operator's manual weights win until the operator releases them. */
export const manualOverride: GuardCheck = (ctx) =>
  ctx.guards.manualOverride
    ? refuse(
        'manual-override',
        `The weights of ${ctx.service} are under a manual override: automation is paused until it is released.`,
      )
    : undefined;

/**
 * At least `cooldown` between two automatic actions on the service, except on the way out: a shift
 * away from `awayFrom` passes when the last action was a failback of that same IDC. That failback
 * came too early (the IDC failed again), and damping delays the way back, never the way out. The
 * hourly cap still counts both, so a runaway still ends with a human.
 */
export function cooldown(awayFrom?: string): GuardCheck {
  return (ctx) => {
    const last = ctx.guards.lastAction;
    if (last === undefined) return undefined;
    if (awayFrom !== undefined && last.kind === 'failback' && last.idc === awayFrom) return undefined;
    const elapsed = ctx.now - last.at;
    if (elapsed >= ctx.policy.cooldown) return undefined;
    return refuse(
      'cooldown',
      `Cooldown: the last action on ${ctx.service} was ${humanDuration(elapsed)} ago and the cooldown is ` +
        `${humanDuration(ctx.policy.cooldown)} (${humanDuration(ctx.policy.cooldown - elapsed)} left).`,
      false,
      last.at + ctx.policy.cooldown,
    );
  };
}

/** At most `maxActionsPerHour` automatic actions on the service in any hour. */
export const rateLimit: GuardCheck = (ctx) =>
  ctx.guards.actionsInLastHour >= ctx.policy.maxActionsPerHour
    ? refuse(
        'rate-limit',
        `Rate limit: ${ctx.guards.actionsInLastHour} actions on ${ctx.service} in the last hour ` +
          `(max ${ctx.policy.maxActionsPerHour}).`,
      )
    : undefined;

/**
 * Runs checks in order; the first refusal wins. Returns the refusal, or the names of the guardrails
 * passed (for PlannedShift.guardrailsChecked).
 */
export function runGuards(
  ctx: ShiftContext,
  checks: ReadonlyArray<[Guardrail, GuardCheck]>,
): { refusal: ShiftRefusal } | { passed: Guardrail[] } {
  const passed: Guardrail[] = [];
  for (const [name, check] of checks) {
    const refusal = check(ctx);
    if (refusal) return { refusal };
    passed.push(name);
  }
  return { passed };
}
