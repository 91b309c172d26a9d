import { dampedState, type DampedState } from './damped-state';
import type { HealthReason, HealthState } from './types';

describe('dampedState', () => {
  it.each<[HealthState, HealthReason, boolean, DampedState]>([
    ['UNKNOWN', 'stale', true, { state: 'UNKNOWN', reason: 'stale', flapping: false }],
    ['UNKNOWN', 'unknown', false, { state: 'UNKNOWN', reason: 'unknown', flapping: false }],
    // Down is never damped.
    ['UNHEALTHY', 'down', true, { state: 'UNHEALTHY', reason: 'down', flapping: true }],
    ['UNHEALTHY', 'down', false, { state: 'UNHEALTHY', reason: 'down', flapping: false }],
    // Up but flapping: held out of HEALTHY.
    ['HEALTHY', 'ok', true, { state: 'DEGRADED', reason: 'flapping', flapping: true }],
    ['DEGRADED', 'path', true, { state: 'DEGRADED', reason: 'flapping', flapping: true }],
    ['HEALTHY', 'ok', false, { state: 'HEALTHY', reason: 'ok', flapping: false }],
    ['DEGRADED', 'path', false, { state: 'DEGRADED', reason: 'path', flapping: false }],
  ])('%s %s, flapping %s', (state, reason, flapping, expected) => {
    expect(dampedState({ state, reason }, flapping)).toEqual(expected);
  });
});
