/**
 * Planning a shift away from a failing IDC (ARCHITECTURE.md section 6).
 */
import { headroomPercent, situationOf } from './capacity';
import { formatRatio } from './format';
import { refuse, runGuards } from './guards';
import { shiftGuards } from './shift-guards';
import { currentPercentages } from './current';
import { apportion } from './normalise';
import { gradualSteps } from './steps';
import type { Guardrail, ShiftContext, ShiftPlan, Weights } from './types';

/**
 * Plans moving all of `from`'s traffic to its HEALTHY peers, or refuses naming the guardrail.
 *
 * - Guardrails, in order: kill-switch, freeze, manual-override, cooldown, rate-limit, stale, panic
 *   (suspect vantages >= half of the live ones, 2+ IDCs UNHEALTHY, healthy capacity across all IDCs
 *   below panicThreshold), then nothing-to-move, no-receivers and capacity. The cooldown does not
 *   hold back a shift away right after a failback of `from`: the way out is never damped.
 * - Capacity-aware: only HEALTHY IDCs receive (DEGRADED, UNHEALTHY and UNKNOWN never do), each in
 *   proportion to its headroom under maxUtilization (headroomPercent); none is pushed above it. What
 *   does not fit stays on `from` as `unplaced`, with a 'capacity' warning to raise as an event.
 * - Gradual: steps of at most maxStepPercent of the service's traffic (gradualSteps); the executor
 *   waits stepInterval between steps and asks nextStep before each one.
 *
 * Weights in the plan are whole percentages summing to 100, keys sorted.
 */
export function planShiftAway(ctx: ShiftContext, from: string): ShiftPlan {
  const guards = runGuards(ctx, shiftGuards(from));
  if ('refusal' in guards) return guards.refusal;
  const checked: Guardrail[] = [...guards.passed];
  const source = situationOf(ctx, from);
  // Paging when traffic stays on an IDC that is failing; draining a healthy IDC can wait for office hours.
  const urgent = source.state !== 'HEALTHY';

  const before = currentPercentages(ctx, from);
  if (!before || before[from] === 0)
    return refuse('nothing-to-move', `${from} carries no traffic of ${ctx.service}: nothing to shift.`);
  checked.push('nothing-to-move');

  const receivers = ctx.idcs.filter((s) => s.state === 'HEALTHY' && s.idc !== from).map((s) => s.idc);
  if (receivers.length === 0) {
    const peers = ctx.idcs.filter((s) => s.idc !== from).map((s) => `${s.idc} ${s.state}`);
    return refuse(
      'no-receivers',
      `No HEALTHY peer can take ${ctx.service}'s ${before[from]}% on ${from}` +
        (peers.length ? ` (${peers.join(', ')}).` : ': it runs in no other IDC.'),
      urgent,
    );
  }
  checked.push('no-receivers');

  const headroom: Weights = {};
  for (const idc of receivers) {
    const room = headroomPercent(ctx, idc, before[idc]);
    if (room > 0) headroom[idc] = room;
  }
  const limit = formatRatio(ctx.policy.maxUtilization);
  if (Object.keys(headroom).length === 0)
    return refuse(
      'capacity',
      `No HEALTHY peer of ${from} (${receivers.join(', ')}) has room for ${ctx.service} below ${limit} utilization.`,
      urgent,
    );
  checked.push('capacity');

  const share = before[from];
  const room = Object.values(headroom).reduce((sum, r) => sum + r, 0);
  const moved = Math.min(share, room);
  const unplaced = share - moved;
  // Proportional to headroom; headroom caps each share because moved <= total headroom.
  const gains = apportion(moved, headroom);
  const target: Weights = { ...before, [from]: before[from] - moved };
  for (const idc of Object.keys(gains)) target[idc] += gains[idc];

  const rooms = Object.keys(headroom)
    .sort()
    .map((idc) => `${idc} ${headroom[idc]}%`)
    .join(', ');
  return {
    kind: 'plan',
    direction: 'away',
    idc: from,
    before,
    steps: gradualSteps(before, target, ctx.policy.maxStepPercent),
    receivers: Object.keys(gains)
      .filter((idc) => gains[idc] > 0)
      .sort(),
    moved,
    unplaced,
    ...(unplaced > 0
      ? {
          warning: {
            guardrail: 'capacity' as const,
            reason:
              `Only ${moved}% of ${ctx.service}'s ${share}% on ${from} fits on its peers below ${limit} ` +
              `utilization (room: ${rooms}); ${unplaced}% stays on ${from}.`,
            page: urgent,
          },
        }
      : {}),
    guardrailsChecked: checked,
    stepInterval: ctx.policy.stepInterval,
  };
}
