import { planShiftAway } from './plan-shift-away';
import { context, idc, movedBetween, NOW, POLICY, sum } from './testing/fixtures';
import type { Guardrail, PlannedShift, ShiftContext, ShiftGuards, Weights } from './types';

const guards = (g: Partial<ShiftGuards>) => ({ ...context().guards, ...g });

function expectPlan(ctx: ShiftContext, from: string): PlannedShift {
  const plan = planShiftAway(ctx, from);
  if (plan.kind !== 'plan') throw new Error(`refused: ${plan.guardrail}: ${plan.reason}`);
  return plan;
}

describe('planShiftAway: capacity-aware and gradual', () => {
  it.each<[string, Partial<ShiftContext>, Weights[], number, number, string[]]>([
    // load 40: every IDC at 40%. Headroom under 80%: bjs 32 - 16 units = 40 points, szx 16 - 8 = 20 points.
    // sha's 40 points split 2:1 by headroom (26.67 / 13.33, largest remainder: 27 / 13).
    [
      'sha down, peers have room',
      {},
      [
        { bjs: 57, sha: 15, szx: 28 },
        { bjs: 67, sha: 0, szx: 33 },
      ],
      40,
      0,
      ['bjs', 'szx'],
    ],
    // load 50: headroom bjs 64 - 40 = 24, szx 32 - 20 = 12; 36 of 40 fit, bjs and szx end exactly at 80%.
    [
      'peers too small: partial',
      { load: 50 },
      [
        { bjs: 57, sha: 15, szx: 28 },
        { bjs: 64, sha: 4, szx: 32 },
      ],
      36,
      4,
      ['bjs', 'szx'],
    ],
    // Unknown load: assumed N+1, 0.8 x (100 - 40) = 48 units. Headroom floor(66.67 - 40) = 26 and
    // floor(33.33 - 20) = 13: whole percents round down, so 1 point stays.
    [
      'unknown load: N+1 assumption',
      { load: undefined },
      [
        { bjs: 57, sha: 15, szx: 28 },
        { bjs: 66, sha: 1, szx: 33 },
      ],
      39,
      1,
      ['bjs', 'szx'],
    ],
    // A DEGRADED peer never receives: only szx, with 20 points of headroom.
    [
      'DEGRADED peer does not receive',
      { idcs: [idc('sha', 'UNHEALTHY'), idc('bjs', 'DEGRADED'), idc('szx', 'HEALTHY')] },
      [{ bjs: 40, sha: 20, szx: 40 }],
      20,
      20,
      ['szx'],
    ],
    // UNKNOWN is no receiver either.
    [
      'UNKNOWN peer does not receive',
      {
        idcs: [
          idc('sha', 'UNHEALTHY'),
          idc('bjs', 'HEALTHY'),
          idc('szx', 'UNKNOWN', { healthyCapacity: 20 }),
        ],
      },
      [
        { bjs: 65, sha: 15, szx: 20 },
        { bjs: 80, sha: 0, szx: 20 },
      ],
      40,
      0,
      ['bjs'],
    ],
    // Small steps: 4 steps of 10.
    [
      'maxStepPercent 10',
      { policy: { ...POLICY, maxStepPercent: 10 } },
      [
        { bjs: 47, sha: 30, szx: 23 },
        { bjs: 54, sha: 20, szx: 26 },
        { bjs: 61, sha: 10, szx: 29 }, // remaining 13 : 7, 6.5 / 3.5, the tie to bjs
        { bjs: 67, sha: 0, szx: 33 },
      ],
      40,
      0,
      ['bjs', 'szx'],
    ],
    // A fractional step is rounded down: 12.5 -> 12 points per step.
    [
      'maxStepPercent 12.5',
      { policy: { ...POLICY, maxStepPercent: 12.5 } },
      [
        { bjs: 48, sha: 28, szx: 24 },
        { bjs: 56, sha: 16, szx: 28 },
        { bjs: 64, sha: 4, szx: 32 },
        { bjs: 67, sha: 0, szx: 33 },
      ],
      40,
      0,
      ['bjs', 'szx'],
    ],
    // Current weights are relative and off baseline: normalised first (bjs 50, sha 25, szx 25).
    // Headroom bjs 80 - 50 = 30, szx 40 - 25 = 15: 25 points split 2:1.
    [
      'relative current weights',
      { current: { bjs: 2, sha: 1, szx: 1 } },
      [{ bjs: 67, sha: 0, szx: 33 }],
      25,
      0,
      ['bjs', 'szx'],
    ],
  ])('%s', (_name, overrides, steps, moved, unplaced, receivers) => {
    const ctx = context(overrides);
    const plan = expectPlan(ctx, 'sha');
    expect(plan.steps).toEqual(steps);
    expect(plan.moved).toBe(moved);
    expect(plan.unplaced).toBe(unplaced);
    expect(plan.receivers).toEqual(receivers);
    expect(plan.warning?.guardrail).toBe(unplaced > 0 ? 'capacity' : undefined);
    expect(plan.stepInterval).toBe(30_000);

    // The invariants, on every step: sums to 100, at most maxStepPercent moved, no receiver above
    // maxUtilization, weights move monotonically.
    const load = ctx.load ?? 48;
    let previous = plan.before;
    for (const step of plan.steps) {
      expect(sum(step)).toBe(100);
      expect(movedBetween(previous, step)).toBeLessThanOrEqual(ctx.policy.maxStepPercent);
      for (const r of plan.receivers) {
        const situation = ctx.idcs.find((s) => s.idc === r)!;
        expect((step[r] / 100) * load).toBeLessThanOrEqual(
          ctx.policy.maxUtilization * situation.healthyCapacity,
        );
        expect(step[r]).toBeGreaterThanOrEqual(previous[r]);
      }
      expect(step.sha).toBeLessThanOrEqual(previous.sha);
      previous = step;
    }
  });

  it('states the capacity shortfall with its numbers and pages when the source is failing', () => {
    const plan = expectPlan(context({ load: 50 }), 'sha');
    expect(plan.warning).toEqual({
      guardrail: 'capacity',
      reason:
        "Only 36% of checkout's 40% on sha fits on its peers below 80% utilization (room: bjs 24%, szx 12%); " +
        '4% stays on sha.',
      page: true,
    });
  });

  it('records the weights before and the guardrails passed', () => {
    const plan = expectPlan(context(), 'sha');
    expect(plan.before).toEqual({ bjs: 40, sha: 40, szx: 20 });
    expect(plan.direction).toBe('away');
    expect(plan.idc).toBe('sha');
    expect(plan.guardrailsChecked).toEqual([
      'kill-switch',
      'freeze',
      'manual-override',
      'cooldown',
      'rate-limit',
      'stale',
      'panic',
      'nothing-to-move',
      'no-receivers',
      'capacity',
    ]);
  });
});

describe('planShiftAway: refusals name the guardrail', () => {
  it.each<[string, Partial<ShiftContext>, Guardrail, boolean, string]>([
    [
      'kill switch',
      { guards: guards({ killSwitch: true }) },
      'kill-switch',
      false,
      'The global kill switch is on: no automatic traffic change for checkout.',
    ],
    [
      'freeze window',
      { guards: guards({ frozen: true }) },
      'freeze',
      false,
      'A freeze window is in effect: no automatic traffic change for checkout.',
    ],
    [
      'manual override',
      { guards: guards({ manualOverride: true }) },
      'manual-override',
      false,
      'The weights of checkout are under a manual override: automation is paused until it is released.',
    ],
    [
      'cooldown',
      { guards: guards({ lastAction: { kind: 'shift-away', idc: 'sha', at: NOW - 120_000 } }) },
      'cooldown',
      false,
      'Cooldown: the last action on checkout was 2m ago and the cooldown is 5m (3m left).',
    ],
    [
      'rate limit',
      { guards: guards({ actionsInLastHour: 6 }) },
      'rate-limit',
      false,
      'Rate limit: 6 actions on checkout in the last hour (max 6).',
    ],
    [
      'stale data',
      { stale: true },
      'stale',
      true,
      'Health data for checkout is stale: failing static, no traffic change.',
    ],
    [
      'suspect vantages: half',
      { suspectVantages: 2, liveVantages: 4 },
      'panic',
      true,
      'Failing static for checkout: 2 of 4 live vantages are suspect, so the health states cannot be trusted.',
    ],
    [
      'no live vantage',
      { suspectVantages: 0, liveVantages: 0 },
      'panic',
      true,
      'Failing static for checkout: 0 of 0 live vantages are suspect, so the health states cannot be trusted.',
    ],
    [
      'two IDCs down at once',
      {
        idcs: [idc('sha', 'UNHEALTHY'), idc('bjs', 'HEALTHY'), idc('szx', 'UNHEALTHY')],
        policy: { ...POLICY, panicThreshold: 0.3 },
      },
      'panic',
      true,
      'Failing static for checkout: 2 IDCs are UNHEALTHY at once (sha, szx).',
    ],
    // Healthy capacity (0 + 36 + 10) / 100 = 46% < 50%.
    [
      'healthy capacity below the panic threshold',
      {
        idcs: [
          idc('sha', 'UNHEALTHY'),
          idc('bjs', 'HEALTHY', { healthyCapacity: 36 }),
          idc('szx', 'DEGRADED', { healthyCapacity: 10 }),
        ],
      },
      'panic',
      true,
      'Failing static for checkout: healthy capacity is 46% of the total, below the panic threshold of 50%.',
    ],
    [
      'nothing on the source',
      { current: { bjs: 60, sha: 0, szx: 40 } },
      'nothing-to-move',
      false,
      'sha carries no traffic of checkout: nothing to shift.',
    ],
    [
      'no HEALTHY peer',
      {
        idcs: [idc('sha', 'UNHEALTHY'), idc('bjs', 'DEGRADED'), idc('szx', 'UNKNOWN')],
        policy: { ...POLICY, panicThreshold: 0.3 },
      },
      'no-receivers',
      true,
      "No HEALTHY peer can take checkout's 40% on sha (bjs DEGRADED, szx UNKNOWN).",
    ],
    // load 100: bjs and szx already at 100% utilization.
    [
      'no peer has room',
      { load: 100 },
      'capacity',
      true,
      'No HEALTHY peer of sha (bjs, szx) has room for checkout below 80% utilization.',
    ],
  ])('%s', (_name, overrides, guardrail, page, reason) => {
    expect(planShiftAway(context(overrides), 'sha')).toEqual({
      kind: 'refused',
      guardrail,
      reason,
      page,
      ...(guardrail === 'cooldown' ? { retryAt: NOW - 120_000 + 300_000 } : {}),
    });
  });

  it.each<[string, Partial<ShiftContext>]>([
    [
      'cooldown just over',
      { guards: guards({ lastAction: { kind: 'shift-away', idc: 'sha', at: NOW - 300_000 } }) },
    ],
    ['one action below the cap', { guards: guards({ actionsInLastHour: 5 }) }],
    // The failback of sha a minute ago came too early: the way out is never damped.
    [
      'right after a failback of sha',
      { guards: guards({ lastAction: { kind: 'failback', idc: 'sha', at: NOW - 60_000 } }) },
    ],
    ['suspect minority', { suspectVantages: 1, liveVantages: 3 }],
    [
      'healthy capacity exactly at the threshold',
      {
        idcs: [
          idc('sha', 'UNHEALTHY'),
          idc('bjs', 'HEALTHY', { healthyCapacity: 30 }),
          idc('szx', 'HEALTHY'),
        ],
      },
    ],
  ])('passes at the boundary: %s', (_name, overrides) => {
    expect(planShiftAway(context(overrides), 'sha').kind).toBe('plan');
  });

  it.each<[string, Partial<ShiftGuards>, Partial<ShiftContext>, Guardrail]>([
    ['kill switch before freeze', { killSwitch: true, frozen: true }, {}, 'kill-switch'],
    ['freeze before manual override', { frozen: true, manualOverride: true }, {}, 'freeze'],
    [
      'manual override before cooldown',
      { manualOverride: true, lastAction: { kind: 'shift-away', idc: 'sha', at: NOW } },
      {},
      'manual-override',
    ],
    [
      'cooldown before rate limit',
      { lastAction: { kind: 'shift-away', idc: 'sha', at: NOW }, actionsInLastHour: 9 },
      {},
      'cooldown',
    ],
    ['rate limit before stale', { actionsInLastHour: 9 }, { stale: true }, 'rate-limit'],
    ['stale before panic', {}, { stale: true, liveVantages: 0 }, 'stale'],
  ])('order: %s', (_name, g, overrides, guardrail) => {
    const plan = planShiftAway(context({ ...overrides, guards: guards(g) }), 'sha');
    expect(plan.kind === 'refused' && plan.guardrail).toBe(guardrail);
  });

  it('draining a HEALTHY IDC does not page on a shortfall', () => {
    const ctx = context({
      load: 50,
      idcs: [idc('sha', 'HEALTHY'), idc('bjs', 'HEALTHY'), idc('szx', 'HEALTHY')],
    });
    expect(expectPlan(ctx, 'sha').warning?.page).toBe(false);
  });
});
