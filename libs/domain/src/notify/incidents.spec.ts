import type { HealthEvent } from '../health/transitions';
import { stepIncidents } from './incidents';
import type { IncidentBook, Notice, NotifyInput, NotifySettings } from './types';

const s = (seconds: number) => seconds * 1000;
const SETTINGS: NotifySettings = { groupWaitMs: s(10) };
const EMPTY: IncidentBook = { incidents: {} };

const health = (event: HealthEvent): NotifyInput => ({ kind: 'health', event });
/** An idc event of live-edge in sha (or `idc`) at `t` seconds. */
const idc = (t: number, before: string, after: string, ratio = 0.3, where = 'sha'): NotifyInput =>
  health({
    kind: 'idc',
    at: s(t),
    service: 'live-edge',
    idc: where,
    before,
    after,
    reason: after === 'HEALTHY' ? 'ok' : 'capacity',
    details: { healthyRatio: ratio },
  });
/** An endpoint event of live-edge.<name> in sha at `t` seconds. */
const ep = (t: number, name: string, after: string, before = after === 'HEALTHY' ? 'UNHEALTHY' : 'HEALTHY') =>
  health({
    kind: 'endpoint',
    at: s(t),
    service: 'live-edge',
    idc: 'sha',
    endpoint: `live-edge.${name}`,
    before,
    after,
    reason: after === 'HEALTHY' ? 'ok' : 'probes',
  });
const vantage = (t: number, name: string, after: 'OK' | 'SUSPECT') =>
  health({
    kind: 'vantage',
    at: s(t),
    vantage: name,
    before: after === 'OK' ? 'SUSPECT' : 'OK',
    after,
    reason: after === 'OK' ? 'back in line with the other vantages' : 'fails 30 of 40 probes',
  });
const many = (n: number, t: number, after: string) =>
  Array.from({ length: n }, (_, i) => ep(t, `api-${String(i + 1).padStart(2, '0')}`, after));

/** A step: `now` in seconds and the inputs heard since the last step. */
type Step = [number, NotifyInput[]];

/** Runs the steps from an empty book (through JSON, as Redis keeps it); returns every step's notices. */
function run(steps: Step[], settings = SETTINGS): { notices: Notice[][]; book: IncidentBook } {
  let book = EMPTY;
  const notices = steps.map(([now, inputs]) => {
    const step = stepIncidents(book, inputs, s(now), settings);
    book = JSON.parse(JSON.stringify(step.book)) as IncidentBook;
    return step.notices;
  });
  return { notices, book };
}

/** A notice in short: `phase event severity incidentKey @seconds`. */
const short = (n: Notice) => `${n.phase} ${n.event} ${n.severity} ${n.incidentKey} @${n.at / 1000}`;

describe('stepIncidents: storm control', () => {
  it.each<[string, Step[], string[][], NotifySettings?]>([
    [
      'a blip shorter than groupWait sends nothing',
      [
        [0, [idc(0, 'HEALTHY', 'UNHEALTHY')]],
        [5, [idc(5, 'UNHEALTHY', 'HEALTHY')]],
        [20, []],
      ],
      [[], [], []],
    ],
    [
      '50 endpoints and their IDC down together: exactly one notice, after groupWait; one resolve',
      [
        [0, [...many(50, 0, 'UNHEALTHY'), idc(0, 'HEALTHY', 'UNHEALTHY')]],
        [9.999, []],
        [10, []],
        [20, []],
        [30, [...many(50, 30, 'HEALTHY'), idc(30, 'UNHEALTHY', 'HEALTHY', 1)]],
        [60, []],
      ],
      [
        [],
        [],
        ['trigger idc.state critical idc/live-edge/sha/0 @10'],
        [],
        ['resolve idc.state critical idc/live-edge/sha/0 @30'],
        [],
      ],
    ],
    [
      'the IDC event may come before its endpoints',
      [
        [0, [idc(0, 'HEALTHY', 'UNHEALTHY'), ...many(5, 0, 'UNHEALTHY')]],
        [10, []],
      ],
      [[], ['trigger idc.state critical idc/live-edge/sha/0 @10']],
    ],
    [
      'an incident opened within groupWait of now waits; the group is sent whole',
      [
        [0, [ep(0, 'a', 'UNHEALTHY')]],
        [4, [ep(4, 'b', 'UNHEALTHY')]],
        [10, [ep(10, 'c', 'UNHEALTHY')]],
      ],
      [[], [], ['trigger endpoint.state warning endpoints/live-edge/sha/0 @10']],
    ],
    [
      'groupWait 0 sends at once',
      [[0, [idc(0, 'HEALTHY', 'DEGRADED')]]],
      [['trigger idc.state warning idc/live-edge/sha/0 @0']],
      { groupWaitMs: 0 },
    ],
    [
      'escalation after sent: a second trigger at once, same incidentKey; a flap back does not re-send',
      [
        [0, [idc(0, 'HEALTHY', 'DEGRADED', 0.7)]],
        [10, []],
        [20, [idc(20, 'DEGRADED', 'UNHEALTHY')]],
        [30, [idc(30, 'UNHEALTHY', 'DEGRADED', 0.7)]],
        [40, [idc(40, 'DEGRADED', 'UNHEALTHY')]],
        [50, [idc(50, 'UNHEALTHY', 'HEALTHY', 1)]],
      ],
      [
        [],
        ['trigger idc.state warning idc/live-edge/sha/0 @10'],
        ['trigger idc.state critical idc/live-edge/sha/0 @20'],
        [],
        [],
        ['resolve idc.state critical idc/live-edge/sha/0 @50'],
      ],
    ],
    [
      'escalation before sent: the one trigger has the worst severity',
      [
        [0, [idc(0, 'HEALTHY', 'DEGRADED')]],
        [5, [idc(5, 'DEGRADED', 'UNHEALTHY')]],
        [10, []],
      ],
      [[], [], ['trigger idc.state critical idc/live-edge/sha/0 @10']],
    ],
    [
      'an endpoint incident alone: one grouped notice, then its resolve when the last is back',
      [
        [0, [ep(0, 'a', 'UNHEALTHY'), ep(1, 'b', 'UNHEALTHY'), ep(2, 'c', 'UNHEALTHY')]],
        [10, []],
        [20, [ep(20, 'a', 'HEALTHY'), ep(21, 'b', 'DEGRADED')]],
        [30, [ep(30, 'c', 'UNKNOWN')]],
      ],
      [
        [],
        ['trigger endpoint.state warning endpoints/live-edge/sha/0 @10'],
        [],
        ['resolve endpoint.state warning endpoints/live-edge/sha/0 @30'],
      ],
    ],
    [
      'an endpoint incident back within groupWait sends nothing',
      [
        [0, [ep(0, 'a', 'UNHEALTHY'), ep(1, 'b', 'UNHEALTHY')]],
        [8, [ep(8, 'a', 'HEALTHY'), ep(9, 'b', 'HEALTHY')]],
        [30, []],
      ],
      [[], [], []],
    ],
    [
      'an endpoint that was never down changes nothing',
      [
        [0, [ep(0, 'a', 'DEGRADED'), ep(0, 'b', 'HEALTHY', 'UNKNOWN')]],
        [20, []],
      ],
      [[], []],
    ],
    [
      'endpoints sent before their IDC went down: both incidents notify and resolve',
      [
        [0, [ep(0, 'a', 'UNHEALTHY')]],
        [10, []],
        [20, [ep(20, 'b', 'UNHEALTHY'), idc(20, 'HEALTHY', 'UNHEALTHY')]],
        [30, []],
        [40, [ep(40, 'a', 'HEALTHY'), ep(40, 'b', 'HEALTHY'), idc(40, 'UNHEALTHY', 'HEALTHY', 1)]],
      ],
      [
        [],
        ['trigger endpoint.state warning endpoints/live-edge/sha/0 @10'],
        [],
        ['trigger idc.state critical idc/live-edge/sha/20000 @30'],
        [
          'resolve endpoint.state warning endpoints/live-edge/sha/0 @40',
          'resolve idc.state critical idc/live-edge/sha/20000 @40',
        ],
      ],
    ],
    [
      'the IDC recovers while endpoints stay down: they are sent after a new groupWait',
      [
        [0, [...many(3, 0, 'UNHEALTHY'), idc(0, 'HEALTHY', 'DEGRADED')]],
        [10, []],
        [20, [idc(20, 'DEGRADED', 'HEALTHY', 0.9)]],
        [29, []],
        [30, []],
        [40, [...many(3, 40, 'HEALTHY')]],
      ],
      [
        [],
        ['trigger idc.state warning idc/live-edge/sha/0 @10'],
        ['resolve idc.state warning idc/live-edge/sha/0 @20'],
        [],
        ['trigger endpoint.state warning endpoints/live-edge/sha/20000 @30'],
        ['resolve endpoint.state warning endpoints/live-edge/sha/20000 @40'],
      ],
    ],
    [
      'stragglers of a recovery that come back within groupWait send nothing',
      [
        [0, [...many(50, 0, 'UNHEALTHY'), idc(0, 'HEALTHY', 'UNHEALTHY')]],
        [10, []],
        [20, [...many(45, 20, 'HEALTHY'), idc(20, 'UNHEALTHY', 'HEALTHY', 0.9)]],
        [25, [...many(50, 25, 'HEALTHY')]],
        [60, []],
      ],
      [
        [],
        ['trigger idc.state critical idc/live-edge/sha/0 @10'],
        ['resolve idc.state critical idc/live-edge/sha/0 @20'],
        [],
        [],
      ],
    ],
    [
      "an IDC's first UNKNOWN is not news",
      [
        [0, [idc(0, 'UNKNOWN', 'UNKNOWN', 0), idc(0, '', 'UNKNOWN', 0, 'bjs')]],
        [20, []],
      ],
      [[], []],
    ],
    [
      'UNKNOWN after a known state is (warning); HEALTHY again resolves it',
      [
        [0, [idc(0, 'HEALTHY', 'UNKNOWN', 0)]],
        [10, []],
        [20, [idc(20, 'UNKNOWN', 'HEALTHY', 1)]],
      ],
      [
        [],
        ['trigger idc.state warning idc/live-edge/sha/0 @10'],
        ['resolve idc.state warning idc/live-edge/sha/0 @20'],
      ],
    ],
    [
      'UNHEALTHY then UNKNOWN keeps the incident open (no resolve until HEALTHY)',
      [
        [0, [idc(0, 'HEALTHY', 'UNHEALTHY')]],
        [10, []],
        [20, [idc(20, 'UNHEALTHY', 'UNKNOWN', 0)]],
        [30, [idc(30, 'UNKNOWN', 'HEALTHY', 1)]],
      ],
      [
        [],
        ['trigger idc.state critical idc/live-edge/sha/0 @10'],
        [],
        ['resolve idc.state critical idc/live-edge/sha/0 @30'],
      ],
    ],
    [
      'IDCs are separate incidents',
      [
        [0, [idc(0, 'HEALTHY', 'UNHEALTHY', 0, 'sha'), idc(2, 'HEALTHY', 'DEGRADED', 0.6, 'bjs')]],
        [12, []],
      ],
      [
        [],
        [
          'trigger idc.state warning idc/live-edge/bjs/2000 @12',
          'trigger idc.state critical idc/live-edge/sha/0 @12',
        ],
      ],
    ],
    [
      'a suspect vantage: trigger after groupWait, resolve when OK',
      [
        [0, [vantage(0, 'bjs', 'SUSPECT')]],
        [10, []],
        [20, [vantage(20, 'bjs', 'OK')]],
      ],
      [
        [],
        ['trigger vantage.suspect warning vantage/bjs/0 @10'],
        ['resolve vantage.suspect warning vantage/bjs/0 @20'],
      ],
    ],
    [
      'a suspect-vantage blip sends nothing',
      [
        [0, [vantage(0, 'bjs', 'SUSPECT')]],
        [3, [vantage(3, 'bjs', 'OK')]],
        [20, []],
      ],
      [[], [], []],
    ],
    [
      'reminders every remindEvery after the last notice',
      [
        [0, [idc(0, 'HEALTHY', 'UNHEALTHY')]],
        [10, []],
        [69, []],
        [70, []],
        [100, []],
        [130, []],
        [140, [idc(140, 'UNHEALTHY', 'HEALTHY', 1)]],
      ],
      [
        [],
        ['trigger idc.state critical idc/live-edge/sha/0 @10'],
        [],
        ['remind idc.state critical idc/live-edge/sha/0 @70'],
        [],
        ['remind idc.state critical idc/live-edge/sha/0 @130'],
        ['resolve idc.state critical idc/live-edge/sha/0 @140'],
      ],
      { groupWaitMs: s(10), remindEveryMs: s(60) },
    ],
    [
      'no reminders without remindEvery; folded endpoints are not reminded',
      [
        [0, [...many(2, 0, 'UNHEALTHY'), idc(0, 'HEALTHY', 'UNHEALTHY')]],
        [10, []],
        [1000, []],
      ],
      [[], ['trigger idc.state critical idc/live-edge/sha/0 @10'], []],
    ],
    // A rest parameter: Jest would pass its `done` callback to a 4th parameter missing from the row.
  ])('%s', (_name, steps, expected, ...settings) => {
    const { notices } = run(steps, settings[0]);
    expect(notices.map((step) => step.map(short))).toEqual(expected);
  });

  it('closes everything it opened: the book is empty after the storm', () => {
    const { book } = run([
      [0, [...many(50, 0, 'UNHEALTHY'), idc(0, 'HEALTHY', 'UNHEALTHY'), vantage(0, 'bjs', 'SUSPECT')]],
      [10, []],
      [30, [...many(50, 30, 'HEALTHY'), idc(30, 'UNHEALTHY', 'HEALTHY', 1), vantage(30, 'bjs', 'OK')]],
    ]);
    expect(book).toEqual({ incidents: {}, actions: {} });
  });
});

describe('stepIncidents: what notices say', () => {
  it('the storm notice: title, capacity, the first ten endpoints then +N more', () => {
    const { notices } = run([
      [0, [...many(50, 0, 'UNHEALTHY'), idc(0, 'HEALTHY', 'UNHEALTHY')]],
      [10, []],
    ]);
    const [notice] = notices[1];
    expect(notice).toMatchObject({
      id: 'idc/live-edge/sha/0:trigger:10000',
      incidentKey: 'idc/live-edge/sha/0',
      title: 'live-edge in sha is UNHEALTHY',
      labels: { event: 'idc.state', severity: 'critical', service: 'live-edge', idc: 'sha' },
      resolvable: true,
      at: s(10),
    });
    expect(notice.labels).not.toHaveProperty('endpoint');
    expect(notice.text).toContain('reason: capacity');
    expect(notice.text).toContain('Healthy capacity: 30%');
    expect(notice.text).toContain(
      'Down endpoints (50): api-01, api-02, api-03, api-04, api-05, api-06, api-07, api-08, api-09, api-10 +40 more',
    );
    expect(notice.details).toMatchObject({
      state: 'UNHEALTHY',
      reason: 'capacity',
      healthyRatio: 0.3,
      openedAt: '1970-01-01T00:00:00.000Z',
    });
    expect(notice.details.endpoints).toHaveLength(50);
  });

  it('a resolve carries the incidentKey, the severity sent and how long it was down', () => {
    const { notices } = run([
      [0, [idc(0, 'HEALTHY', 'UNHEALTHY')]],
      [10, []],
      [200, [idc(200, 'UNHEALTHY', 'DEGRADED', 0.7)]],
      [252, [idc(252, 'DEGRADED', 'HEALTHY', 1)]],
    ]);
    const [trigger] = notices[1];
    const [resolve] = notices[3];
    expect(resolve).toMatchObject({
      id: 'idc/live-edge/sha/0:resolve:252000',
      incidentKey: trigger.incidentKey,
      phase: 'resolve',
      severity: 'critical',
      title: 'resolved: live-edge in sha is HEALTHY again (down 4m 12s)',
      resolvable: true,
      details: { state: 'HEALTHY', healthyRatio: 1, durationMs: s(252) },
    });
  });

  it('an escalation at the same time as the first trigger still gets its own id', () => {
    const { notices } = run([
      [0, [idc(0, 'HEALTHY', 'DEGRADED', 0.7)]],
      [10, []],
      [11, [idc(10, 'DEGRADED', 'UNHEALTHY')]],
    ]);
    expect(notices[1].map((n) => n.id)).toEqual(['idc/live-edge/sha/0:trigger:10000']);
    expect(notices[2].map((n) => n.id)).toEqual(['idc/live-edge/sha/0:trigger:10001']);
  });

  it('an escalation says what got worse', () => {
    const { notices } = run([
      [0, [idc(0, 'HEALTHY', 'DEGRADED', 0.7)]],
      [10, []],
      [20, [idc(20, 'DEGRADED', 'UNHEALTHY', 0.2)]],
    ]);
    const [first] = notices[1];
    const [second] = notices[2];
    expect(second.incidentKey).toBe(first.incidentKey);
    expect(second.id).not.toBe(first.id);
    expect(second.title).toBe('live-edge in sha is UNHEALTHY');
    expect(second.text).toContain('DEGRADED -> UNHEALTHY (warning -> critical)');
    expect(second.text).toContain('Healthy capacity: 20%');
  });

  it.each<[string, string[], string, Record<string, string>]>([
    [
      'one endpoint',
      ['a'],
      'endpoint a of live-edge in sha is down',
      {
        event: 'endpoint.state',
        severity: 'warning',
        service: 'live-edge',
        idc: 'sha',
        endpoint: 'live-edge.a',
      },
    ],
    [
      'three endpoints',
      ['a', 'b', 'c'],
      '3 endpoints of live-edge in sha are down',
      { event: 'endpoint.state', severity: 'warning', service: 'live-edge', idc: 'sha' },
    ],
  ])('endpoint notice: %s', (_name, names, title, labels) => {
    const { notices } = run([
      [0, names.map((n) => ep(0, n, 'UNHEALTHY'))],
      [10, []],
    ]);
    const [notice] = notices[1];
    expect(notice.title).toBe(title);
    expect(notice.labels).toEqual(labels);
    expect(notice.text).toContain(`Down endpoints (${names.length}): ${names.join(', ')}`);
    expect(notice.details.endpoints).toEqual(names.map((n) => `live-edge.${n}`));
  });

  it('a vantage notice and its resolve', () => {
    const { notices } = run([
      [0, [vantage(0, 'bjs', 'SUSPECT')]],
      [10, []],
      [70, [vantage(70, 'bjs', 'OK')]],
    ]);
    const [trigger] = notices[1];
    const [resolve] = notices[2];
    expect(trigger.title).toBe('vantage bjs is suspect');
    expect(trigger.text).toContain('vantage bjs is suspect: fails 30 of 40 probes');
    expect(trigger.labels).toEqual({ event: 'vantage.suspect', severity: 'warning', vantage: 'bjs' });
    expect(resolve.title).toBe('resolved: vantage bjs is back in line (suspect for 1m 10s)');
  });

  it('a reminder says how long it has been open', () => {
    const { notices } = run(
      [
        [0, [idc(0, 'HEALTHY', 'DEGRADED', 0.7)]],
        [10, []],
        [310, []],
      ],
      { groupWaitMs: s(10), remindEveryMs: s(300) },
    );
    expect(notices[2][0]).toMatchObject({
      id: 'idc/live-edge/sha/0:remind:310000',
      phase: 'remind',
      title: 'reminder: live-edge in sha is DEGRADED (for 5m 10s)',
    });
  });
});

describe('stepIncidents: purity and replay', () => {
  const steps: Step[] = [
    [0, [...many(12, 0, 'UNHEALTHY'), idc(0, 'HEALTHY', 'DEGRADED'), vantage(0, 'bjs', 'SUSPECT')]],
    [10, [idc(8, 'DEGRADED', 'UNHEALTHY')]],
    [20, [idc(20, 'UNHEALTHY', 'DEGRADED')]],
    [30, [...many(12, 30, 'HEALTHY'), idc(30, 'DEGRADED', 'HEALTHY', 1), vantage(30, 'bjs', 'OK')]],
  ];

  it('a replay of the same inputs gives the same notices, ids included', () => {
    const first = run(steps).notices.flat();
    const second = run(steps).notices.flat();
    expect(first.length).toBeGreaterThan(0);
    expect(second).toEqual(first);
    expect(new Set(first.map((n) => n.id)).size).toBe(first.length);
  });

  it.each<[string, Step[], number[], NotifySettings]>([
    [
      'a trigger: its id is openedAt + groupWait, whenever the tick runs',
      [[0, [idc(0, 'HEALTHY', 'UNHEALTHY')]]],
      [10, 10.5, 13, 600],
      SETTINGS,
    ],
    [
      'a reminder: its id is the last notice + remindEvery, whenever the tick runs',
      [
        [0, [idc(0, 'HEALTHY', 'UNHEALTHY')]],
        [12, []],
      ],
      [72, 73, 130],
      { groupWaitMs: s(10), remindEveryMs: s(60) },
    ],
  ])('a retried or replayed tick gives the same ids: %s', (_name, steps, replays, settings) => {
    // The steps' notices were recorded but the book was not saved: the next tick starts from it again.
    const { book } = run(steps, settings);
    const ids = replays.map((now) => stepIncidents(book, [], s(now), settings).notices.map((n) => n.id));
    expect(ids[0]).toHaveLength(1);
    for (const replay of ids) expect(replay).toEqual(ids[0]);
  });

  it('the ids of late notices name when they fell due, their times when they were sent', () => {
    const { notices } = run(
      [
        [0, [idc(0, 'HEALTHY', 'UNHEALTHY')]],
        [13, []],
        [80, []],
      ],
      { groupWaitMs: s(10), remindEveryMs: s(60) },
    );
    expect(notices.flat().map((n) => [n.id, n.at])).toEqual([
      ['idc/live-edge/sha/0:trigger:10000', s(13)],
      ['idc/live-edge/sha/0:remind:73000', s(80)],
    ]);
  });

  it('does not change its arguments', () => {
    const deepFreeze = <T>(value: T): T => {
      if (typeof value === 'object' && value !== null) {
        Object.values(value).forEach(deepFreeze);
        Object.freeze(value);
      }
      return value;
    };
    let book: IncidentBook = EMPTY;
    for (const [now, inputs] of steps) {
      const frozenBook = deepFreeze(book);
      const snapshot = JSON.stringify(frozenBook);
      const step = stepIncidents(frozenBook, deepFreeze(inputs), s(now), deepFreeze({ ...SETTINGS }));
      expect(JSON.stringify(frozenBook)).toBe(snapshot);
      book = step.book;
    }
  });

  it('the book survives JSON: stepping from a round-tripped book gives the same result', () => {
    const direct: Notice[][] = [];
    let book = EMPTY;
    for (const [now, inputs] of steps) {
      const step = stepIncidents(book, inputs, s(now), SETTINGS);
      direct.push(step.notices);
      expect(JSON.parse(JSON.stringify(step.book))).toEqual(step.book);
      book = step.book;
    }
    expect(run(steps).notices).toEqual(direct);
  });
});

describe('stepIncidents: actions', () => {
  it('turns action changes into notices at once, in input order, without incidents', () => {
    const action = {
      id: 'a1',
      service: 'live-edge',
      idc: 'sha',
      kind: 'shift-away',
      reason: 'sha is UNHEALTHY',
      rule: 'r1',
      mode: 'enforce',
    };
    const step = stepIncidents(
      EMPTY,
      [
        { kind: 'action', action: { ...action, state: 'executing', at: s(1) } },
        idc(1, 'HEALTHY', 'UNHEALTHY'),
        { kind: 'action', action: { ...action, state: 'cancelled', at: s(2) } },
        { kind: 'action', action: { ...action, state: 'completed', at: s(3) } },
      ],
      s(3),
      SETTINGS,
    );
    expect(step.notices.map(short)).toEqual([
      'trigger action.proposed info action/a1 @1',
      'trigger action.executed info action/a1 @3',
    ]);
    expect(Object.keys(step.book.incidents)).toEqual(['idc/live-edge/sha']);
  });

  it('a flapping IDC folds into one open incident, but every new shift of it is news', () => {
    const shift = (id: string, kind: string, t: number): NotifyInput => ({
      kind: 'action',
      action: {
        id,
        service: 'live-edge',
        idc: 'sha',
        kind,
        reason: 'r',
        rule: 'r1',
        mode: 'enforce',
        state: 'executing',
        at: s(t),
      },
    });
    const { notices } = run([
      [0, [idc(0, 'HEALTHY', 'UNHEALTHY'), shift('a1', 'shift-away', 0)]],
      [10, [idc(10, 'UNHEALTHY', 'DEGRADED', 0.6)]],
      [20, [idc(20, 'DEGRADED', 'UNHEALTHY'), shift('a2', 'shift-away', 20)]],
      [30, [idc(30, 'UNHEALTHY', 'DEGRADED', 0.6), shift('a3', 'failback', 30)]],
      [40, [idc(40, 'DEGRADED', 'UNHEALTHY'), shift('a4', 'shift-away', 40)]],
    ]);
    expect(notices.map((step) => step.map(short))).toEqual([
      ['trigger action.proposed info action/a1 @0'],
      ['trigger idc.state warning idc/live-edge/sha/0 @10'],
      ['trigger idc.state critical idc/live-edge/sha/0 @20', 'trigger action.proposed info action/a2 @20'],
      ['trigger action.proposed info action/a3 @30'],
      ['trigger action.proposed info action/a4 @40'],
    ]);
  });
});
