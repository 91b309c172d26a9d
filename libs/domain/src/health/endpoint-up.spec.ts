import { endpointUp } from './endpoint-up';

describe('endpointUp', () => {
  it.each([
    ['HEALTHY', 1],
    ['DEGRADED', 1],
    ['UNHEALTHY', 0],
    ['UNKNOWN', undefined],
  ] as const)('%s is %p', (state, up) => {
    expect(endpointUp(state)).toBe(up);
  });
});
