import { apportion, normalise } from './normalise';
import { rollbackWeights } from './rollback';
import { sum } from './testing/fixtures';
import type { Weights } from './types';

describe('normalise', () => {
  it.each<[string, Weights, Weights]>([
    ['already percentages', { sha: 40, bjs: 40, szx: 20 }, { bjs: 40, sha: 40, szx: 20 }],
    ['relative shares', { sha: 2, bjs: 2, szx: 1 }, { bjs: 40, sha: 40, szx: 20 }],
    ['equal thirds: the extra unit to the first name', { c: 1, b: 1, a: 1 }, { a: 34, b: 33, c: 33 }],
    ['two thirds', { sha: 2, bjs: 1 }, { bjs: 33, sha: 67 }],
    ['sixths', { a: 1, b: 1, c: 1, d: 1, e: 1, f: 1 }, { a: 17, b: 17, c: 17, d: 17, e: 16, f: 16 }],
    ['largest remainder wins over name', { a: 1, b: 2, c: 4 }, { a: 14, b: 29, c: 57 }],
    ['a zero stays zero', { sha: 0, bjs: 3 }, { bjs: 100, sha: 0 }],
    ['negative and NaN count as 0', { a: -5, b: Number.NaN, c: 7 }, { a: 0, b: 0, c: 100 }],
    ['fractions', { a: 0.1, b: 0.2, c: 0.7 }, { a: 10, b: 20, c: 70 }],
  ])('%s', (_name, weights, expected) => {
    const result = normalise(weights);
    expect(result).toEqual(expected);
    expect(Object.keys(result)).toEqual(Object.keys(expected).sort());
    expect(sum(result)).toBe(100);
  });

  it.each<[Weights]>([
    [{ a: 1, b: 1, c: 1, d: 1, e: 1, f: 1, g: 1 }],
    [{ a: 0.3333, b: 0.3333, c: 0.3334 }],
    [{ a: 1e-9, b: 1e9 }],
    [{ a: 13, b: 17, c: 19, d: 23, e: 29, f: 31, g: 37, h: 41, i: 43 }],
  ])('sums to exactly 100: %j', (weights) => {
    const result = normalise(weights);
    expect(sum(result)).toBe(100);
    for (const v of Object.values(result)) expect(Number.isInteger(v)).toBe(true);
  });

  it('refuses all-zero weights', () => {
    expect(() => normalise({ a: 0, b: 0 })).toThrow(RangeError);
    expect(() => normalise({})).toThrow(RangeError);
  });
});

describe('apportion', () => {
  it.each<[number, Weights, Weights]>([
    [40, { bjs: 40, szx: 20 }, { bjs: 27, szx: 13 }],
    [36, { bjs: 24, szx: 12 }, { bjs: 24, szx: 12 }],
    [25, { bjs: 27, szx: 13 }, { bjs: 17, szx: 8 }],
    [0, { bjs: 1, szx: 1 }, { bjs: 0, szx: 0 }],
  ])('%i over %j', (total, shares, expected) => {
    expect(apportion(total, shares)).toEqual(expected);
  });
});

describe('rollbackWeights', () => {
  it('returns the weights from before, as a copy', () => {
    const before = { bjs: 40, sha: 40, szx: 20 };
    const restored = rollbackWeights(before);
    expect(restored).toEqual(before);
    expect(restored).not.toBe(before);
  });
});
