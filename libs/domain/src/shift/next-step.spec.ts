import { nextStep } from './next-step';
import { planFailback } from './plan-failback';
import { planShiftAway } from './plan-shift-away';
import { context, idc, NOW } from './testing/fixtures';
import type { IdcSituation, PlannedShift, ShiftContext, StepDecision } from './types';

function plan(ctx: ShiftContext, from: string): PlannedShift {
  const result = planShiftAway(ctx, from);
  if (result.kind !== 'plan') throw new Error(result.reason);
  return result;
}

// sha down; steps: { bjs 57, sha 15, szx 28 } then { bjs 67, sha 0, szx 33 }; receivers bjs, szx.
const AWAY = plan(context(), 'sha');
const healthy = (...over: IdcSituation[]) =>
  [idc('sha', 'UNHEALTHY'), idc('bjs', 'HEALTHY'), idc('szx', 'HEALTHY')].map(
    (s) => over.find((o) => o.idc === s.idc) ?? s,
  );

describe('nextStep: a shift away', () => {
  it.each<[string, number, Partial<ShiftContext>, StepDecision]>([
    ['first step', 0, {}, { kind: 'apply', weights: { bjs: 57, sha: 15, szx: 28 } }],
    ['second step', 1, {}, { kind: 'apply', weights: { bjs: 67, sha: 0, szx: 33 } }],
    ['past the last step', 2, {}, { kind: 'done' }],
    // The cooldown and hourly cap count the plan as one action: its own start does not stop it.
    [
      'the plan is one action',
      1,
      {
        guards: {
          ...context().guards,
          lastAction: { kind: 'shift-away', idc: 'sha', at: NOW - 30_000 },
          actionsInLastHour: 6,
        },
      },
      { kind: 'apply', weights: { bjs: 67, sha: 0, szx: 33 } },
    ],
    // The source recovering does not stop the drain: failback waits for recoveryHold.
    [
      'the source recovered meanwhile',
      1,
      { idcs: healthy(idc('sha', 'HEALTHY')) },
      { kind: 'apply', weights: { bjs: 67, sha: 0, szx: 33 } },
    ],
    [
      'a receiver degraded between steps',
      1,
      { idcs: healthy(idc('bjs', 'DEGRADED')) },
      {
        kind: 'hold',
        guardrail: 'receiver-degraded',
        reason: 'Holding checkout at step 2 of 2: receiver bjs is DEGRADED (was HEALTHY when planned).',
      },
    ],
    [
      'receivers unknown before the first step',
      0,
      { idcs: healthy(idc('bjs', 'UNKNOWN', { healthyCapacity: 40 }), idc('szx', 'DEGRADED')) },
      {
        kind: 'hold',
        guardrail: 'receiver-degraded',
        reason:
          'Holding checkout at step 1 of 2: receiver bjs is UNKNOWN, szx is DEGRADED (was HEALTHY when planned).',
      },
    ],
    [
      'a receiver missing from the context',
      1,
      { idcs: [idc('sha', 'UNHEALTHY'), idc('bjs', 'HEALTHY')] },
      {
        kind: 'hold',
        guardrail: 'receiver-degraded',
        reason: 'Holding checkout at step 2 of 2: receiver szx is UNKNOWN (was HEALTHY when planned).',
      },
    ],
    [
      'kill switch thrown mid-plan',
      1,
      { guards: { ...context().guards, killSwitch: true } },
      {
        kind: 'hold',
        guardrail: 'kill-switch',
        reason:
          'Holding checkout at step 2 of 2: The global kill switch is on: no automatic traffic change for checkout.',
      },
    ],
    [
      'freeze window began',
      1,
      { guards: { ...context().guards, frozen: true } },
      { kind: 'hold', guardrail: 'freeze', reason: expect.stringContaining('freeze window') },
    ],
    [
      'manual override',
      1,
      { guards: { ...context().guards, manualOverride: true } },
      { kind: 'hold', guardrail: 'manual-override', reason: expect.stringContaining('manual override') },
    ],
    [
      'stale data',
      1,
      { stale: true },
      { kind: 'hold', guardrail: 'stale', reason: expect.stringContaining('stale') },
    ],
    [
      'a second IDC went down: panic before receiver-degraded',
      1,
      { idcs: healthy(idc('szx', 'UNHEALTHY')), policy: { ...context().policy, panicThreshold: 0.3 } },
      {
        kind: 'hold',
        guardrail: 'panic',
        reason: expect.stringContaining('2 IDCs are UNHEALTHY at once (sha, szx)'),
      },
    ],
  ])('%s', (_name, index, overrides, expected) => {
    expect(nextStep(AWAY, index, context(overrides))).toEqual(expected);
  });

  it('returns a copy of the step weights', () => {
    const decision = nextStep(AWAY, 0, context());
    if (decision.kind !== 'apply') throw new Error(decision.kind);
    decision.weights.bjs = 0;
    expect(AWAY.steps[0].bjs).toBe(57);
  });
});

describe('nextStep: a failback', () => {
  const after = { bjs: 67, sha: 0, szx: 33 };
  const recovered = [
    idc('sha', 'HEALTHY', { healthySince: NOW - 600_000 }),
    idc('bjs', 'HEALTHY'),
    idc('szx', 'HEALTHY'),
  ];
  const failback = planFailback(context({ current: after, idcs: recovered }), 'sha') as PlannedShift;

  it.each<[string, Partial<ShiftContext>, StepDecision['kind'], string?]>([
    ['sha still HEALTHY', { idcs: recovered }, 'apply'],
    // Low healthy capacity does not hold a failback (as when planning it).
    [
      'low healthy capacity elsewhere',
      { idcs: [recovered[0], idc('bjs', 'UNHEALTHY'), idc('szx', 'UNHEALTHY')] },
      'apply',
    ],
    [
      'sha degraded again',
      { idcs: [idc('sha', 'DEGRADED'), ...recovered.slice(1)] },
      'hold',
      'receiver-degraded',
    ],
    ['suspect majority', { idcs: recovered, suspectVantages: 2, liveVantages: 3 }, 'hold', 'panic'],
  ])('%s', (...[, overrides, kind, guardrail]) => {
    const decision = nextStep(failback, 1, context(overrides));
    expect(decision.kind).toBe(kind);
    if (decision.kind === 'hold') expect(decision.guardrail).toBe(guardrail);
  });
});
