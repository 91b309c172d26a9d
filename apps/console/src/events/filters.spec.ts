import {
  eventKey,
  normalizeLiveEvent,
  filtersFromQuery,
  filtersToQuery,
  isoToLocalInput,
  localInputToIso,
  matchesFilters,
  prependEvents,
} from './filters';

const event = {
  kind: 'endpoint',
  at: '2026-12-03T10:00:00.000Z',
  service: 'live',
  idc: 'sha',
  endpoint: 'live.sha-edge-1',
};

describe('timeline filters', () => {
  it('round-trips through the URL query, dropping blanks and unknown kinds', () => {
    const filters = filtersFromQuery(
      new URLSearchParams('kind=idc&service=live&idc=&endpoint=%20&from=2026-12-03T00:00:00.000Z'),
    );
    expect(filters).toEqual({ kind: 'idc', service: 'live', from: '2026-12-03T00:00:00.000Z' });
    expect(filtersToQuery(filters).toString()).toBe(
      'kind=idc&service=live&from=2026-12-03T00%3A00%3A00.000Z',
    );
    expect(filtersFromQuery(new URLSearchParams('kind=bogus'))).toEqual({});
  });

  it('matches an event on every filter set', () => {
    expect(matchesFilters(event, {})).toBe(true);
    expect(
      matchesFilters(event, { kind: 'endpoint', service: 'live', idc: 'sha', endpoint: 'live.sha-edge-1' }),
    ).toBe(true);
    expect(matchesFilters(event, { kind: 'idc' })).toBe(false);
    expect(matchesFilters(event, { service: 'other' })).toBe(false);
    expect(matchesFilters(event, { idc: 'bjs' })).toBe(false);
    expect(matchesFilters(event, { endpoint: 'live.sha-edge-2' })).toBe(false);
    expect(matchesFilters({ ...event, service: null }, { service: 'live' })).toBe(false);
  });

  it('keeps `from` inclusive and `to` exclusive, like the API', () => {
    expect(matchesFilters(event, { from: '2026-12-03T10:00:00.000Z' })).toBe(true);
    expect(matchesFilters(event, { from: '2026-12-03T10:00:01.000Z' })).toBe(false);
    expect(matchesFilters(event, { to: '2026-12-03T10:00:00.000Z' })).toBe(false);
    expect(matchesFilters(event, { to: '2026-12-03T10:00:00.001Z' })).toBe(true);
  });

  it('converts between datetime-local values and ISO times', () => {
    const iso = localInputToIso('2026-12-03T09:30');
    expect(iso).toBe(new Date(2026, 11, 3, 9, 30).toISOString());
    expect(isoToLocalInput(iso)).toBe('2026-12-03T09:30');
    expect(isoToLocalInput(undefined)).toBe('');
    expect(isoToLocalInput('nope')).toBe('');
    expect(localInputToIso('')).toBeUndefined();
    expect(localInputToIso('garbage')).toBeUndefined();
  });

  it('prepends only new events, newest first, up to a cap', () => {
    const shown = [{ id: '2' }, { id: '1' }];
    expect(prependEvents([{ id: '3' }, { id: '2' }], shown)).toEqual([{ id: '3' }, { id: '2' }, { id: '1' }]);
    expect(prependEvents([{ id: '2' }], shown)).toBe(shown);
    expect(prependEvents([{ id: '4' }, { id: '4' }], shown, 2)).toEqual([{ id: '4' }, { id: '2' }]);
  });

  it('reads a live stream message (epoch ms, no id, subject fields left out) in the list’s shape', () => {
    const live = normalizeLiveEvent({
      kind: 'idc',
      at: 1796294647902,
      service: 'live',
      idc: 'szx',
      before: 'DEGRADED',
      after: 'UNHEALTHY',
      reason: 'capacity',
      details: { healthyRatio: 0 },
    });
    expect(live).toEqual({
      id: expect.stringMatching(/^live:/),
      kind: 'idc',
      at: new Date(1796294647902).toISOString(),
      service: 'live',
      idc: 'szx',
      endpoint: null,
      vantage: null,
      before: 'DEGRADED',
      after: 'UNHEALTHY',
      reason: 'capacity',
      details: { healthyRatio: 0 },
    });
    const listed = { ...live, id: '32', at: '2026-12-03T10:44:07.902Z', endpoint: null };
    expect(eventKey(listed)).toBe(eventKey({ ...live, at: Date.parse('2026-12-03T10:44:07.902Z') }));
    expect(
      matchesFilters({ ...event, at: 1796294647902 as unknown as string }, { from: '2026-12-03T00:00:00Z' }),
    ).toBe(true);
  });

  it('takes a traffic drift from the live stream (a service, no IDC) and filters it by kind', () => {
    const live = normalizeLiveEvent({
      kind: 'traffic',
      at: 1796294647902,
      service: 'live',
      before: 'in-sync',
      after: 'drift',
      reason: 'sha has 100, Vigil applied 60',
      details: { expected: { sha: 60 }, actual: { sha: 100 } },
    });
    expect(live).toMatchObject({
      kind: 'traffic',
      service: 'live',
      idc: null,
      endpoint: null,
      after: 'drift',
    });
    expect(filtersFromQuery(new URLSearchParams('kind=traffic'))).toEqual({ kind: 'traffic' });
    expect(matchesFilters(live, { kind: 'traffic', service: 'live' })).toBe(true);
    expect(matchesFilters(live, { kind: 'traffic', idc: 'sha' })).toBe(false);
  });
});
