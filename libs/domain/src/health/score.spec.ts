import { endpointScore, type ScoreInput } from './score';

const BASE: ScoreInput = {
  successes: 100,
  total: 100,
  latencyP95Ms: 50,
  sloMs: 100,
  transitions: 0,
  windowMs: 300_000,
};
const score = (over: Partial<ScoreInput>) => endpointScore({ ...BASE, ...over });

describe('endpointScore', () => {
  it.each<[string, Partial<ScoreInput>, number, [number, number, number]]>([
    ['healthy, fast, stable', {}, 100, [1, 1, 1]],
    ['no SLO', { sloMs: undefined }, 100, [1, 1, 1]],
    ['no latency measured', { latencyP95Ms: undefined }, 100, [1, 1, 1]],
    ['p95 exactly at the SLO', { latencyP95Ms: 100 }, 100, [1, 1, 1]],
    ['p95 at 1.5x SLO', { latencyP95Ms: 150 }, 90, [1, 0.5, 1]],
    ['p95 at 2x SLO', { latencyP95Ms: 200 }, 80, [1, 0, 1]],
    ['p95 at 10x SLO', { latencyP95Ms: 1000 }, 80, [1, 0, 1]],
    ['90% available', { successes: 90 }, 81, [0.9, 1, 1]],
    ['50% available', { successes: 50 }, 25, [0.5, 1, 1]],
    ['nothing succeeds', { successes: 0 }, 0, [0, 1, 1]],
    ['no samples', { successes: 0, total: 0 }, 0, [0, 1, 1]],
    ['5 transitions', { transitions: 5 }, 90, [1, 1, 0.5]],
    ['10 transitions', { transitions: 10 }, 80, [1, 1, 0]],
    ['20 transitions', { transitions: 20 }, 80, [1, 1, 0]],
    ['slow and flapping', { latencyP95Ms: 300, transitions: 12 }, 64, [1, 0, 0]],
    [
      '95%, 1.5x SLO, 2 transitions',
      { successes: 95, latencyP95Ms: 150, transitions: 2 },
      78,
      [0.95, 0.5, 0.8],
    ],
  ])('%s: %j scores %d', (_label, over, expected, [availability, latency, stability]) => {
    const result = score(over);
    expect(result.score).toBe(expected);
    expect(result.components.availability).toBeCloseTo(availability, 10);
    expect(result.components.latency).toBeCloseTo(latency, 10);
    expect(result.components.stability).toBeCloseTo(stability, 10);
  });

  it.each([0, 0.1, 0.3, 0.5, 0.9])(
    'punishes unavailability hardest: a drop of %d costs most in availability',
    (d) => {
      const viaAvailability = 100 - score({ successes: Math.round(100 * (1 - d)) }).score;
      const viaLatency = 100 - score({ latencyP95Ms: 100 * (1 + d) }).score;
      const viaStability = 100 - score({ transitions: 10 * d }).score;
      expect(viaAvailability).toBeGreaterThanOrEqual(viaLatency);
      expect(viaAvailability).toBeGreaterThanOrEqual(viaStability);
      // Only availability can take an endpoint to 0; the others cost at most 20 each.
      expect(score({ successes: 0 }).score).toBe(0);
      expect(score({ latencyP95Ms: 1e9, transitions: 1e9 }).score).toBe(64);
    },
  );

  it.each<[string, (i: number) => Partial<ScoreInput>]>([
    ['availability', (i) => ({ successes: i })],
    ['latency (p95 falling)', (i) => ({ latencyP95Ms: 250 - 2 * i })],
    ['stability (transitions falling)', (i) => ({ transitions: (100 - i) / 5 })],
  ])('is monotone in %s', (_label, step) => {
    for (const base of [BASE, { ...BASE, successes: 70, latencyP95Ms: 160, transitions: 4 }]) {
      let previous = -1;
      for (let i = 0; i <= 100; i++) {
        const current = endpointScore({ ...base, ...step(i) }).score;
        expect(current).toBeGreaterThanOrEqual(previous);
        previous = current;
      }
    }
  });

  it('stays in 0-100 on odd input', () => {
    expect(score({ successes: 150 }).score).toBe(100);
    expect(score({ successes: -5 }).score).toBe(0);
    expect(score({ transitions: -3 }).components.stability).toBe(1);
    expect(score({ sloMs: 0, latencyP95Ms: 5000 }).components.latency).toBe(1);
  });
});
