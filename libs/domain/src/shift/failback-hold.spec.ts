import { failbackHold } from './failback-hold';
import { NOW } from './testing/fixtures';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const policy = (recoveryHold: number, maxHold = H, window = H) => ({
  recoveryHold,
  failbackBackoff: { window, maxHold },
});
/** Outages `ago` ms before NOW, oldest first. */
const at = (...ago: number[]) => ago.map((a) => NOW - a);

describe('failbackHold', () => {
  it.each<[string, ReturnType<typeof policy>, number[] | undefined, number, number, string]>([
    [
      'no outage known (older snapshot)',
      policy(10 * S),
      undefined,
      10 * S,
      1,
      'recoveryHold: no earlier outage within 1h',
    ],
    ['no outage in the list', policy(10 * S), [], 10 * S, 1, 'recoveryHold: no earlier outage within 1h'],
    [
      'the current outage only',
      policy(10 * S),
      at(2 * M),
      10 * S,
      1,
      'recoveryHold: no earlier outage within 1h',
    ],
    [
      '2nd outage',
      policy(10 * S),
      at(20 * M, 2 * M),
      20 * S,
      2,
      'recoveryHold 10s × 2^1: 2nd outage within 1h',
    ],
    [
      '3rd outage',
      policy(10 * S),
      at(30 * M, 20 * M, 2 * M),
      40 * S,
      3,
      'recoveryHold 10s × 2^2: 3rd outage within 1h',
    ],
    // Exactly the window ago still counts; a millisecond more does not.
    [
      'an outage exactly a window ago',
      policy(10 * S),
      at(H, 2 * M),
      20 * S,
      2,
      'recoveryHold 10s × 2^1: 2nd outage within 1h',
    ],
    [
      'an outage just out of the window',
      policy(10 * S),
      at(H + 1, 2 * M),
      10 * S,
      1,
      'recoveryHold: no earlier outage within 1h',
    ],
    // The current outage began longer ago than the window: it still counts as one.
    ['a long outage', policy(10 * S), at(2 * H), 10 * S, 1, 'recoveryHold: no earlier outage within 1h'],
    // 5m × 2^3 = 40m, under the 1h cap; 5m × 2^4 = 80m is capped.
    [
      '4th outage, 5m hold',
      policy(5 * M),
      at(40 * M, 30 * M, 20 * M, 1 * M),
      40 * M,
      4,
      'recoveryHold 5m × 2^3: 4th outage within 1h',
    ],
    [
      '5th outage capped at maxHold',
      policy(5 * M),
      at(50 * M, 40 * M, 30 * M, 20 * M, 1 * M),
      H,
      5,
      'recoveryHold 5m × 2^4 capped at maxHold 1h: 5th outage within 1h',
    ],
    [
      'exactly maxHold is not capped',
      policy(15 * M),
      at(50 * M, 40 * M, 1 * M),
      H,
      3,
      'recoveryHold 15m × 2^2: 3rd outage within 1h',
    ],
    [
      'a thousand outages',
      policy(10 * S, 30 * M),
      Array.from({ length: 1000 }, (_, i) => NOW - 1000 + i),
      30 * M,
      1000,
      'recoveryHold 10s × 2^999 capped at maxHold 30m: 1000th outage within 1h',
    ],
    // maxHold below recoveryHold: never below recoveryHold, and no backoff.
    [
      'maxHold below recoveryHold',
      policy(10 * M, 5 * M),
      at(20 * M, 2 * M),
      10 * M,
      2,
      'recoveryHold, not backed off (maxHold 5m is not above it): 2nd outage within 1h',
    ],
    [
      'a shorter window',
      policy(10 * S, H, 10 * M),
      at(30 * M, 5 * M, 1 * M),
      20 * S,
      2,
      'recoveryHold 10s × 2^1: 2nd outage within 10m',
    ],
  ])('%s', (_name, p, outages, holdMs, n, explanation) => {
    expect(failbackHold(p, outages, NOW)).toEqual({ holdMs, outages: n, explanation });
  });

  it.each<[number, string]>([
    [2, '2nd'],
    [3, '3rd'],
    [4, '4th'],
    [11, '11th'],
    [12, '12th'],
    [13, '13th'],
    [21, '21st'],
    [22, '22nd'],
    [101, '101st'],
    [111, '111th'],
  ])('names outage number %i the %s', (n, word) => {
    const outages = Array.from({ length: n }, (_, i) => NOW - i);
    expect(failbackHold(policy(S, 10 * H), outages, NOW).explanation).toContain(`: ${word} outage`);
  });
});
