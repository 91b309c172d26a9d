import { allowedDecisions, appliedWeights, describeChange, isOpen, summarisePlan } from './action-rules';

describe('allowedDecisions', () => {
  it('offers approve, reject and cancel while awaiting approval', () => {
    expect(allowedDecisions({ state: 'awaiting-approval', stepsDone: 0 })).toEqual({
      approve: true,
      reject: true,
      cancel: true,
      rollback: false,
    });
  });

  it('offers only cancel while executing', () => {
    expect(allowedDecisions({ state: 'executing', stepsDone: 1 })).toEqual({
      approve: false,
      reject: false,
      cancel: true,
      rollback: false,
    });
  });

  it('offers cancel and rollback on a held action that applied steps', () => {
    expect(allowedDecisions({ state: 'held', stepsDone: 1 })).toMatchObject({ cancel: true, rollback: true });
    expect(allowedDecisions({ state: 'held', stepsDone: 0 })).toMatchObject({
      cancel: true,
      rollback: false,
    });
  });

  it.each(['completed', 'failed', 'cancelled'])('offers rollback on %s with applied steps only', (state) => {
    expect(allowedDecisions({ state, stepsDone: 2 })).toEqual({
      approve: false,
      reject: false,
      cancel: false,
      rollback: true,
    });
    expect(allowedDecisions({ state, stepsDone: 0 }).rollback).toBe(false);
  });

  it.each(['dry-run', 'refused', 'rejected', 'rolled-back'])('offers nothing on %s', (state) => {
    expect(allowedDecisions({ state, stepsDone: 3 })).toEqual({
      approve: false,
      reject: false,
      cancel: false,
      rollback: false,
    });
  });

  it('knows the open states', () => {
    expect(['awaiting-approval', 'executing', 'held', 'completed'].map(isOpen)).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });
});

describe('summarisePlan', () => {
  const plan = {
    kind: 'plan',
    direction: 'away',
    idc: 'sha',
    before: { sha: 50, bjs: 50 },
    steps: [
      { sha: 25, bjs: 75 },
      { sha: 0, bjs: 100 },
    ],
    receivers: ['bjs'],
    moved: 50,
    unplaced: 0,
    guardrailsChecked: ['kill-switch'],
    stepInterval: 30_000,
  };

  it('pairs each step with the weights before it', () => {
    const summary = summarisePlan({ plan, weightsBefore: { sha: 50, bjs: 50 }, steps: [] });
    expect(summary.steps).toEqual([
      { index: 0, from: { sha: 50, bjs: 50 }, to: { sha: 25, bjs: 75 } },
      { index: 1, from: { sha: 25, bjs: 75 }, to: { sha: 0, bjs: 100 } },
    ]);
    expect(summary).toMatchObject({
      target: { sha: 0, bjs: 100 },
      stepInterval: 30_000,
      receivers: ['bjs'],
      moved: 50,
      direction: 'away',
    });
    expect(summary.refused).toBeUndefined();
  });

  it('falls back to the recorded steps and weightsBefore when the plan lacks them', () => {
    const summary = summarisePlan({
      plan: {},
      weightsBefore: { a: 100, b: 0 },
      steps: [{ weights: { a: 0, b: 100 } }],
    });
    expect(summary.steps).toEqual([{ index: 0, from: { a: 100, b: 0 }, to: { a: 0, b: 100 } }]);
    expect(summary.stepInterval).toBeNull();
  });

  it('reads a refusal', () => {
    const summary = summarisePlan({
      plan: { kind: 'refused', guardrail: 'cooldown', reason: 'too soon' },
      weightsBefore: {},
      steps: [],
    });
    expect(summary.refused).toEqual({ guardrail: 'cooldown', reason: 'too soon' });
    expect(summary.target).toBeNull();
  });

  it('ignores non-numeric weights', () => {
    const summary = summarisePlan({ plan: { steps: [{ a: 'x', b: 5 }] }, weightsBefore: {}, steps: [] });
    expect(summary.steps[0].to).toEqual({ b: 5 });
  });
});

describe('appliedWeights', () => {
  it('is the last applied step, else the weights before', () => {
    const weightsBefore = { a: 100, b: 0 };
    expect(
      appliedWeights({ weightsBefore, steps: [{ state: 'pending', weights: { a: 50, b: 50 } }] }),
    ).toEqual(weightsBefore);
    expect(
      appliedWeights({
        weightsBefore,
        steps: [
          { state: 'applied', weights: { a: 50, b: 50 } },
          { state: 'failed', weights: { a: 0, b: 100 } },
        ],
      }),
    ).toEqual({ a: 50, b: 50 });
  });
});

describe('describeChange', () => {
  it('shows changed IDCs with an arrow and unchanged ones once', () => {
    expect(describeChange({ sha: 100, bjs: 0, gz: 10 }, { sha: 50, bjs: 50, gz: 10 })).toBe(
      'sha 100 → 50 · bjs 0 → 50 · gz 10',
    );
    expect(describeChange({}, {})).toBe('—');
    expect(describeChange({ a: 1 }, { b: 2 })).toBe('a 1 → — · b — → 2');
  });
});
