import { applyObservation, initialTrack } from './check-track';
import type { CheckThresholds, CheckTrack, Observation } from './types';

const T: CheckThresholds = { healthyThreshold: 2, unhealthyThreshold: 3, failOnStatus: true };
const ok = (at: number): Observation => ({ at, ok: true, latencyMs: 10 });
const fail = (at: number, errorKind = 'timeout'): Observation => ({
  at,
  ok: false,
  latencyMs: 10,
  errorKind,
});

/** Applies results in order from `start`; 's' = success, 'f' = failure, 'x' = HTTP status failure. */
function run(pattern: string, thresholds = T, start: CheckTrack = initialTrack()): CheckTrack {
  return [...pattern].reduce(
    (track, c, i) =>
      applyObservation(
        track,
        c === 's' ? ok(1000 + i) : fail(1000 + i, c === 'x' ? 'status' : 'timeout'),
        thresholds,
      ),
    start,
  );
}

describe('initialTrack', () => {
  it('is UNKNOWN with nothing counted', () => {
    expect(initialTrack()).toEqual({ state: 'UNKNOWN', successes: 0, failures: 0, lastAt: 0, lastOk: false });
  });
});

describe('applyObservation', () => {
  it.each([
    ['', 'UNKNOWN'],
    ['s', 'UNKNOWN'],
    ['ss', 'UP'],
    ['f', 'UNKNOWN'],
    ['ff', 'UNKNOWN'],
    ['fff', 'DOWN'],
    ['ssff', 'UP'],
    ['ssfff', 'DOWN'],
    ['ssfffs', 'DOWN'],
    ['ssfffss', 'UP'],
    ['ssfsfsfsf', 'UP'], // flip-flop resets the failure counter
    ['fffsfsfsfs', 'DOWN'], // and the success counter
    ['sfsfsfsf', 'UNKNOWN'],
    ['ssx', 'DOWN'], // failOnStatus: an unexpected status is DOWN at once
    ['x', 'DOWN'],
    ['xs', 'DOWN'],
    ['xss', 'UP'],
  ])('%j ends %s (healthy 2, unhealthy 3)', (pattern, state) => {
    expect(run(pattern).state).toBe(state);
  });

  it.each([
    ['ssx', false, 'UP'],
    ['ssxxx', false, 'DOWN'],
    ['ssxx', true, 'DOWN'],
  ])('%j with failOnStatus=%s ends %s', (pattern, failOnStatus, state) => {
    expect(run(pattern, { ...T, failOnStatus }).state).toBe(state);
  });

  it.each([
    [{ healthyThreshold: 1, unhealthyThreshold: 1, failOnStatus: false }, 's', 'UP'],
    [{ healthyThreshold: 1, unhealthyThreshold: 1, failOnStatus: false }, 'sf', 'DOWN'],
    [{ healthyThreshold: 0, unhealthyThreshold: 0, failOnStatus: false }, 'f', 'DOWN'],
    [{ healthyThreshold: 5, unhealthyThreshold: 2, failOnStatus: false }, 'ffssss', 'DOWN'],
    [{ healthyThreshold: 5, unhealthyThreshold: 2, failOnStatus: false }, 'ffsssss', 'UP'],
  ])('thresholds %j: %j ends %s', (thresholds, pattern, state) => {
    expect(run(pattern, thresholds).state).toBe(state);
  });

  it('counts consecutive results and keeps the last error kind', () => {
    expect(run('ssff')).toEqual({
      state: 'UP',
      successes: 0,
      failures: 2,
      lastAt: 1003,
      lastOk: false,
      lastError: 'timeout',
    });
    expect(run('ssffs')).toMatchObject({ successes: 1, failures: 0, lastOk: true, lastError: 'timeout' });
    expect(applyObservation(initialTrack(), { at: 5, ok: false, latencyMs: 1 }, T).lastError).toBe('unknown');
  });

  it.each([
    ['older', 1002],
    ['same time (redelivered)', 1003],
  ])('ignores an observation with an %s timestamp', (_label, at) => {
    const track = run('ssff');
    expect(applyObservation(track, fail(at), T)).toBe(track);
    expect(applyObservation(track, ok(at), T)).toBe(track);
  });

  it('out-of-order results: a late failure does not break a fresh run of successes', () => {
    const up = run('ss');
    const late = [fail(900), fail(950), fail(999)].reduce((t, o) => applyObservation(t, o, T), up);
    expect(late).toBe(up);
  });

  it('accepts the first observation even at time 0', () => {
    expect(applyObservation(initialTrack(), fail(0, 'status'), T).state).toBe('DOWN');
  });

  it('does not change the track it is given', () => {
    const track = initialTrack();
    applyObservation(track, ok(1), T);
    expect(track).toEqual(initialTrack());
  });
});
