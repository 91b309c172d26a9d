import type { HealthEvent } from '../health/transitions';
import { driftEvent } from '../traffic/drift-event';
import { channelPolicy, dispatchNotices } from './dispatch';
import { stepIncidents, trafficIncidentKey } from './incidents';
import type { IncidentBook, Notice, NotifyInput, NotifySettings, Route } from './types';

const s = (seconds: number) => seconds * 1000;
const SETTINGS: NotifySettings = { groupWaitMs: s(10) };

/** A drift of live-edge's traffic manager (or `service`'s) at `t` seconds. */
const drift = (t: number, reason = 'sha has 100, Vigil applied 60', service = 'live-edge'): NotifyInput => ({
  kind: 'traffic',
  event: driftEvent({
    service,
    at: s(t),
    drifting: true,
    reason,
    details: { expected: { sha: 60, bjs: 40 }, actual: { sha: 100, bjs: 0 } },
  }),
});
const inSync = (t: number, service = 'live-edge'): NotifyInput => ({
  kind: 'traffic',
  event: driftEvent({ service, at: s(t), drifting: false, reason: 'weights agree with Vigil' }),
});
const idc = (t: number, after: string): NotifyInput => ({
  kind: 'health',
  event: {
    kind: 'idc',
    at: s(t),
    service: 'live-edge',
    idc: 'sha',
    before: after === 'HEALTHY' ? 'DEGRADED' : 'HEALTHY',
    after,
    reason: 'capacity',
  } satisfies HealthEvent,
});

/** Runs the steps from an empty book (through JSON, as Redis keeps it); returns every step's notices. */
function run(
  steps: Array<[number, NotifyInput[]]>,
  settings = SETTINGS,
): { notices: Notice[][]; book: IncidentBook } {
  let book: IncidentBook = { incidents: {} };
  const notices = steps.map(([now, inputs]) => {
    const step = stepIncidents(book, inputs, s(now), settings);
    book = JSON.parse(JSON.stringify(step.book)) as IncidentBook;
    return step.notices;
  });
  return { notices, book };
}

const short = (n: Notice) => `${n.phase} ${n.event} ${n.severity} ${n.incidentKey} @${n.at / 1000}`;

describe('stepIncidents: traffic drift', () => {
  it('keys the incident by service', () => {
    expect(trafficIncidentKey('live-edge')).toBe('traffic/live-edge');
  });

  it('a drift opens traffic/<service> and waits out groupWait before its warning', () => {
    const { notices, book } = run([
      [0, [drift(0)]],
      [9, []],
      [10, []],
      [11, []],
    ]);
    expect(notices.map((step) => step.map(short))).toEqual([
      [],
      [],
      ['trigger traffic.drift warning traffic/live-edge/0 @10'],
      [],
    ]);
    expect(book.incidents['traffic/live-edge']).toMatchObject({ event: 'traffic.drift', sent: true });
  });

  it('back in sync: resolves a sent incident to the channels it reached, with the same key', () => {
    const { notices, book } = run([
      [0, [drift(0)]],
      [10, []],
      [75, [inSync(75)]],
    ]);
    const [resolve] = notices[2];
    expect(short(resolve)).toBe('resolve traffic.drift warning traffic/live-edge/0 @75');
    expect(resolve).toMatchObject({ id: 'traffic/live-edge/0:resolve:75000', reached: [] });
    expect(resolve.title).toBe(
      'resolved: traffic manager of live-edge agrees with Vigil again (differed for 1m 15s)',
    );
    expect(resolve.text).toContain(
      'traffic manager of live-edge agrees with Vigil again (reason: weights agree with Vigil).',
    );
    expect(resolve.details).toMatchObject({ state: 'in-sync', durationMs: s(75) });
    expect(book.incidents).toEqual({});
  });

  it('a drift that ends within groupWait sends nothing and leaves nothing open', () => {
    const { notices, book } = run([
      [0, [drift(0)]],
      [5, [inSync(5)]],
      [30, []],
    ]);
    expect(notices.flat()).toEqual([]);
    expect(book.incidents).toEqual({});
  });

  it('in sync without an open incident sends nothing', () => {
    expect(run([[0, [inSync(0)]]]).notices.flat()).toEqual([]);
  });

  it('a new reason updates the open incident: one notice, with the last reason and details', () => {
    const unreadable: NotifyInput = {
      kind: 'traffic',
      event: driftEvent({
        service: 'live-edge',
        at: s(4),
        drifting: true,
        wasDrifting: true,
        reason: 'cannot read HAProxy: connection refused',
        details: { actual: null },
      }),
    };
    const { notices } = run([
      [0, [drift(0)]],
      [4, [unreadable]],
      [10, []],
    ]);
    expect(notices.flat().map(short)).toEqual(['trigger traffic.drift warning traffic/live-edge/0 @10']);
    const [trigger] = notices[2];
    expect(trigger.text).toContain('(reason: cannot read HAProxy: connection refused)');
    expect(trigger.details.drift).toEqual({ actual: null });
  });

  it('the trigger: title, text, labels and details', () => {
    const [trigger] = run([
      [0, [drift(0)]],
      [10, []],
    ]).notices[1];
    expect(trigger).toMatchObject({
      id: 'traffic/live-edge/0:trigger:10000',
      resolvable: true,
      title: 'traffic manager of live-edge differs from Vigil',
      labels: { event: 'traffic.drift', severity: 'warning', service: 'live-edge' },
      details: {
        state: 'drift',
        reason: 'sha has 100, Vigil applied 60',
        service: 'live-edge',
        drift: { expected: { sha: 60, bjs: 40 }, actual: { sha: 100, bjs: 0 } },
      },
    });
    expect(trigger.labels).not.toHaveProperty('idc');
    expect(trigger.details).not.toHaveProperty('endpoints');
    expect(trigger.text.split('\n')).toEqual([
      'traffic manager of live-edge differs from Vigil (reason: sha has 100, Vigil applied 60).',
      'Its weights were changed outside Vigil, or cannot be read back: what it has in force is not what Vigil applied.',
      'Open since 1970-01-01T00:00:00.000Z.',
    ]);
  });

  it('reminds while it drifts, every remindEvery', () => {
    const { notices } = run(
      [
        [0, [drift(0)]],
        [10, []],
        [309, []],
        [310, []],
      ],
      { groupWaitMs: s(10), remindEveryMs: s(300) },
    );
    expect(notices[2]).toEqual([]);
    expect(notices[3][0]).toMatchObject({
      id: 'traffic/live-edge/0:remind:310000',
      phase: 'remind',
      title: 'reminder: traffic manager of live-edge differs from Vigil (for 5m 10s)',
    });
  });

  it('is apart from the health incidents of the same service, and per service', () => {
    const { notices, book } = run([
      [0, [drift(0), idc(0, 'DEGRADED'), drift(0, 'vod differs', 'vod')]],
      [10, []],
      [20, [idc(20, 'HEALTHY'), inSync(20, 'vod')]],
    ]);
    expect(notices[1].map(short).sort()).toEqual([
      'trigger idc.state warning idc/live-edge/sha/0 @10',
      'trigger traffic.drift warning traffic/live-edge/0 @10',
      'trigger traffic.drift warning traffic/vod/0 @10',
    ]);
    expect(notices[2].map(short).sort()).toEqual([
      'resolve idc.state warning idc/live-edge/sha/0 @20',
      'resolve traffic.drift warning traffic/vod/0 @20',
    ]);
    expect(Object.keys(book.incidents)).toEqual(['traffic/live-edge']);
  });

  it('routes by event traffic.drift (and by service; a route restricted to IDCs does not match)', () => {
    const [trigger] = run([
      [0, [drift(0)]],
      [10, []],
    ]).notices[1];
    const channels = new Map(
      ['ops', 'pager', 'east'].map((name) => [name, channelPolicy('slack', { max: 10, perMs: s(60) })]),
    );
    const routes: Route[] = [
      { channels: ['ops'], events: ['traffic.drift'], minSeverity: 'warning' },
      { channels: ['pager'], events: ['idc.state'], minSeverity: 'info' },
      { channels: ['east'], idcs: ['sha'], minSeverity: 'info' },
    ];
    const sent = dispatchNotices([{ notice: trigger }], { routes, channels }, [], new Map(), s(10));
    expect(sent.dispatched.map((d) => `${d.channel} ${d.outcome.state}`)).toEqual(['ops pending']);
  });
});
