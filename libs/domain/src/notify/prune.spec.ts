import { stepIncidents } from './incidents';
import { pruneIncidents } from './prune';
import type { Incident, IncidentBook, KnownEndpoints } from './types';

const incident = (over: Partial<Incident> & Pick<Incident, 'key' | 'event'>): Incident => ({
  id: `${over.key}/0`,
  service: 'live',
  idc: 'sha',
  severity: 'critical',
  state: 'UNHEALTHY',
  reason: 'capacity',
  openedAt: 0,
  sent: true,
  notifiedAt: 10_000,
  endpoints: [],
  reached: ['pd'],
  ...over,
});
const IDC = incident({ key: 'idc/live/sha', event: 'idc.state', endpoints: ['live.a', 'live.b'] });
const ENDPOINTS = incident({
  key: 'endpoints/live/sha',
  event: 'endpoint.state',
  severity: 'warning',
  endpoints: ['live.a', 'live.b'],
});
const VANTAGE = incident({
  key: 'vantage/v9',
  event: 'vantage.suspect',
  service: undefined,
  idc: undefined,
  vantage: 'v9',
});
const TRAFFIC = incident({
  key: 'traffic/live',
  event: 'traffic.drift',
  idc: undefined,
  severity: 'warning',
  state: 'drift',
  reason: 'sha 100 != 60',
});
const book = (...incidents: Incident[]): IncidentBook => ({
  incidents: Object.fromEntries(incidents.map((i) => [i.key, i])),
});
const known = (...endpoints: Array<[string, string, string]>): KnownEndpoints =>
  new Map(endpoints.map(([id, service, idc]) => [id, { service, idc }]));
const BOTH = known(['live.a', 'live', 'sha'], ['live.b', 'live', 'sha']);

describe('pruneIncidents', () => {
  it.each<[string, IncidentBook, KnownEndpoints, string[], string[]]>([
    [
      'everything still configured: kept, nothing sent',
      book(IDC, ENDPOINTS, VANTAGE),
      BOTH,
      ['endpoints/live/sha', 'idc/live/sha', 'vantage/v9'],
      [],
    ],
    [
      'the service removed: its sent incidents resolved, the vantage kept',
      book(IDC, ENDPOINTS, VANTAGE),
      known(['other.a', 'other', 'sha']),
      ['vantage/v9'],
      [
        'resolve idc/live/sha/0 [pd] live in sha is no longer in the config',
        'resolve endpoints/live/sha/0 [pd] endpoints of live in sha are no longer in the config',
      ],
    ],
    [
      'the IDC removed (the service stays elsewhere)',
      book(IDC),
      known(['live.c', 'live', 'bjs']),
      [],
      ['resolve idc/live/sha/0 [pd] live in sha is no longer in the config'],
    ],
    [
      'a traffic drift of a service still configured (in another IDC): kept',
      book(TRAFFIC),
      known(['live.c', 'live', 'bjs']),
      ['traffic/live'],
      [],
    ],
    [
      'a traffic drift of a service removed: resolved',
      book(TRAFFIC, VANTAGE),
      known(['other.a', 'other', 'sha']),
      ['vantage/v9'],
      ['resolve traffic/live/0 [pd] service live is no longer in the config'],
    ],
    [
      'a traffic drift never sent, of a service removed: dropped without a word',
      book({ ...TRAFFIC, sent: false, reached: undefined }),
      known(),
      [],
      [],
    ],
    [
      'an incident never sent is dropped without a word',
      book({ ...IDC, sent: false, reached: undefined }),
      known(),
      [],
      [],
    ],
    [
      'one endpoint removed: it leaves the incident, which stays open',
      book(ENDPOINTS),
      known(['live.a', 'live', 'sha'], ['live.c', 'live', 'sha']),
      ['endpoints/live/sha'],
      [],
    ],
    [
      'every endpoint of the incident removed or moved to another IDC: resolved',
      book(ENDPOINTS),
      known(['live.a', 'live', 'bjs'], ['live.c', 'live', 'sha']),
      [],
      ['resolve endpoints/live/sha/0 [pd] endpoints of live in sha are no longer in the config'],
    ],
  ])('%s', (_name, before, config, kept, sent) => {
    const out = pruneIncidents(before, config, 99_000);
    expect(Object.keys(out.book.incidents).sort()).toEqual(kept);
    expect(
      out.notices.map(
        (n) =>
          `${n.phase} ${n.incidentKey} [${n.reached?.join()}] ${n.title.replace(/^resolved: | \(.*$/g, '')}`,
      ),
    ).toEqual(sent);
  });

  it('a removal resolve says why, keeps the severity sent, and has the same id on a replay', () => {
    const config = known();
    const first = pruneIncidents(
      book({ ...IDC, sentSeverity: 'critical', severity: 'warning' }),
      config,
      99_000,
    );
    const replay = pruneIncidents(
      book({ ...IDC, sentSeverity: 'critical', severity: 'warning' }),
      config,
      120_000,
    );
    expect(first.notices[0]).toMatchObject({
      id: 'idc/live/sha/0:resolve:removed',
      phase: 'resolve',
      severity: 'critical',
      details: { state: 'REMOVED', reason: 'removed from config' },
    });
    expect(first.notices[0].text).toContain('removed from config');
    expect(replay.notices.map((n) => n.id)).toEqual(first.notices.map((n) => n.id));
  });

  it('the endpoints dropped leave the IDC incident too at the next step; the arguments are not changed', () => {
    const before = book(IDC, ENDPOINTS);
    const snapshot = JSON.stringify(before);
    const pruned = pruneIncidents(before, known(['live.a', 'live', 'sha']), 99_000);
    expect(JSON.stringify(before)).toBe(snapshot);
    expect(pruned.book.incidents['endpoints/live/sha'].endpoints).toEqual(['live.a']);
    const next = stepIncidents(pruned.book, [], 99_000, { groupWaitMs: 10_000 });
    expect(next.book.incidents['idc/live/sha'].endpoints).toEqual(['live.a']);
  });

  it('a traffic drift resolved as removed says so, without claiming the weights agree', () => {
    const [notice] = pruneIncidents(book(TRAFFIC), known(), 99_000).notices;
    expect(notice).toMatchObject({
      id: 'traffic/live/0:resolve:removed',
      event: 'traffic.drift',
      labels: { event: 'traffic.drift', severity: 'warning', service: 'live' },
      details: { state: 'REMOVED', reason: 'removed from config', service: 'live' },
    });
    expect(notice.text).toContain('service live is no longer in the config (reason: removed from config).');
    expect(notice.text).not.toContain('Vigil applied');
  });
});
