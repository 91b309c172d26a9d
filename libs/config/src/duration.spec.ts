import { formatDuration, isDuration, parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['0s', 0],
    ['500ms', 500],
    ['5s', 5_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['1m30s', 90_000],
    ['1h1m1s1ms', 3_661_001],
  ])('parses %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '5', 's', '5 s', '-5s', '1.5s', '5sec', '5S', 'abc', '5s '])('rejects %j', (text) => {
    expect(() => parseDuration(text)).toThrow(/invalid duration/);
    expect(isDuration(text)).toBe(false);
  });

  it('rejects a duration too large for a safe integer', () => {
    expect(() => parseDuration('99999999999999999999d')).toThrow(/too large/);
    expect(isDuration('99999999999999999999d')).toBe(false);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [500, '500ms'],
    [1_500, '1s500ms'],
    [5_000, '5s'],
    [90_000, '1m30s'],
    [3_600_000, '1h'],
    [90_061_001, '1d1h1m1s1ms'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([-1, 1.5, Number.NaN])('rejects %d', (ms) => {
    expect(() => formatDuration(ms)).toThrow();
  });
});
