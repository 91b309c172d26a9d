import { idcHealth } from './idc-health';
import type { EndpointHealth, HealthReason, HealthState } from './types';

const POLICY = { degradedBelow: 0.8, unhealthyBelow: 0.5 };
const ep = (state: HealthState, capacity = 1, score = state === 'HEALTHY' ? 100 : 0, reason?: HealthReason) =>
  ({ state, capacity, score, reason }) satisfies EndpointHealth;

describe('idcHealth', () => {
  it.each<[string, EndpointHealth[], HealthState, HealthReason, number]>([
    ['all healthy', [ep('HEALTHY'), ep('HEALTHY')], 'HEALTHY', 'ok', 1],
    ['no endpoints', [], 'UNKNOWN', 'unknown', 0],
    ['all UNKNOWN', [ep('UNKNOWN'), ep('UNKNOWN')], 'UNKNOWN', 'unknown', 0],
    ['all UNKNOWN, stale', [ep('UNKNOWN', 1, 0, 'stale'), ep('UNKNOWN')], 'UNKNOWN', 'stale', 0],
    // Capacity weighting: one big endpoint down outweighs three small healthy ones.
    [
      'big one down',
      [ep('UNHEALTHY', 7), ep('HEALTHY'), ep('HEALTHY'), ep('HEALTHY')],
      'UNHEALTHY',
      'capacity',
      0.3,
    ],
    ['small one down', [ep('UNHEALTHY', 1), ep('HEALTHY', 9)], 'HEALTHY', 'ok', 0.9],
    // Boundaries: a ratio equal to a threshold is not below it.
    ['exactly degradedBelow', [ep('UNHEALTHY', 2), ep('HEALTHY', 8)], 'HEALTHY', 'ok', 0.8],
    ['just under degradedBelow', [ep('UNHEALTHY', 21), ep('HEALTHY', 79)], 'DEGRADED', 'capacity', 0.79],
    ['exactly unhealthyBelow', [ep('UNHEALTHY', 5), ep('HEALTHY', 5)], 'DEGRADED', 'capacity', 0.5],
    ['just under unhealthyBelow', [ep('UNHEALTHY', 51), ep('HEALTHY', 49)], 'UNHEALTHY', 'capacity', 0.49],
    ['all down', [ep('UNHEALTHY'), ep('UNHEALTHY')], 'UNHEALTHY', 'capacity', 0],
    // DEGRADED endpoints serve: healthy capacity, but the IDC is at most DEGRADED.
    ['a degraded endpoint', [ep('DEGRADED', 1, 80, 'path'), ep('HEALTHY')], 'DEGRADED', 'path', 1],
    ['a flapping endpoint', [ep('DEGRADED', 1, 80, 'flapping'), ep('HEALTHY')], 'DEGRADED', 'flapping', 1],
    ['degraded without reason', [ep('DEGRADED')], 'DEGRADED', 'path', 1],
    [
      'degraded and short of capacity',
      [ep('DEGRADED'), ep('UNHEALTHY', 1), ep('HEALTHY', 2)],
      'DEGRADED',
      'capacity',
      0.75,
    ],
    // UNKNOWN is not healthy capacity...
    [
      'one UNKNOWN of ten',
      [ep('UNKNOWN'), ...Array.from({ length: 9 }, () => ep('HEALTHY'))],
      'HEALTHY',
      'ok',
      0.9,
    ],
    // Missing data alone makes no state: the IDC is UNKNOWN until the known endpoints prove one...
    ['UNKNOWN pulls under degradedBelow', [ep('UNKNOWN'), ep('HEALTHY', 3)], 'UNKNOWN', 'unknown', 0.75],
    [
      'DEGRADED whatever the UNKNOWN one is',
      [ep('UNKNOWN'), ep('UNHEALTHY', 3), ep('HEALTHY', 7)],
      'DEGRADED',
      'capacity',
      7 / 11,
    ],
    // ...but an IDC is UNHEALTHY only when the known endpoints prove it.
    [
      'UNKNOWN pulls under unhealthyBelow',
      [ep('UNKNOWN', 1, 0, 'stale'), ep('UNKNOWN'), ep('HEALTHY')],
      'UNKNOWN',
      'stale',
      1 / 3,
    ],
    [
      'UNHEALTHY whatever the UNKNOWN one is',
      [ep('UNKNOWN'), ep('UNHEALTHY', 3)],
      'UNHEALTHY',
      'capacity',
      0,
    ],
    // Capacity not configured: every endpoint weighs 1.
    ['zero capacities', [ep('HEALTHY', 0), ep('UNHEALTHY', 0)], 'DEGRADED', 'capacity', 0.5],
  ])('%s: %s %s', (_label, endpoints, state, reason, ratio) => {
    const health = idcHealth(endpoints, POLICY);
    expect(health).toMatchObject({ state, reason });
    expect(health.healthyRatio).toBeCloseTo(ratio, 10);
  });

  // Flaky is not healthy, down is not damped (the issue-12 fleet: 4 endpoints, sha flaky then dead).
  const flaky = (successRatio: number): EndpointHealth => ({
    ...ep('DEGRADED', 1, 50, 'flapping'),
    flapping: true,
    successRatio,
  });
  const flakyDown: EndpointHealth = { ...ep('UNHEALTHY', 1, 50, 'down'), flapping: true, successRatio: 0.9 };
  it.each<[string, EndpointHealth[], HealthState, HealthReason, number]>([
    ['all flaky at 50%', [flaky(0.5), flaky(0.5), flaky(0.5), flaky(0.5)], 'DEGRADED', 'capacity', 0.5],
    ['all flaky at 40%', [flaky(0.4), flaky(0.4), flaky(0.4), flaky(0.4)], 'UNHEALTHY', 'capacity', 0.4],
    [
      'one flaky at 95%',
      [flaky(0.95), ep('HEALTHY'), ep('HEALTHY'), ep('HEALTHY')],
      'DEGRADED',
      'flapping',
      0.9875,
    ],
    ['flaky endpoints gone down', [flakyDown, flakyDown, flakyDown, flakyDown], 'UNHEALTHY', 'capacity', 0],
    [
      'noise without flapping changes nothing',
      [{ ...ep('HEALTHY'), successRatio: 0.95 }, ep('HEALTHY')],
      'HEALTHY',
      'ok',
      1,
    ],
  ])('%s: %s %s', (_label, endpoints, state, reason, ratio) => {
    const health = idcHealth(endpoints, POLICY);
    expect(health).toMatchObject({ state, reason });
    expect(health.healthyRatio).toBeCloseTo(ratio, 10);
  });

  it('reports capacities, a capacity-weighted score and counts by state', () => {
    const endpoints = [
      ep('HEALTHY', 6, 100),
      ep('DEGRADED', 2, 70, 'path'),
      ep('UNHEALTHY', 1, 10),
      ep('UNKNOWN', 1, 0),
    ];
    expect(idcHealth(endpoints, POLICY)).toEqual({
      state: 'DEGRADED',
      reason: 'path',
      healthyRatio: 0.8,
      healthyCapacity: 8,
      totalCapacity: 10,
      score: 75, // (600 + 140 + 10 + 0) / 10
      counts: { UNKNOWN: 1, HEALTHY: 1, DEGRADED: 1, UNHEALTHY: 1 },
    });
  });

  it('is all zeros without endpoints', () => {
    expect(idcHealth([], POLICY)).toEqual({
      state: 'UNKNOWN',
      reason: 'unknown',
      healthyRatio: 0,
      healthyCapacity: 0,
      totalCapacity: 0,
      score: 0,
      counts: { UNKNOWN: 0, HEALTHY: 0, DEGRADED: 0, UNHEALTHY: 0 },
    });
  });
});
