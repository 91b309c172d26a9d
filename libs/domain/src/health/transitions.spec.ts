import { stateChange, type HealthEvent } from './transitions';
import type { HealthState } from './types';

describe('stateChange', () => {
  it.each<[HealthState | undefined, HealthState, boolean]>([
    [undefined, 'UNKNOWN', true],
    ['UNKNOWN', 'UNKNOWN', false],
    ['HEALTHY', 'HEALTHY', false],
    ['HEALTHY', 'DEGRADED', true],
    ['UNHEALTHY', 'HEALTHY', true],
  ])('%s -> %s: %s', (before, after, changed) => {
    expect(stateChange(before, after)).toBe(changed);
  });

  it('works for check states too, and builds events', () => {
    expect(stateChange<'UP' | 'DOWN'>('UP', 'DOWN')).toBe(true);
    const event: HealthEvent = {
      kind: 'endpoint',
      at: 1,
      service: 's',
      before: 'UP',
      after: 'DOWN',
      reason: 'down',
    };
    expect(event.kind).toBe('endpoint');
  });
});
