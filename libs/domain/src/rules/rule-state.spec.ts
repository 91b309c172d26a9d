import { advanceRuleState, INACTIVE, RuleState } from './rule-state';

const s = (seconds: number) => seconds * 1000;

/** Runs (second, matched) evaluations from INACTIVE; returns each step's phase, `!` when it fired. */
function run(forSeconds: number, steps: Array<[number, boolean]>): string[] {
  let state: RuleState = INACTIVE;
  return steps.map(([at, matched]) => {
    const step = advanceRuleState(state, matched, s(at), s(forSeconds));
    state = step.state;
    return `${step.state.phase}${step.firedAt !== undefined ? '!' : ''}`;
  });
}

describe('advanceRuleState', () => {
  it.each<[string, number, Array<[number, boolean]>, string[]]>([
    [
      'for 0s fires at once',
      0,
      [
        [0, true],
        [10, true],
        [20, false],
      ],
      ['firing!', 'firing', 'resolved'],
    ],
    [
      'for 30s fires exactly when it has held for 30s',
      30,
      [
        [0, true],
        [10, true],
        [29.999, true],
        [30, true],
        [40, true],
      ],
      ['pending', 'pending', 'pending', 'firing!', 'firing'],
    ],
    [
      'a late evaluation fires at once',
      30,
      [
        [0, true],
        [45, true],
      ],
      ['pending', 'firing!'],
    ],
    [
      'a flap while pending goes back to inactive and restarts the wait',
      30,
      [
        [0, true],
        [20, false],
        [25, true],
        [50, true],
        [55, true],
      ],
      ['pending', 'inactive', 'pending', 'pending', 'firing!'],
    ],
    [
      'not holding stays inactive',
      30,
      [
        [0, false],
        [10, false],
      ],
      ['inactive', 'inactive'],
    ],
    [
      'firing resolves when it stops holding, and stays resolved',
      30,
      [
        [0, true],
        [30, true],
        [40, false],
        [50, false],
      ],
      ['pending', 'firing!', 'resolved', 'resolved'],
    ],
    [
      'resolved starts over: pending, then firing again after for',
      30,
      [
        [0, true],
        [30, true],
        [40, false],
        [50, true],
        [79, true],
        [80, true],
      ],
      ['pending', 'firing!', 'resolved', 'pending', 'pending', 'firing!'],
    ],
    [
      'resolved with for 0s fires again at once',
      0,
      [
        [0, true],
        [5, false],
        [6, true],
      ],
      ['firing!', 'resolved', 'firing!'],
    ],
    ['a negative for counts as 0', -5, [[0, true]], ['firing!']],
  ])('%s', (_title, forSeconds, steps, phases) => {
    expect(run(forSeconds, steps)).toEqual(phases);
  });

  it('reports changes, times and firedAt', () => {
    const pending = advanceRuleState(INACTIVE, true, s(100), s(30));
    expect(pending).toEqual({ state: { phase: 'pending', since: s(100) }, changed: true });
    expect(advanceRuleState(pending.state, true, s(110), s(30))).toEqual({
      state: pending.state,
      changed: false,
    });
    const firing = advanceRuleState(pending.state, true, s(130), s(30));
    expect(firing).toEqual({
      state: { phase: 'firing', since: s(100), firedAt: s(130) },
      changed: true,
      firedAt: s(130),
    });
    expect(advanceRuleState(firing.state, true, s(140), s(30))).toEqual({
      state: firing.state,
      changed: false,
    });
    expect(advanceRuleState(firing.state, false, s(150), s(30))).toEqual({
      state: { phase: 'resolved', since: s(100), firedAt: s(130), resolvedAt: s(150) },
      changed: true,
    });
    expect(advanceRuleState(pending.state, false, s(120), s(30))).toEqual({ state: INACTIVE, changed: true });
    expect(advanceRuleState(INACTIVE, false, s(120), s(30))).toEqual({ state: INACTIVE, changed: false });
  });
});
