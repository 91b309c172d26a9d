import { trackOutages } from './outages';
import type { HealthState } from './types';

const H = 3_600_000;
const NOW = 10 * H;

describe('trackOutages', () => {
  it.each<[string, number[], HealthState, HealthState, number[]]>([
    ['HEALTHY to UNHEALTHY', [], 'HEALTHY', 'UNHEALTHY', [NOW]],
    ['DEGRADED to UNHEALTHY', [NOW - 10], 'DEGRADED', 'UNHEALTHY', [NOW - 10, NOW]],
    ['UNKNOWN to UNHEALTHY', [], 'UNKNOWN', 'UNHEALTHY', [NOW]],
    ['staying UNHEALTHY', [NOW - 10], 'UNHEALTHY', 'UNHEALTHY', [NOW - 10]],
    ['UNHEALTHY to HEALTHY', [NOW - 10], 'UNHEALTHY', 'HEALTHY', [NOW - 10]],
    ['HEALTHY to DEGRADED', [], 'HEALTHY', 'DEGRADED', []],
    [
      'older than the window: pruned',
      [NOW - H - 1, NOW - H, NOW - H + 1],
      'HEALTHY',
      'HEALTHY',
      [NOW - H + 1],
    ],
    ['pruned, then the new one', [NOW - 2 * H, NOW - 60_000], 'HEALTHY', 'UNHEALTHY', [NOW - 60_000, NOW]],
    ['sorted, a future one kept', [NOW + 5, NOW - 5], 'UNHEALTHY', 'UNHEALTHY', [NOW - 5, NOW + 5]],
  ])('%s', (_label, outages, before, after, expected) => {
    expect(trackOutages(outages, before, after, NOW, H)).toEqual(expected);
  });

  it('does not change its input', () => {
    const outages = [NOW - 2 * H];
    trackOutages(outages, 'HEALTHY', 'UNHEALTHY', NOW, H);
    expect(outages).toEqual([NOW - 2 * H]);
  });
});
