import { applyObservation, initialTrack } from './check-track';
import { mayChangeTrack, nextStreak, type ResultStreak } from './result-streak';
import type { CheckThresholds } from './types';

const T: CheckThresholds = { healthyThreshold: 2, unhealthyThreshold: 3, failOnStatus: true };

/** Every string of 's' / 'f' / 'x' (a status failure) up to `n` long. */
function patterns(n: number): string[] {
  const out = [''];
  for (let len = 1; len <= n; len++)
    for (const p of out.filter((x) => x.length === len - 1)) out.push(`${p}s`, `${p}f`, `${p}x`);
  return out.filter(Boolean);
}

describe('nextStreak', () => {
  it.each([
    [undefined, true, { ok: true, count: 1 }],
    [{ ok: true, count: 4 }, true, { ok: true, count: 5 }],
    [{ ok: true, count: 4 }, false, { ok: false, count: 1 }],
    [{ ok: false, count: 2 }, true, { ok: true, count: 1 }],
  ])('after %j, a result ok=%s gives %j', (previous, ok, next) => {
    expect(nextStreak(previous as ResultStreak | undefined, ok)).toEqual(next);
  });
});

describe('mayChangeTrack', () => {
  it('says yes for every result that moves the track, whatever came before (all patterns to 8)', () => {
    for (const pattern of patterns(8)) {
      let track = initialTrack();
      let streak: ResultStreak | undefined;
      [...pattern].forEach((c, i) => {
        const ok = c === 's';
        const next = applyObservation(
          track,
          { at: 1000 + i, ok, latencyMs: 1, ...(ok ? {} : { errorKind: c === 'x' ? 'status' : 'timeout' }) },
          T,
        );
        streak = nextStreak(streak, ok);
        if (next.state !== track.state)
          expect([pattern, i, mayChangeTrack(streak, T)]).toEqual([pattern, i, true]);
        track = next;
      });
    }
  });

  it.each([
    ['the steady state: the 3rd success in a row', { ok: true, count: 3 }, false],
    ['a long outage: the 4th failure in a row', { ok: false, count: 4 }, false],
    ['the failure that crosses unhealthyThreshold', { ok: false, count: 3 }, true],
    ['the first failure (failOnStatus may cross on it)', { ok: false, count: 1 }, true],
    ['the success that crosses healthyThreshold', { ok: true, count: 2 }, true],
  ])('%s: %j -> %s', (_name, streak, expected) => {
    expect(mayChangeTrack(streak, T)).toBe(expected);
  });
});
