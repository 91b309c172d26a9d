/**
 * Whole-percentage arithmetic. Traffic managers take integer weights, and integers keep sums exact
 * (0.1 + 0.2 !== 0.3), so every weight the planner emits is a whole percentage and they sum to 100.
 */
import type { Weights } from './types';

/** A share that is negative, NaN or infinite counts as 0 (same rule as idcHealth's capacities). */
function clean(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}

/**
 * Splits the whole number `total` into whole parts proportional to `shares` (largest remainder, or
 * Hamilton's method): each part is the floor of its quota, and the units left go to the largest
 * remainders, ties to the IDC name that sorts first. Deterministic, and the parts sum to `total`.
 * When `total` <= the sum of integer shares, no part exceeds its share, so shares can act as caps.
 * Every key of `shares` is in the result. All shares 0 (or none): throws.
 */
export function apportion(total: number, shares: Weights): Weights {
  const names = Object.keys(shares);
  const sum = names.reduce((acc, name) => acc + clean(shares[name]), 0);
  if (!(sum > 0)) throw new RangeError('cannot apportion: every share is 0');
  const parts: Weights = {};
  const remainders: Array<[string, number]> = [];
  let given = 0;
  for (const name of names) {
    // total * share and floor * sum are exact for integer inputs, so the remainder is too.
    const numerator = total * clean(shares[name]);
    const part = Math.floor(numerator / sum);
    parts[name] = part;
    given += part;
    remainders.push([name, numerator - part * sum]);
  }
  remainders.sort(([a, ra], [b, rb]) => rb - ra || (a < b ? -1 : a > b ? 1 : 0));
  for (let i = 0; given < total; i++, given++) parts[remainders[i % remainders.length][0]]++;
  return parts;
}

/**
 * Relative weights as whole percentages summing to exactly 100 (largest remainder rounding, ties to
 * the name that sorts first), keys sorted by name. Negative or non-finite weights count as 0.
 * Throws a RangeError when every weight is 0: there is no split to preserve.
 */
export function normalise(weights: Weights): Weights {
  const parts = apportion(100, weights);
  return Object.fromEntries(
    Object.keys(parts)
      .sort()
      .map((name) => [name, parts[name]]),
  );
}

/** A copy with keys sorted by name, missing names filled with 0: the shape of every emitted Weights. */
export function withKeys(weights: Weights, names: Iterable<string>): Weights {
  const all = new Set([...Object.keys(weights), ...names]);
  return Object.fromEntries([...all].sort().map((name) => [name, weights[name] ?? 0]));
}
