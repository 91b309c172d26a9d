import { isRedisUnavailable, requireRedisReady } from './redis-unavailable';

describe('requireRedisReady', () => {
  it.each(['connecting', 'reconnecting', 'close', 'end', 'wait'])(
    'refuses at once while the connection is %s, as an outage (503)',
    (status) => {
      let thrown: unknown;
      try {
        requireRedisReady({ status });
      } catch (err) {
        thrown = err;
      }
      expect(isRedisUnavailable(thrown)).toBe(true);
      expect((thrown as Error).message).toBe(`Redis is ${status}`);
    },
  );

  it('lets a command through on a ready connection', () => {
    expect(() => requireRedisReady({ status: 'ready' })).not.toThrow();
  });
});

describe('isRedisUnavailable', () => {
  it.each([
    [new Error('Command timed out'), true],
    [new Error('Connection is closed.'), true],
    [Object.assign(new Error('x'), { name: 'MaxRetriesPerRequestError' }), true],
    [new Error('WRONGTYPE Operation against a key holding the wrong kind of value'), false],
    ['Command timed out', false],
  ])('%p is an outage: %p', (err, expected) => {
    expect(isRedisUnavailable(err)).toBe(expected);
  });
});
