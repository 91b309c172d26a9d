/**
 * Planning a failback: giving a recovered IDC its baseline share back, gradually.
 */
import { headroomPercent, situationOf } from './capacity';
import { stale, suspectMajority } from './fail-static';
import { failbackHold } from './failback-hold';
import { humanDuration, formatRatio } from './format';
import {
  cooldown,
  freeze,
  killSwitch,
  manualOverride,
  rateLimit,
  refuse,
  runGuards,
  type GuardCheck,
} from './guards';
import { apportion, normalise, withKeys } from './normalise';
import { allIdcs, currentPercentages } from './current';
import { gradualSteps } from './steps';
import type { Guardrail, ShiftContext, ShiftPlan, Weights } from './types';

/**
 * Same order as a shift away, but 'panic' here means only "suspect vantages in the majority". Low
 * healthy capacity or several UNHEALTHY IDCs do not block a failback: it moves traffic back onto an
 * IDC proven HEALTHY for its hold, toward the operator's baseline, which adds serving capacity
 * and relieves the receivers, so it lowers the risk fail-static exists to avoid. Stale data and
 * suspect vantages still block: they make the "HEALTHY for the hold" itself doubtful.
 */
const FAILBACK_GUARDS: ReadonlyArray<[Guardrail, GuardCheck]> = [
  ['kill-switch', killSwitch],
  ['freeze', freeze],
  ['manual-override', manualOverride],
  ['cooldown', cooldown()],
  ['rate-limit', rateLimit],
  ['stale', stale],
  ['panic', suspectMajority],
];

/**
 * Plans raising `idc` back to its baseline share once it has been HEALTHY for at least the failback
 * hold, or refuses naming the guardrail ('recovery-hold' says how long is left and why, with
 * retryAt). The hold is recoveryHold, backed off for repeated outages of the IDC (failbackHold).
 *
 * The traffic comes from the IDCs that carry more than their baseline share, in proportion to their
 * excess; other drained IDCs are left alone (each fails back on its own). `idc` is not pushed above
 * maxUtilization either: what does not fit is `unplaced`, with a 'capacity' warning (no page: the
 * peers are carrying it). Gradual like a shift away, re-checked by nextStep before each step.
 */
export function planFailback(ctx: ShiftContext, idc: string): ShiftPlan {
  const guards = runGuards(ctx, FAILBACK_GUARDS);
  if ('refusal' in guards) return guards.refusal;
  const checked: Guardrail[] = [...guards.passed];

  const situation = situationOf(ctx, idc);
  if (situation.state !== 'HEALTHY')
    return refuse(
      'recovery-hold',
      `${idc} is ${situation.state} for ${ctx.service}, not HEALTHY: no failback.`,
    );
  if (situation.healthySince === undefined)
    return refuse(
      'recovery-hold',
      `${idc} is HEALTHY for ${ctx.service} but since when is unknown: no failback.`,
    );
  const healthyFor = ctx.now - situation.healthySince;
  const hold = failbackHold(ctx.policy, situation.outages, ctx.now);
  if (healthyFor < hold.holdMs)
    return refuse(
      'recovery-hold',
      `${idc} has been HEALTHY for ${humanDuration(healthyFor)}; failback of ${ctx.service} needs ` +
        `${humanDuration(hold.holdMs)} (${hold.explanation}) (${humanDuration(hold.holdMs - healthyFor)} left).`,
      false,
      situation.healthySince + hold.holdMs,
    );
  checked.push('recovery-hold');

  const before = currentPercentages(ctx, idc);
  const baseline = withKeys(normalise(ctx.baseline), allIdcs(ctx, idc));
  const deficit = before ? baseline[idc] - before[idc] : 0;
  if (!before || deficit <= 0)
    return refuse(
      'nothing-to-move',
      `${idc} already has its baseline share of ${ctx.service}: nothing to fail back.`,
    );
  checked.push('nothing-to-move');

  const room = headroomPercent(ctx, idc, before[idc]);
  const limit = formatRatio(ctx.policy.maxUtilization);
  if (room === 0)
    return refuse('capacity', `${idc} has no room for more of ${ctx.service} below ${limit} utilization.`);
  checked.push('capacity');

  const moved = Math.min(deficit, room);
  const unplaced = deficit - moved;
  const excess: Weights = {};
  for (const name of Object.keys(before))
    if (name !== idc && before[name] > baseline[name]) excess[name] = before[name] - baseline[name];
  // Both weight sets sum to 100, so the excess elsewhere is at least idc's deficit >= moved: no donor
  // gives more than its excess.
  const taken = apportion(moved, excess);
  const target: Weights = { ...before, [idc]: before[idc] + moved };
  for (const name of Object.keys(taken)) target[name] -= taken[name];

  return {
    kind: 'plan',
    direction: 'failback',
    idc,
    before,
    steps: gradualSteps(before, target, ctx.policy.maxStepPercent),
    receivers: [idc],
    moved,
    unplaced,
    ...(unplaced > 0
      ? {
          warning: {
            guardrail: 'capacity' as const,
            reason:
              `Only ${moved}% of the ${deficit}% ${idc} should get back of ${ctx.service} fits below ${limit} ` +
              `utilization; ${unplaced}% stays on its peers.`,
            page: false,
          },
        }
      : {}),
    guardrailsChecked: checked,
    stepInterval: ctx.policy.stepInterval,
  };
}
