import { admitRate } from './rate-limit';

const LIMIT = { max: 3, perMs: 1000 };

/** Sends at the given times; returns which were admitted and the final history. */
function run(times: number[], limit = LIMIT): { admitted: boolean[]; history: number[] } {
  let history: number[] = [];
  const admitted = times.map((now) => {
    const step = admitRate(history, now, limit);
    history = step.history;
    return step.admitted;
  });
  return { admitted, history };
}

describe('admitRate', () => {
  it.each<[string, number[], boolean[], number[], { max: number; perMs: number }?]>([
    ['under the limit', [0, 10, 20], [true, true, true], [0, 10, 20]],
    ['the fourth in the window is refused', [0, 10, 20, 30], [true, true, true, false], [0, 10, 20]],
    [
      'a slot frees when the oldest leaves the window',
      [0, 10, 20, 999, 1000],
      [true, true, true, false, true],
      [10, 20, 1000],
    ],
    [
      'a sliding window, not a fixed one',
      [0, 500, 900, 1100, 1400, 1500],
      [true, true, true, true, false, true],
      [900, 1100, 1500],
    ],
    [
      'refusals are not counted',
      [0, 1, 2, 3, 4, 5, 1001],
      [true, true, true, false, false, false, true],
      [2, 1001],
    ],
    ['a long pause empties the history', [0, 1, 2, 10_000], [true, true, true, true], [10_000]],
    ['max 1', [0, 1, 1000], [true, false, true], [1000], { max: 1, perMs: 1000 }],
    ['max 0 admits nothing', [0, 5000], [false, false], [], { max: 0, perMs: 1000 }],
  ])('%s', (_name, times, admitted, history, ...limit) => {
    expect(run(times, limit[0])).toEqual({ admitted, history });
  });

  it('keeps history bounded by max, whatever it is given', () => {
    const step = admitRate([1, 2, 3, 4, 5, 6, 7, 8], 9, { max: 3, perMs: 1000 });
    expect(step).toEqual({ admitted: false, history: [6, 7, 8] });
  });

  it('does not change the history it is given', () => {
    const history = Object.freeze([0, 10]);
    admitRate(history, 20, LIMIT);
    expect(history).toEqual([0, 10]);
  });
});
