import { exportName, rangeBounds, rangeName } from './range';

describe('report ranges', () => {
  it.each([
    ['24h', '24h'],
    ['7d', '7d'],
    ['30d', '30d'],
    [null, '24h'],
    ['1y', '24h'],
    ['toString', '24h'],
  ])('range=%s reads as %s', (value, name) => {
    expect(rangeName(value)).toBe(name);
  });

  it('ends after the current minute and spans the preset', () => {
    const now = Date.UTC(2026, 11, 3, 10, 41, 25);
    expect(rangeBounds('7d', now)).toEqual({
      from: Date.UTC(2026, 10, 26, 10, 42),
      to: Date.UTC(2026, 11, 3, 10, 42),
    });
  });

  it('names an export after what, range and day', () => {
    expect(exportName('incidents', '7d', Date.UTC(2026, 11, 3, 10))).toBe(
      'vigil-incidents-7d-2026-12-03.csv',
    );
  });
});
