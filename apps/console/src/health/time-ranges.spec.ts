import { historyStep, parseRange, rangeMs } from './time-ranges';

describe('history ranges and steps', () => {
  it.each([
    ['1h', '1m', 61],
    ['24h', '5m', 289],
    ['7d', '1h', 169],
  ] as const)('%s asks for %s buckets (at most %d, ≤ 300)', (range, step, buckets) => {
    const span = rangeMs(range);
    const chosen = historyStep(span);
    expect(chosen.text).toBe(step);
    expect(Math.ceil(span / chosen.ms) + 1).toBe(buckets);
  });

  it('takes the largest step when even it is too fine', () => {
    expect(historyStep(10_000 * 24 * 3_600_000).text).toBe('1d');
  });

  it('takes 1m for short spans and honours a smaller bucket budget', () => {
    expect(historyStep(5 * 60_000).text).toBe('1m');
    expect(historyStep(3_600_000, 31).text).toBe('2m');
  });

  it('reads the range from the URL, 24 h by default', () => {
    expect(parseRange('7d')).toBe('7d');
    expect(parseRange(null)).toBe('24h');
    expect(parseRange('3y')).toBe('24h');
  });
});
