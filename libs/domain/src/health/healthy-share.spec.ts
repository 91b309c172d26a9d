import { healthyShare } from './healthy-share';
import type { EndpointHealth } from './types';

type Input = Pick<EndpointHealth, 'state' | 'flapping' | 'successRatio'>;

describe('healthyShare', () => {
  it.each<[string, Input, number]>([
    ['UNHEALTHY', { state: 'UNHEALTHY' }, 0],
    ['UNHEALTHY and flapping', { state: 'UNHEALTHY', flapping: true, successRatio: 0.9 }, 0],
    ['UNKNOWN', { state: 'UNKNOWN', successRatio: 1 }, 0],
    ['HEALTHY', { state: 'HEALTHY' }, 1],
    ['DEGRADED path', { state: 'DEGRADED' }, 1],
    ['not flapping: failures do not count', { state: 'HEALTHY', flapping: false, successRatio: 0.95 }, 1],
    ['flapping and up: its success ratio', { state: 'DEGRADED', flapping: true, successRatio: 0.5 }, 0.5],
    ['flapping, ratio unknown', { state: 'DEGRADED', flapping: true }, 1],
    ['ratio out of range', { state: 'DEGRADED', flapping: true, successRatio: 1.5 }, 1],
    ['ratio below 0', { state: 'DEGRADED', flapping: true, successRatio: -1 }, 0],
  ])('%s', (_label, e, share) => {
    expect(healthyShare(e)).toBe(share);
  });
});
