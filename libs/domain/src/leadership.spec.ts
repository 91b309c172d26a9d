import { LEADERLESS_GRACE_MS, leadership } from './leadership';

describe('leadership', () => {
  const ttl = 10_000;
  const limit = ttl + LEADERLESS_GRACE_MS;
  it.each([
    [
      'this process leads',
      { holder: 'me', at: 0 },
      true,
      60_000,
      { self: true, leaderlessSeconds: 0, ready: true },
    ],
    [
      'another was seen just now',
      { holder: 'b', at: 59_000 },
      false,
      60_000,
      { leaderlessSeconds: 1, ready: true },
    ],
    ['none seen for exactly TTL + grace', { holder: 'b', at: 0 }, false, limit, { ready: true }],
    [
      'none seen for longer',
      { holder: 'b', at: 0 },
      false,
      limit + 1,
      { leaderlessSeconds: 15, ready: false },
    ],
    [
      'none seen since the start, still in grace',
      { holder: null, at: 0 },
      false,
      3000,
      { leader: null, ready: true },
    ],
    [
      'none seen since the start, past it',
      { holder: null, at: 0 },
      false,
      20_000,
      { leader: null, ready: false },
    ],
    ['a clock that went back', { holder: 'b', at: 5000 }, false, 1000, { leaderlessSeconds: 0, ready: true }],
  ])('%s', (_name, sighting, self, now, expected) => {
    expect(leadership(sighting, self, now, ttl)).toMatchObject(expected);
  });
});
