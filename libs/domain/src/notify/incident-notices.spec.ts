import { listEndpoints } from './incident-notices';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `live-edge.e${i + 1}`);

describe('listEndpoints', () => {
  it.each<[string, string[], string | undefined, string]>([
    ['none', [], 'live-edge', ''],
    ['one, prefix dropped', ['live-edge.api'], 'live-edge', 'api'],
    ['another service keeps its prefix', ['other.api'], 'live-edge', 'other.api'],
    ['no service: ids as they are', ['live-edge.api'], undefined, 'live-edge.api'],
    ['exactly ten', ids(10), 'live-edge', 'e1, e2, e3, e4, e5, e6, e7, e8, e9, e10'],
    ['eleven', ids(11), 'live-edge', 'e1, e2, e3, e4, e5, e6, e7, e8, e9, e10 +1 more'],
    ['fifty', ids(50), 'live-edge', 'e1, e2, e3, e4, e5, e6, e7, e8, e9, e10 +40 more'],
  ])('%s', (_name, list, service, expected) => {
    expect(listEndpoints(list, service)).toBe(expected);
  });
});
