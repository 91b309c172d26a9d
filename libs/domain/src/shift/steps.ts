/**
 * Turning a move (from the current weights to a target) into gradual steps.
 */
import { apportion } from './normalise';
import type { Weights } from './types';

/**
 * The weights after each step from `before` to `target` (both whole percentages summing to 100, with
 * the same keys). Each step moves at most `maxStep` percentage points: the IDCs that lose give
 * in proportion to what they still have to give, the ones that gain take in proportion to what they
 * still have to take (largest remainder each way). So every weight moves monotonically toward its
 * target (never overshoots, never goes back), each step sums to 100, and the last step is `target`.
 * `maxStep` is rounded down to a whole percent (at least 1) so a step never exceeds the policy.
 */
export function gradualSteps(before: Weights, target: Weights, maxStep: number): Weights[] {
  const step = Math.max(1, Math.floor(maxStep));
  const names = Object.keys(before);
  const current: Weights = { ...before };
  const steps: Weights[] = [];
  const toGive = () => Object.fromEntries(names.map((n) => [n, Math.max(0, current[n] - target[n])]));
  const toTake = () => Object.fromEntries(names.map((n) => [n, Math.max(0, target[n] - current[n])]));
  for (;;) {
    const give = toGive();
    const take = toTake();
    const remaining = names.reduce((sum, n) => sum + give[n], 0);
    if (remaining === 0) return steps;
    const amount = Math.min(step, remaining);
    const given = apportion(amount, give);
    const taken = apportion(amount, take);
    for (const n of names) current[n] += taken[n] - given[n];
    steps.push({ ...current });
  }
}
