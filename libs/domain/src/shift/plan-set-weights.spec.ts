import { planSetWeights } from './plan-set-weights';
import { context, idc } from './testing/fixtures';

const allHealthy = () =>
  context({ idcs: [idc('sha', 'HEALTHY'), idc('bjs', 'HEALTHY'), idc('szx', 'HEALTHY')] });

describe('planSetWeights', () => {
  it('moves to the target in steps of at most maxStepPercent, receivers HEALTHY and within capacity', () => {
    const plan = planSetWeights(allHealthy(), 'sha', { bjs: 60, sha: 20, szx: 20 });
    expect(plan.kind).toBe('plan');
    if (plan.kind !== 'plan') return;
    expect(plan).toMatchObject({ direction: 'set', idc: 'sha', receivers: ['bjs'], moved: 20, unplaced: 0 });
    expect(plan.steps).toEqual([{ bjs: 60, sha: 20, szx: 20 }]);
    expect(plan.guardrailsChecked).toContain('capacity');
  });

  it.each([
    ['a receiver that is not HEALTHY', context(), { sha: 60, bjs: 20, szx: 20 }, 'no-receivers'],
    ['a receiver without room', allHealthy(), { szx: 80, bjs: 10, sha: 10 }, 'capacity'],
    ['the weights in force already', allHealthy(), { bjs: 40, sha: 40, szx: 20 }, 'nothing-to-move'],
    [
      'the kill switch',
      context({ guards: { killSwitch: true, frozen: false, manualOverride: false, actionsInLastHour: 0 } }),
      { bjs: 60, sha: 20, szx: 20 },
      'kill-switch',
    ],
  ])('refuses because of %s', (_label, ctx, target, guardrail) => {
    const plan = planSetWeights(ctx, 'sha', target);
    expect(plan).toMatchObject({ kind: 'refused', guardrail });
  });

  it('splits a large change into several steps', () => {
    const plan = planSetWeights(allHealthy(), 'szx', { bjs: 50, sha: 50, szx: 0 });
    if (plan.kind !== 'plan') throw new Error(plan.reason);
    expect(plan.steps.at(-1)).toEqual({ bjs: 50, sha: 50, szx: 0 });
    expect(plan.steps.length).toBeGreaterThanOrEqual(1);
  });
});
