import { formatCapacity, formatDuration, formatRatio, formatWeights } from './format';

describe('console formatting', () => {
  it.each([
    [null, '—'],
    [850, '850 ms'],
    [42_000, '42 s'],
    [185_000, '3 m 5 s'],
    [180_000, '3 m'],
    [7_800_000, '2 h 10 m'],
    [273_600_000, '3 d 4 h'],
  ])('duration %p is %p', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('ratios, capacities and weights', () => {
    expect(formatRatio(0.975)).toBe('97.5%');
    expect(formatRatio(undefined)).toBe('—');
    expect(formatCapacity(2.3333)).toBe('2.33');
    expect(formatWeights({ sha: 75, bjs: 25 })).toBe('sha 75 · bjs 25');
    expect(formatWeights({})).toBe('—');
  });
});
