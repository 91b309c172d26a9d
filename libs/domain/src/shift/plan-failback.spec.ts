import { planFailback } from './plan-failback';
import { context, idc, movedBetween, NOW, POLICY, sum } from './testing/fixtures';
import type { IdcSituation, ShiftContext, ShiftPlan, ShiftRefusal, Weights } from './types';

// After sha was drained: bjs 67, sha 0, szx 33.
const AFTER: Weights = { bjs: 67, sha: 0, szx: 33 };
const recovered = (since: number, extra: Partial<IdcSituation> = {}) => [
  idc('sha', 'HEALTHY', { healthySince: since, ...extra }),
  idc('bjs', 'HEALTHY'),
  idc('szx', 'HEALTHY'),
];
const failbackContext = (overrides: Partial<ShiftContext> = {}) =>
  context({ current: AFTER, idcs: recovered(NOW - 300_000), ...overrides });

describe('planFailback', () => {
  it.each<[string, Partial<ShiftContext>, Weights[], number, number]>([
    // Exactly recoveryHold: back to baseline in steps of 25; bjs and szx give back their excess 27 : 13.
    [
      'healthy for recoveryHold',
      {},
      [
        { bjs: 50, sha: 25, szx: 25 },
        { bjs: 40, sha: 40, szx: 20 },
      ],
      40,
      0,
    ],
    [
      'maxStepPercent 10',
      { policy: { ...POLICY, maxStepPercent: 10 } },
      [
        { bjs: 60, sha: 10, szx: 30 },
        { bjs: 53, sha: 20, szx: 27 },
        { bjs: 46, sha: 30, szx: 24 },
        { bjs: 40, sha: 40, szx: 20 },
      ],
      40,
      0,
    ],
    // Partly drained (sha at 15): only the missing 25 points move, in one step.
    [
      'from a partial shift',
      { current: { bjs: 57, sha: 15, szx: 28 } },
      [{ bjs: 40, sha: 40, szx: 20 }],
      25,
      0,
    ],
    // Fail-static does not block failback: healthy capacity (36 + 40 + 18) / 100 = 94% < 99%.
    [
      'healthy capacity below the panic threshold',
      {
        policy: { ...POLICY, panicThreshold: 0.99 },
        idcs: [
          idc('sha', 'HEALTHY', { healthySince: NOW - 300_000, healthyCapacity: 36 }),
          idc('bjs', 'HEALTHY'),
          idc('szx', 'DEGRADED', { healthyCapacity: 18 }),
        ],
      },
      [
        { bjs: 50, sha: 25, szx: 25 },
        { bjs: 40, sha: 40, szx: 20 },
      ],
      40,
      0,
    ],
    // sha back at 36 of 40 with load 100: 0.8 x 36 = 28.8 units, 28 points fit; 12 stay on the peers.
    [
      'sha cannot take its whole share yet',
      { load: 100, idcs: recovered(NOW - 300_000, { healthyCapacity: 36 }) },
      [
        { bjs: 50, sha: 25, szx: 25 },
        { bjs: 48, sha: 28, szx: 24 },
      ],
      28,
      12,
    ],
    // Another IDC drained (szx at 0): failback of sha takes only from bjs, szx stays drained.
    [
      'another IDC still drained',
      {
        current: { bjs: 100, sha: 0, szx: 0 },
        idcs: [...recovered(NOW - 300_000).slice(0, 2), idc('szx', 'HEALTHY')],
      },
      [
        { bjs: 75, sha: 25, szx: 0 },
        { bjs: 60, sha: 40, szx: 0 },
      ],
      40,
      0,
    ],
  ])('%s', (_name, overrides, steps, moved, unplaced) => {
    const ctx = failbackContext(overrides);
    const plan = planFailback(ctx, 'sha');
    if (plan.kind !== 'plan') throw new Error(`${plan.guardrail}: ${plan.reason}`);
    expect(plan.steps).toEqual(steps);
    expect(plan.moved).toBe(moved);
    expect(plan.unplaced).toBe(unplaced);
    expect(plan.direction).toBe('failback');
    expect(plan.receivers).toEqual(['sha']);
    expect(plan.warning?.guardrail).toBe(unplaced > 0 ? 'capacity' : undefined);
    let previous = plan.before;
    for (const step of plan.steps) {
      expect(sum(step)).toBe(100);
      expect(movedBetween(previous, step)).toBeLessThanOrEqual(ctx.policy.maxStepPercent);
      previous = step;
    }
  });

  it.each<[string, number, number[]]>([
    ['the backed-off hold is over', 40_000, [NOW - 1_800_000, NOW - 600_000, NOW - 60_000]],
    // Outages older than the window no longer count: the hold is back to recoveryHold.
    ['earlier outages out of the window', 10_000, [NOW - 7_200_000, NOW - 3_700_000, NOW - 60_000]],
  ])('fails back once %s', (_name, healthyFor, outages) => {
    const ctx = failbackContext({
      policy: { ...POLICY, recoveryHold: 10_000 },
      idcs: recovered(NOW - healthyFor, { outages }),
    });
    expect(planFailback(ctx, 'sha').kind).toBe('plan');
    const early = { ...ctx, idcs: recovered(NOW - healthyFor + 1, { outages }) };
    expect(planFailback(early, 'sha')).toMatchObject({ kind: 'refused', guardrail: 'recovery-hold' });
  });

  it('records the guardrails passed, without the capacity panic', () => {
    const plan = planFailback(failbackContext(), 'sha');
    expect(plan.kind === 'plan' && plan.guardrailsChecked).toEqual([
      'kill-switch',
      'freeze',
      'manual-override',
      'cooldown',
      'rate-limit',
      'stale',
      'panic',
      'recovery-hold',
      'nothing-to-move',
      'capacity',
    ]);
  });

  it.each<[string, Partial<ShiftContext>, ShiftRefusal['guardrail'], string, number?]>([
    [
      'healthy for 2 of 5 minutes',
      { idcs: recovered(NOW - 120_000) },
      'recovery-hold',
      'sha has been HEALTHY for 2m; failback of checkout needs 5m (recoveryHold: no earlier outage within 1h) (3m left).',
      NOW + 180_000,
    ],
    [
      'healthy for 4m 59.5s',
      { idcs: recovered(NOW - 299_500) },
      'recovery-hold',
      'sha has been HEALTHY for 5m; failback of checkout needs 5m (recoveryHold: no earlier outage within 1h) (1s left).',
      NOW + 500,
    ],
    // The 3rd outage of sha within the hour: 10s x 2^2 = 40s.
    [
      'backed off after repeated outages',
      {
        policy: { ...POLICY, recoveryHold: 10_000 },
        idcs: recovered(NOW - 12_000, { outages: [NOW - 1_800_000, NOW - 600_000, NOW - 30_000] }),
      },
      'recovery-hold',
      'sha has been HEALTHY for 12s; failback of checkout needs 40s ' +
        '(recoveryHold 10s × 2^2: 3rd outage within 1h) (28s left).',
      NOW + 28_000,
    ],
    [
      'backed off up to maxHold',
      {
        policy: { ...POLICY, failbackBackoff: { window: 3_600_000, maxHold: 900_000 } },
        idcs: recovered(NOW - 300_000, { outages: [NOW - 1_800_000, NOW - 900_000, NOW - 400_000] }),
      },
      'recovery-hold',
      'sha has been HEALTHY for 5m; failback of checkout needs 15m ' +
        '(recoveryHold 5m × 2^2 capped at maxHold 15m: 3rd outage within 1h) (10m left).',
      NOW + 600_000,
    ],
    [
      'not HEALTHY',
      { idcs: [idc('sha', 'DEGRADED'), idc('bjs', 'HEALTHY'), idc('szx', 'HEALTHY')] },
      'recovery-hold',
      'sha is DEGRADED for checkout, not HEALTHY: no failback.',
    ],
    [
      'healthySince unknown',
      { idcs: [idc('sha', 'HEALTHY'), idc('bjs', 'HEALTHY'), idc('szx', 'HEALTHY')] },
      'recovery-hold',
      'sha is HEALTHY for checkout but since when is unknown: no failback.',
    ],
    [
      'already at baseline',
      { current: { bjs: 40, sha: 40, szx: 20 } },
      'nothing-to-move',
      'sha already has its baseline share of checkout: nothing to fail back.',
    ],
    [
      'no room on sha',
      { load: 4000 }, // 0.8 x 40 / 4000 = 0.8% of the traffic: not a whole point
      'capacity',
      'sha has no room for more of checkout below 80% utilization.',
    ],
    [
      'kill switch',
      { guards: { ...context().guards, killSwitch: true } },
      'kill-switch',
      'The global kill switch is on: no automatic traffic change for checkout.',
    ],
    [
      'freeze',
      { guards: { ...context().guards, frozen: true } },
      'freeze',
      'A freeze window is in effect: no automatic traffic change for checkout.',
    ],
    [
      'manual override',
      { guards: { ...context().guards, manualOverride: true } },
      'manual-override',
      'The weights of checkout are under a manual override: automation is paused until it is released.',
    ],
    [
      'cooldown',
      { guards: { ...context().guards, lastAction: { kind: 'shift-away', idc: 'sha', at: NOW - 60_000 } } },
      'cooldown',
      'Cooldown: the last action on checkout was 1m ago and the cooldown is 5m (4m left).',
      NOW + 240_000,
    ],
    [
      'rate limit',
      { guards: { ...context().guards, actionsInLastHour: 7 } },
      'rate-limit',
      'Rate limit: 7 actions on checkout in the last hour (max 6).',
    ],
    [
      'stale',
      { stale: true },
      'stale',
      'Health data for checkout is stale: failing static, no traffic change.',
    ],
    [
      'suspect majority',
      { suspectVantages: 3, liveVantages: 5 },
      'panic',
      'Failing static for checkout: 3 of 5 live vantages are suspect, so the health states cannot be trusted.',
    ],
  ])('refused: %s', (...[, overrides, guardrail, reason, retryAt]) => {
    const expected: ShiftPlan = {
      kind: 'refused',
      guardrail,
      reason,
      page: guardrail === 'stale' || guardrail === 'panic',
      ...(retryAt === undefined ? {} : { retryAt }),
    };
    expect(planFailback(failbackContext(overrides), 'sha')).toEqual(expected);
  });
});
