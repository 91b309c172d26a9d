/**
 * Fail-static (panic) guardrails. When the picture is too bad or too doubtful to trust, moving traffic
 * is more likely to make an outage than to end one (Envoy's panic threshold, Route 53 failing open):
 * keep the weights as they are and page a human.
 */
import { formatRatio } from './format';
import { refuse, type GuardCheck } from './guards';
import type { IdcSituation } from './types';

/** Healthy capacity across every IDC / total capacity, 0-1; 0 when no capacity is known. */
export function healthyCapacityRatio(idcs: readonly IdcSituation[]): number {
  const total = idcs.reduce((sum, s) => sum + Math.max(0, s.capacity), 0);
  const healthy = idcs.reduce((sum, s) => sum + Math.max(0, s.healthyCapacity), 0);
  return total > 0 ? healthy / total : 0;
}

/** Old health data says nothing about now. */
export const stale: GuardCheck = (ctx) =>
  ctx.stale
    ? refuse('stale', `Health data for ${ctx.service} is stale: failing static, no traffic change.`, true)
    : undefined;

/**
 * Suspect vantages in the majority (at least half of the live ones, or no live vantage at all): the
 * states themselves cannot be trusted.
 */
export const suspectMajority: GuardCheck = (ctx) =>
  ctx.suspectVantages * 2 >= ctx.liveVantages
    ? refuse(
        'panic',
        `Failing static for ${ctx.service}: ${ctx.suspectVantages} of ${ctx.liveVantages} live vantages are ` +
          'suspect, so the health states cannot be trusted.',
        true,
      )
    : undefined;

/** Two or more IDCs UNHEALTHY at once looks like a shared cause (or a broken checker), not an IDC failure. */
export const manyUnhealthy: GuardCheck = (ctx) => {
  const down = ctx.idcs.filter((s) => s.state === 'UNHEALTHY').map((s) => s.idc);
  return down.length >= 2
    ? refuse(
        'panic',
        `Failing static for ${ctx.service}: ${down.length} IDCs are UNHEALTHY at once (${down.sort().join(', ')}).`,
        true,
      )
    : undefined;
};

/** Too little healthy capacity left anywhere: the survivors could not carry the traffic. */
export const lowHealthyCapacity: GuardCheck = (ctx) => {
  const ratio = healthyCapacityRatio(ctx.idcs);
  return ratio < ctx.policy.panicThreshold
    ? refuse(
        'panic',
        `Failing static for ${ctx.service}: healthy capacity is ${formatRatio(ratio)} of the total, below ` +
          `the panic threshold of ${formatRatio(ctx.policy.panicThreshold)}.`,
        true,
      )
    : undefined;
};

/** Every panic condition, the doubt about the data first (it makes the other numbers meaningless). */
export const panic: GuardCheck = (ctx) =>
  suspectMajority(ctx) ?? manyUnhealthy(ctx) ?? lowHealthyCapacity(ctx);
