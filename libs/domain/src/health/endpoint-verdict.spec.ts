import { endpointVerdict, isStale } from './endpoint-verdict';
import type { HealthReason, HealthState, VantageView } from './types';

const NOW = 1_000_000;
const INTERVAL = 10_000;
const view = (vantage: string, state: VantageView['state'], age = 0): VantageView => ({
  vantage,
  state,
  lastAt: NOW - age,
  intervalMs: INTERVAL,
});
const ALL = new Set(['a', 'b', 'c', 'd']);
const NONE = new Set<string>();

/** Views of vantages a, b, c from a pattern: U = UP, D = DOWN, ? = UNKNOWN. */
const views = (pattern: string): VantageView[] =>
  [...pattern].map((c, i) => view('abcd'[i], c === 'U' ? 'UP' : c === 'D' ? 'DOWN' : 'UNKNOWN'));

describe('endpointVerdict', () => {
  it.each<[string, number | undefined, HealthState, HealthReason]>([
    ['UUU', undefined, 'HEALTHY', 'ok'],
    ['DUU', undefined, 'DEGRADED', 'path'],
    ['DDU', undefined, 'UNHEALTHY', 'down'],
    ['DDD', undefined, 'UNHEALTHY', 'down'],
    ['D??', undefined, 'DEGRADED', 'path'],
    ['UU?', undefined, 'HEALTHY', 'ok'],
    ['U??', undefined, 'UNKNOWN', 'unknown'],
    ['???', undefined, 'UNKNOWN', 'unknown'],
    ['DUU', 1, 'UNHEALTHY', 'down'],
    ['U??', 1, 'HEALTHY', 'ok'],
    ['DDU', 3, 'DEGRADED', 'path'],
    ['DDD', 3, 'UNHEALTHY', 'down'],
    ['UU?', 3, 'UNKNOWN', 'unknown'],
    ['DDD', 5, 'UNHEALTHY', 'down'], // capped to 3
    ['DU', 5, 'DEGRADED', 'path'], // capped to 2
    ['D', undefined, 'UNHEALTHY', 'down'],
    ['DU', undefined, 'DEGRADED', 'path'], // majority of 2 is 2
    ['DDUU', undefined, 'DEGRADED', 'path'], // majority of 4 is 3
    ['DDDU', undefined, 'UNHEALTHY', 'down'],
    ['DUU', 0, 'UNHEALTHY', 'down'], // quorum below 1 counts as 1
  ])('%s with quorum %s: %s %s', (pattern, quorum, state, reason) => {
    expect(endpointVerdict(views(pattern), { now: NOW, live: ALL, suspect: NONE, quorum })).toMatchObject({
      state,
      reason,
    });
  });

  it('lists the counting vantages that see it down and up, sorted', () => {
    const v = [view('c', 'DOWN'), view('a', 'UP'), view('b', 'DOWN'), view('d', 'UNKNOWN')];
    expect(endpointVerdict(v, { now: NOW, live: ALL, suspect: new Set(['b']) })).toEqual({
      state: 'DEGRADED',
      reason: 'path',
      downFrom: ['c'],
      upFrom: ['a'],
    });
  });

  it.each<[string, Set<string>, Set<string>, HealthState]>([
    ['a suspect vantage does not vote', ALL, new Set(['a']), 'DEGRADED'],
    ['nor one without a live prober', new Set(['b', 'c']), NONE, 'DEGRADED'],
    ['the UP one suspect: 2 of 2 counting DOWN', ALL, new Set(['c']), 'UNHEALTHY'],
    ['both DOWN ones suspect: only the UP one counts', ALL, new Set(['a', 'b']), 'HEALTHY'],
  ])('%s', (_label, live, suspect, state) => {
    // a and b see it down, c up: a majority of 3, but only 2 of 3 count.
    const v = [view('a', 'DOWN'), view('b', 'DOWN'), view('c', 'UP')];
    expect(endpointVerdict(v, { now: NOW, live, suspect }).state).toBe(state);
  });

  it.each<[string, VantageView[], Set<string>, HealthReason]>([
    ['all views stale', [view('a', 'UP', 31_000), view('b', 'UP', 40_000)], ALL, 'stale'],
    ['only non-live vantages', [view('a', 'UP'), view('b', 'UP')], new Set(['c']), 'stale'],
    ['no views', [], ALL, 'unknown'],
    ['only suspect vantages', [view('d', 'UP')], ALL, 'unknown'],
  ])('%s: UNKNOWN %s, never HEALTHY', (_label, v, live, reason) => {
    expect(endpointVerdict(v, { now: NOW, live, suspect: new Set(['d']) })).toMatchObject({
      state: 'UNKNOWN',
      reason,
    });
  });

  it('ignores stale views: the fresh ones decide', () => {
    const v = [view('a', 'DOWN', 31_000), view('b', 'DOWN', 31_000), view('c', 'UP', 30_000)];
    expect(endpointVerdict(v, { now: NOW, live: ALL, suspect: NONE })).toMatchObject({
      state: 'HEALTHY',
      upFrom: ['c'],
    });
  });

  it('uses the newest view of a vantage listed twice', () => {
    const v = [view('a', 'DOWN', 5000), view('a', 'UP', 0), view('b', 'UP')];
    expect(endpointVerdict(v, { now: NOW, live: ALL, suspect: NONE }).state).toBe('HEALTHY');
  });
});

describe('isStale', () => {
  it.each([
    [30_000, false],
    [30_001, true],
  ])('age %d ms at a 10 s interval: %s', (age, stale) => {
    expect(isStale(view('a', 'UP', age), NOW)).toBe(stale);
  });
});
