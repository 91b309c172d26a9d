/**
 * Planning a drain-endpoint action: taking one endpoint out of rotation (its IDC keeps its weight,
 * the endpoint's peers in the IDC carry its share), or putting it back.
 */
import { drainedAfter } from './drained-after';
import { serviceLoad } from './capacity';
import { panic, stale, suspectMajority } from './fail-static';
import { formatRatio, humanDuration } from './format';
import { freeze, killSwitch, manualOverride, rateLimit, refuse, runGuards, type GuardCheck } from './guards';
import type { Guardrail, ShiftContext, ShiftRefusal, Weights } from './types';
import type { HealthState } from '../health/types';

/** Float slack for "exactly at the limit", as in capacity.ts. */
const EPSILON = 1e-9;

/** What the drain planner needs to know about one endpoint of the service. */
export interface EndpointSituation {
  /** The endpoint's name in the config (unique within the service). */
  name: string;
  idc: string;
  state: HealthState;
  /** Its configured capacity (capacity units, as the IDC's). */
  capacity: number;
  /** Epoch ms of its last state change. */
  since: number;
}

/** Taking an endpoint out of rotation, or putting it back. One step: nothing is gradual here. */
export interface DrainPlan {
  kind: 'drain-plan';
  direction: 'drain' | 'undrain';
  /** The endpoint's name. */
  endpoint: string;
  /** Its IDC. */
  idc: string;
  /** The service's drained endpoints before and after the plan, sorted. */
  drainedBefore: string[];
  drainedAfter: string[];
  /** The weights in force (ctx.current), unchanged: draining moves no traffic between IDCs. */
  weights: Weights;
  /** The guardrails passed, in the order checked. */
  guardrailsChecked: Guardrail[];
}

/**
 * Same shared guardrails as a shift away, except the service cooldown: a drain rule's own cooldown is
 * applied by the caller per (rule, endpoint), and one endpoint's drain must not wait for another's.
 */
const DRAIN_GUARDS: ReadonlyArray<[Guardrail, GuardCheck]> = [
  ['kill-switch', killSwitch],
  ['freeze', freeze],
  ['manual-override', manualOverride],
  ['rate-limit', rateLimit],
  ['stale', stale],
  ['panic', panic],
];

/**
 * An automatic undrain puts an endpoint back into rotation on the strength of "HEALTHY for the hold",
 * so, as for a failback, stale data and suspect vantages (which make that doubtful) block it too.
 */
const UNDRAIN_GUARDS: ReadonlyArray<[Guardrail, GuardCheck]> = [
  ['kill-switch', killSwitch],
  ['freeze', freeze],
  ['manual-override', manualOverride],
  ['stale', stale],
  ['panic', suspectMajority],
];

/** HEALTHY and DEGRADED endpoints serve; UNHEALTHY and UNKNOWN ones add no capacity (as healthyCapacity). */
const serving = (state: HealthState) => state === 'HEALTHY' || state === 'DEGRADED';

/**
 * Plans draining `endpoint` of ctx.service, or refuses naming the guardrail. `endpoints`: every
 * endpoint of the service; `drained`: the names drained now.
 *
 * Guardrails in order: kill-switch, freeze, manual-override, rate-limit, stale, panic, then
 * nothing-to-move (unknown or already drained) and capacity. Capacity: draining an endpoint that is
 * not serving (UNHEALTHY, UNKNOWN) never removes serving capacity, so it always passes. Draining a
 * HEALTHY or DEGRADED endpoint of an IDC whose weight in force is > 0 is refused when it would leave
 * the IDC no endpoint in rotation (not drained, HEALTHY or DEGRADED), or when those left could not
 * carry the IDC's share of the service at maxUtilization (remaining capacity x maxUtilization <
 * weight% x serviceLoad / 100). Such a refusal pages when the endpoint is DEGRADED: a failing
 * endpoint stays in rotation and a human must look.
 */
export function planDrain(
  ctx: ShiftContext,
  endpoints: readonly EndpointSituation[],
  drained: readonly string[],
  endpoint: string,
): DrainPlan | ShiftRefusal {
  const guards = runGuards(ctx, DRAIN_GUARDS);
  if ('refusal' in guards) return guards.refusal;
  const checked: Guardrail[] = [...guards.passed];

  const target = endpoints.find((e) => e.name === endpoint);
  if (!target) return unknown(ctx, endpoint);
  const before = sortedSet(drained);
  if (before.includes(endpoint))
    return refuse('nothing-to-move', `${endpoint} of ${ctx.service} is already drained.`);
  checked.push('nothing-to-move');

  const refusal = capacityRefusal(ctx, endpoints, before, target);
  if (refusal) return refusal;
  checked.push('capacity');

  return plan(ctx, 'drain', target, before, drainedAfter('drain', endpoint, before), checked);
}

/**
 * Plans putting `endpoint` back into rotation, or refuses naming the guardrail.
 *
 * - automatic (the drain rule stopped firing): kill-switch, freeze, manual-override, stale, panic
 *   (suspect vantages in the majority only, as for a failback), then recovery-hold (HEALTHY for at
 *   least policy.recoveryHold since its last state change; retryAt when it will be) and
 *   nothing-to-move (not drained).
 * - manual (an operator): only nothing-to-move; the operator decides.
 * An endpoint not in `endpoints` is refused (nothing-to-move) either way.
 */
export function planUndrain(
  ctx: ShiftContext,
  endpoints: readonly EndpointSituation[],
  drained: readonly string[],
  endpoint: string,
  opts: { automatic: boolean },
): DrainPlan | ShiftRefusal {
  const checked: Guardrail[] = [];
  if (opts.automatic) {
    const guards = runGuards(ctx, UNDRAIN_GUARDS);
    if ('refusal' in guards) return guards.refusal;
    checked.push(...guards.passed);
  }
  const target = endpoints.find((e) => e.name === endpoint);
  if (!target) return unknown(ctx, endpoint);

  if (opts.automatic) {
    const hold = recoveryHoldRefusal(ctx, target);
    if (hold) return hold;
    checked.push('recovery-hold');
  }

  const before = sortedSet(drained);
  if (!before.includes(endpoint))
    return refuse('nothing-to-move', `${endpoint} of ${ctx.service} is not drained: nothing to undrain.`);
  checked.push('nothing-to-move');

  return plan(ctx, 'undrain', target, before, drainedAfter('undrain', endpoint, before), checked);
}

/**
 * The endpoints to propose undraining automatically: drained by an automatic drain (`autoDrained`),
 * no drain rule firing for them now (`firing`), and HEALTHY for at least `recoveryHold` ms at `now`.
 * Sorted. Those still within the hold are left out (waiting is not a refusal); planUndrain checks
 * again.
 */
export function endpointsToUndrain(
  autoDrained: readonly string[],
  endpoints: readonly EndpointSituation[],
  firing: ReadonlySet<string>,
  now: number,
  recoveryHold: number,
): string[] {
  const byName = new Map(endpoints.map((e) => [e.name, e]));
  return sortedSet(autoDrained).filter((name) => {
    const e = byName.get(name);
    return e !== undefined && !firing.has(name) && e.state === 'HEALTHY' && now - e.since >= recoveryHold;
  });
}

function capacityRefusal(
  ctx: ShiftContext,
  endpoints: readonly EndpointSituation[],
  drained: readonly string[],
  target: EndpointSituation,
): ShiftRefusal | undefined {
  if (!serving(target.state)) return undefined; // not serving: draining it takes nothing away
  const share = weightShare(ctx.current, target.idc);
  if (share <= 0) return undefined; // the IDC carries no traffic
  const left = endpoints.filter(
    (e) => e.idc === target.idc && e.name !== target.name && !drained.includes(e.name) && serving(e.state),
  );
  const page = target.state !== 'HEALTHY';
  const percent = Math.round(share * 1000) / 10;
  if (left.length === 0)
    return refuse(
      'capacity',
      `Draining ${target.name} (${target.state}) would leave ${target.idc} with no endpoint of ${ctx.service} ` +
        `in rotation while it carries ${percent}% of the traffic.`,
      page,
    );
  const remaining = left.reduce((sum, e) => sum + Math.max(0, e.capacity), 0);
  const load = share * serviceLoad(ctx);
  const limit = ctx.policy.maxUtilization;
  if (remaining * limit + EPSILON < load)
    return refuse(
      'capacity',
      `Draining ${target.name} (${target.state}) would leave ${target.idc} ${round(remaining)} capacity units ` +
        `of ${ctx.service} in rotation (${left.length} endpoint${left.length === 1 ? '' : 's'}); at ` +
        `${formatRatio(limit)} utilization they carry ${round(remaining * limit)}, less than its ${percent}% ` +
        `share of the load (${round(load)}).`,
      page,
    );
  return undefined;
}

function recoveryHoldRefusal(ctx: ShiftContext, target: EndpointSituation): ShiftRefusal | undefined {
  if (target.state !== 'HEALTHY')
    return refuse(
      'recovery-hold',
      `${target.name} of ${ctx.service} is ${target.state}, not HEALTHY: no undrain.`,
    );
  const hold = ctx.policy.recoveryHold;
  const healthyFor = ctx.now - target.since;
  if (healthyFor >= hold) return undefined;
  return refuse(
    'recovery-hold',
    `${target.name} of ${ctx.service} has been HEALTHY for ${humanDuration(healthyFor)}; undraining needs ` +
      `recoveryHold ${humanDuration(hold)} (${humanDuration(hold - healthyFor)} left).`,
    false,
    target.since + hold,
  );
}

/** The IDC's share of the weights in force, 0-1 (0 when no weight is positive). */
function weightShare(weights: Weights, idc: string): number {
  const positive = (w: number) => (Number.isFinite(w) && w > 0 ? w : 0);
  const total = Object.values(weights).reduce((sum, w) => sum + positive(w), 0);
  return total > 0 ? positive(weights[idc] ?? 0) / total : 0;
}

function unknown(ctx: ShiftContext, endpoint: string): ShiftRefusal {
  return refuse('nothing-to-move', `${ctx.service} has no endpoint named ${endpoint}.`);
}

function plan(
  ctx: ShiftContext,
  direction: DrainPlan['direction'],
  target: EndpointSituation,
  drainedBefore: string[],
  drainedAfter: string[],
  guardrailsChecked: Guardrail[],
): DrainPlan {
  const weights = Object.fromEntries(
    Object.keys(ctx.current)
      .sort()
      .map((idc) => [idc, ctx.current[idc]]),
  );
  return {
    kind: 'drain-plan',
    direction,
    endpoint: target.name,
    idc: target.idc,
    drainedBefore,
    drainedAfter,
    weights,
    guardrailsChecked,
  };
}

const sortedSet = (names: readonly string[]): string[] => [...new Set(names)].sort();
const round = (n: number): string => String(Math.round(n * 100) / 100);
