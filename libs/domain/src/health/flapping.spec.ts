import { isFlapping, pruneTransitions, recordTransition } from './flapping';

const P = { maxTransitions: 3, windowMs: 60_000, holdMs: 120_000 };
const s = (...seconds: number[]) => seconds.map((x) => x * 1000);

describe('isFlapping', () => {
  it.each<[string, number[], number, boolean]>([
    ['no changes', [], 100, false],
    ['exactly maxTransitions in the window', s(0, 10, 20), 30, false],
    ['one more than maxTransitions', s(0, 10, 20, 30), 30, true],
    ['spread over more than the window', s(0, 20, 40, 60), 60, false], // (0, 60] holds 3
    ['just inside the window', s(1, 20, 40, 60), 60, true],
    ['any order', s(30, 0, 20, 10), 30, true],
    ['held while the hold lasts', s(0, 10, 20, 30), 149, true],
    ['over after holdMs without a change', s(0, 10, 20, 30), 150, false],
    ['a slow change after a burst does not extend the hold', s(0, 10, 20, 30, 140), 151, false],
    ['a burst continuing keeps it flapping', s(0, 10, 20, 30, 40, 50, 60, 70), 189, true],
    ['changes in the future are ignored', s(0, 10, 20, 30), 25, false],
  ])('%s', (_label, transitions, nowSeconds, flapping) => {
    expect(isFlapping(transitions, nowSeconds * 1000, P)).toBe(flapping);
  });
});

describe('pruneTransitions', () => {
  it('keeps changes newer than now - keepMs and future ones, sorted', () => {
    expect(pruneTransitions(s(300, 10, 100, 181, 180), 200_000, 20_000)).toEqual(s(181, 300));
  });

  it.each([100, 150, 181, 200, 250, 300])('does not change isFlapping at %d s', (nowSeconds) => {
    const now = nowSeconds * 1000;
    const history = s(0, 5, 10, 15, 60, 61, 62, 63, 120, 170, 180, 190, 200, 205, 260);
    const pruned = pruneTransitions(history, now, P.windowMs + P.holdMs);
    expect(isFlapping(pruned, now, P)).toBe(isFlapping(history, now, P));
  });
});

describe('recordTransition', () => {
  it('adds a change, and lets one within a second replace the last (a step on the way)', () => {
    expect(recordTransition([1_000], 5_000, 60_000)).toEqual([1_000, 5_000]);
    expect(recordTransition([1_000, 5_000], 5_020, 60_000)).toEqual([1_000, 5_020]);
    expect(recordTransition([], 5_000, 60_000)).toEqual([5_000]);
    expect(recordTransition([1_000], 70_000, 60_000)).toEqual([70_000]);
  });
});
