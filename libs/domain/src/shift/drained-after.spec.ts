import { drainedAfter } from './drained-after';

describe('drainedAfter', () => {
  it.each<[string, 'drain' | 'undrain', string, string[], string[]]>([
    ['adds a drain to those in force, sorted', 'drain', 'b', ['c', 'a'], ['a', 'b', 'c']],
    ['is idempotent for a drained endpoint', 'drain', 'a', ['a'], ['a']],
    ['removes an undrained endpoint only', 'undrain', 'a', ['a', 'c'], ['c']],
    ['leaves the set alone when undraining one not drained', 'undrain', 'x', ['a'], ['a']],
  ])('%s', (_title, direction, endpoint, inDrain, expected) => {
    expect(drainedAfter(direction, endpoint, inDrain)).toEqual(expected);
  });
});
