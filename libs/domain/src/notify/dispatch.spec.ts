import type { HealthEvent } from '../health/transitions';
import {
  channelPolicy,
  dispatch,
  dispatchNotices,
  type ChannelBudget,
  type ChannelPolicy,
  type Dispatched,
} from './dispatch';
import { dedupKey, settleReached } from './settle';
import { stepIncidents } from './incidents';
import type { IncidentBook, Notice, NotifyInput, Route, Silence } from './types';

const notice = (
  phase: Notice['phase'],
  incidentKey = 'idc/live/sha/0',
  idc = 'sha',
  reached?: string[],
): Notice => ({
  id: `${incidentKey}:${phase}:0`,
  incidentKey,
  event: 'idc.state',
  phase,
  severity: 'critical',
  title: 't',
  text: 't',
  labels: { event: 'idc.state', severity: 'critical', service: 'live', idc },
  details: {},
  resolvable: true,
  at: 0,
  ...(reached ? { reached } : {}),
});
const EMPTY: ChannelBudget = { sent: [] };
const LIMIT = { max: 1, perMs: 60_000 };
const silence = (value: string, label = 'idc'): Silence => ({
  id: `s-${value}`,
  matchers: [{ label, op: '=', value }],
  startsAt: 0,
  endsAt: 1_000_000,
});

/** Dispatches notices in order on one channel; returns the states. */
function run(notices: Notice[], silences: Silence[] = [], channel = 'pd'): string[] {
  let budget = EMPTY;
  return notices.map((n, i) => {
    const step = dispatch(n, channel, silences, budget, { limit: LIMIT }, 1000 + i);
    budget = step.budget;
    return step.outcome.state;
  });
}

describe('dispatch', () => {
  it.each<[string, Notice[], Silence[], string[]]>([
    ['within the limit: sent', [notice('trigger')], [], ['pending']],
    [
      'beyond the limit: suppressed, but the resolve to a channel its trigger reached always goes',
      [
        notice('trigger'),
        notice('trigger', 'idc/live/bjs/0', 'bjs'),
        notice('resolve', undefined, 'sha', ['pd']),
      ],
      [],
      ['pending', 'suppressed', 'pending'],
    ],
    [
      'a reminder spends a token like a trigger: suppressed beyond the limit',
      [notice('trigger'), notice('remind'), notice('resolve', undefined, 'sha', ['pd'])],
      [],
      ['pending', 'suppressed', 'pending'],
    ],
    [
      'a shift is never suppressed: it goes past the limit, and spends a token when one is left',
      [
        { ...notice('trigger', 'action/a1:executing', 'sha'), event: 'action.proposed', resolvable: false },
        notice('trigger', 'idc/live/bjs/0', 'bjs'),
        notice('trigger', 'idc/live/szx/0', 'szx'),
        { ...notice('trigger', 'action/a2:held', 'szx'), event: 'action.held' },
        { ...notice('trigger', 'action/a3:refused', 'szx'), event: 'action.refused', resolvable: false },
        { ...notice('trigger', 'panic/live', 'szx'), event: 'panic', resolvable: false },
      ],
      [],
      ['pending', 'suppressed', 'suppressed', 'pending', 'suppressed', 'pending'],
    ],
    [
      'a silence still applies to a shift: muting it is a human choice',
      [{ ...notice('trigger', 'action/a1:executing', 'sha'), event: 'action.executed', resolvable: false }],
      [silence('sha')],
      ['silenced'],
    ],
    [
      'a resolve costs no token',
      [notice('resolve', undefined, 'sha', ['pd']), notice('trigger', 'idc/live/bjs/0', 'bjs')],
      [],
      ['pending', 'pending'],
    ],
    [
      'a resolve whose trigger reached other channels counts like any notice',
      [notice('trigger', 'idc/live/bjs/0', 'bjs'), notice('resolve', undefined, 'sha', ['slack'])],
      [],
      ['pending', 'suppressed'],
    ],
    [
      'a matching silence wins over triggers and reminders, and costs nothing',
      [notice('trigger'), notice('remind'), notice('trigger', 'k', 'bjs')],
      [silence('sha')],
      ['silenced', 'silenced', 'pending'],
    ],
    [
      'a silence created during the incident does not swallow the resolve of its sent trigger',
      [notice('resolve', undefined, 'sha', ['pd'])],
      [silence('sha'), silence('pd', 'channel')],
      ['pending'],
    ],
    ['silences also match the channel', [notice('trigger')], [silence('pd', 'channel')], ['silenced']],
    [
      'a silence for another channel does not',
      [notice('trigger')],
      [silence('slack', 'channel')],
      ['pending'],
    ],
  ])('%s', (_, notices, silences, expected) => {
    expect(run(notices, silences)).toEqual(expected);
  });

  it('names the silence', () => {
    expect(dispatch(notice('trigger'), 'pd', [silence('sha')], EMPTY, { limit: LIMIT }, 1).outcome).toEqual({
      state: 'silenced',
      silenceId: 's-sha',
    });
  });
});

const s = (seconds: number) => seconds * 1000;
const idc = (t: number, before: string, after: string, where = 'sha'): NotifyInput => ({
  kind: 'health',
  event: {
    kind: 'idc',
    at: s(t),
    service: 'live',
    idc: where,
    before,
    after,
    reason: after === 'HEALTHY' ? 'ok' : 'capacity',
  } satisfies HealthEvent,
});
const policy = (max = 10, reminders = true): ChannelPolicy => ({
  limit: { max, perMs: 3_600_000 },
  reminders,
});
const CHANNELS = new Map([
  ['slack', policy()],
  ['pd', policy(10, false)],
  ['limited', policy(1)],
]);
const EVERYWHERE: Route[] = [{ channels: ['slack', 'pd', 'limited'], minSeverity: 'info' }];

interface Tick {
  /** Seconds. */
  now: number;
  inputs: NotifyInput[];
  routes?: Route[];
  silences?: Silence[];
  /** A new leader: the rate-limit memory starts afresh (it is not persisted). */
  newLeader?: boolean;
  /** Recorded, but the leader died before saving the book: the next tick starts from the one before. */
  unsaved?: boolean;
}

/**
 * Runs ticks as the notifier does (book through JSON, as Redis keeps it; `notifications` keeping the
 * first row per dedup key); returns `channel:phase:state` per tick, as recorded.
 */
function ticks(list: Tick[], settings = { groupWaitMs: s(10), remindEveryMs: s(60) }): string[][] {
  let book: IncidentBook = { incidents: {} };
  let budgets = new Map<string, ChannelBudget>();
  const table = new Map<string, string>();
  const record = (dispatched: Dispatched[]) => {
    for (const d of dispatched) if (!table.has(dedupKey(d))) table.set(dedupKey(d), d.outcome.state);
  };
  return list.map((t) => {
    if (t.newLeader) budgets = new Map();
    const step = stepIncidents(book, t.inputs, s(t.now), settings);
    const out = dispatchNotices(
      step.notices.map((n) => ({ notice: n })),
      { routes: t.routes ?? EVERYWHERE, channels: CHANNELS },
      t.silences ?? [],
      budgets,
      s(t.now),
    );
    record(out.dispatched);
    const settled = settleReached(step.book, out.dispatched, table);
    record(settled.resolves);
    if (!t.unsaved) book = JSON.parse(JSON.stringify(settled.book)) as IncidentBook;
    budgets = out.budgets;
    return [...out.dispatched, ...settled.resolves].map(
      (d) => `${d.channel}:${d.notice.phase}:${table.get(dedupKey(d))}`,
    );
  });
}

describe('dispatchNotices', () => {
  it.each<[string, Tick[], string[][]]>([
    [
      'the resolve goes to exactly the channels the trigger reached, past a silence created meanwhile',
      [
        { now: 0, inputs: [idc(0, 'HEALTHY', 'UNHEALTHY')] },
        { now: 10, inputs: [] },
        { now: 20, inputs: [idc(20, 'UNHEALTHY', 'HEALTHY')], silences: [silence('sha')] },
      ],
      [
        [],
        ['slack:trigger:pending', 'pd:trigger:pending', 'limited:trigger:pending'],
        ['slack:resolve:pending', 'pd:resolve:pending', 'limited:resolve:pending'],
      ],
    ],
    [
      'after a leader change, a channel out of tokens still gets the resolve of a trigger it got',
      [
        { now: 0, inputs: [idc(0, 'HEALTHY', 'UNHEALTHY'), idc(0, 'HEALTHY', 'UNHEALTHY', 'bjs')] },
        { now: 10, inputs: [] },
        { now: 15, inputs: [idc(15, 'HEALTHY', 'UNHEALTHY', 'szx')], newLeader: true },
        { now: 25, inputs: [] },
        { now: 26, inputs: [idc(26, 'UNHEALTHY', 'HEALTHY', 'bjs'), idc(26, 'UNHEALTHY', 'HEALTHY')] },
      ],
      [
        [],
        [
          'slack:trigger:pending',
          'pd:trigger:pending',
          'limited:trigger:pending', // bjs: the one token
          'slack:trigger:pending',
          'pd:trigger:pending',
          'limited:trigger:suppressed', // sha
        ],
        [],
        [
          'slack:trigger:pending',
          'pd:trigger:pending',
          'limited:trigger:pending', // szx: the new leader's one token
        ],
        [
          'slack:resolve:pending',
          'pd:resolve:pending',
          'limited:resolve:pending', // bjs reached it: goes though the new leader used the token
          'slack:resolve:pending',
          'pd:resolve:pending', // sha never reached limited: nothing there
        ],
      ],
    ],
    [
      'the resolve follows the trigger, not the routes in force now',
      [
        {
          now: 0,
          inputs: [idc(0, 'HEALTHY', 'UNHEALTHY')],
          routes: [{ channels: ['pd'], minSeverity: 'info' }],
        },
        { now: 10, inputs: [], routes: [{ channels: ['pd'], minSeverity: 'info' }] },
        {
          now: 20,
          inputs: [idc(20, 'UNHEALTHY', 'HEALTHY')],
          routes: [{ channels: ['slack'], minSeverity: 'info' }],
        },
      ],
      [[], ['pd:trigger:pending'], ['pd:resolve:pending']],
    ],
    [
      'a trigger silenced everywhere reached nothing: no resolve at all',
      [
        { now: 0, inputs: [idc(0, 'HEALTHY', 'UNHEALTHY')], silences: [silence('sha')] },
        { now: 10, inputs: [], silences: [silence('sha')] },
        { now: 20, inputs: [idc(20, 'UNHEALTHY', 'HEALTHY')], silences: [silence('sha')] },
      ],
      [[], ['slack:trigger:silenced', 'pd:trigger:silenced', 'limited:trigger:silenced'], []],
    ],
    [
      'reminders spend tokens, and none goes to PagerDuty (it keeps paging by itself)',
      [
        { now: 0, inputs: [idc(0, 'HEALTHY', 'UNHEALTHY')] },
        { now: 10, inputs: [] },
        { now: 70, inputs: [] },
        { now: 80, inputs: [idc(80, 'UNHEALTHY', 'HEALTHY')] },
      ],
      [
        [],
        ['slack:trigger:pending', 'pd:trigger:pending', 'limited:trigger:pending'],
        ['slack:remind:pending', 'limited:remind:suppressed'],
        ['slack:resolve:pending', 'pd:resolve:pending', 'limited:resolve:pending'],
      ],
    ],
    [
      'a channel that missed the trigger but got a reminder gets the resolve too',
      [
        { now: 0, inputs: [idc(0, 'HEALTHY', 'UNHEALTHY')], silences: [silence('slack', 'channel')] },
        { now: 10, inputs: [], silences: [silence('slack', 'channel')] },
        { now: 70, inputs: [] },
        { now: 80, inputs: [idc(80, 'UNHEALTHY', 'HEALTHY')] },
      ],
      [
        [],
        ['slack:trigger:silenced', 'pd:trigger:pending', 'limited:trigger:pending'],
        ['slack:remind:pending', 'limited:remind:suppressed'],
        ['pd:resolve:pending', 'limited:resolve:pending', 'slack:resolve:pending'],
      ],
    ],
    [
      'an escalation and the recovery in one tick: the resolve reaches what the escalation reached',
      [
        {
          now: 0,
          inputs: [idc(0, 'HEALTHY', 'DEGRADED')],
          routes: [{ channels: ['slack'], minSeverity: 'info' }],
        },
        { now: 10, inputs: [], routes: [{ channels: ['slack'], minSeverity: 'info' }] },
        {
          now: 20,
          inputs: [idc(20, 'DEGRADED', 'UNHEALTHY'), idc(21, 'UNHEALTHY', 'HEALTHY')],
          routes: [
            { channels: ['slack'], minSeverity: 'info' },
            { channels: ['pd'], minSeverity: 'critical' },
          ],
        },
      ],
      [
        [],
        ['slack:trigger:pending'],
        ['slack:trigger:pending', 'pd:trigger:pending', 'slack:resolve:pending', 'pd:resolve:pending'],
      ],
    ],
    [
      'a replay by a new leader decides silenced, but the resolve goes where the recorded trigger went',
      [
        { now: 0, inputs: [idc(0, 'HEALTHY', 'UNHEALTHY')] },
        { now: 10, inputs: [], unsaved: true },
        { now: 11, inputs: [], silences: [silence('sha')], newLeader: true },
        { now: 20, inputs: [idc(20, 'UNHEALTHY', 'HEALTHY')], silences: [silence('sha')] },
      ],
      [
        [],
        ['slack:trigger:pending', 'pd:trigger:pending', 'limited:trigger:pending'],
        ['slack:trigger:pending', 'pd:trigger:pending', 'limited:trigger:pending'], // the rows of tick 10
        ['slack:resolve:pending', 'pd:resolve:pending', 'limited:resolve:pending'],
      ],
    ],
    [
      'a replay with fresh budgets decides pending, but a trigger recorded suppressed gets no resolve',
      [
        { now: 0, inputs: [idc(0, 'HEALTHY', 'UNHEALTHY', 'bjs'), idc(0, 'HEALTHY', 'UNHEALTHY')] },
        { now: 10, inputs: [], unsaved: true },
        { now: 11, inputs: [], newLeader: true },
        { now: 20, inputs: [idc(20, 'UNHEALTHY', 'HEALTHY')] },
      ],
      [
        [],
        [
          'slack:trigger:pending',
          'pd:trigger:pending',
          'limited:trigger:pending', // bjs: the one token
          'slack:trigger:pending',
          'pd:trigger:pending',
          'limited:trigger:suppressed', // sha
        ],
        [
          'slack:trigger:pending',
          'pd:trigger:pending',
          'limited:trigger:pending',
          'slack:trigger:pending',
          'pd:trigger:pending',
          'limited:trigger:suppressed', // the new leader had a token, but the row says suppressed
        ],
        ['slack:resolve:pending', 'pd:resolve:pending'],
      ],
    ],
    [
      'an escalation and the recovery replayed in one tick under a new silence: the resolve is still owed',
      [
        {
          now: 0,
          inputs: [idc(0, 'HEALTHY', 'DEGRADED')],
          routes: [{ channels: ['slack'], minSeverity: 'info' }],
        },
        { now: 10, inputs: [], routes: [{ channels: ['slack'], minSeverity: 'info' }] },
        {
          now: 20,
          inputs: [idc(20, 'DEGRADED', 'UNHEALTHY'), idc(21, 'UNHEALTHY', 'HEALTHY')],
          routes: [{ channels: ['pd'], minSeverity: 'critical' }],
          unsaved: true,
        },
        {
          now: 20,
          inputs: [idc(20, 'DEGRADED', 'UNHEALTHY'), idc(21, 'UNHEALTHY', 'HEALTHY')],
          routes: [{ channels: ['pd'], minSeverity: 'critical' }],
          silences: [silence('pd', 'channel')],
          newLeader: true,
        },
      ],
      [
        [],
        ['slack:trigger:pending'],
        ['pd:trigger:pending', 'slack:resolve:pending', 'pd:resolve:pending'],
        ['pd:trigger:pending', 'slack:resolve:pending', 'pd:resolve:pending'],
      ],
    ],
  ])('%s', (_name, list, expected) => {
    expect(ticks(list)).toEqual(expected);
  });

  it('remembers the channels recorded as reached in the book, and changes none of its arguments', () => {
    const step = stepIncidents({ incidents: {} }, [idc(0, 'HEALTHY', 'UNHEALTHY')], s(10), {
      groupWaitMs: s(10),
    });
    const budgets = new Map([['limited', { sent: [s(5)] }]]);
    const snapshot = JSON.stringify([step.book, [...budgets]]);
    const out = dispatchNotices(
      step.notices.map((n) => ({ notice: n })),
      { routes: EVERYWHERE, channels: CHANNELS },
      [silence('slack', 'channel')],
      budgets,
      s(10),
    );
    const stored = new Map(out.dispatched.map((d) => [dedupKey(d), d.outcome.state]));
    const settled = settleReached(step.book, out.dispatched, stored);
    expect(settled.book.incidents['idc/live/sha'].reached).toEqual(['pd']);
    expect(settled.resolves).toEqual([]);
    expect(out.budgets.get('pd')).toEqual({ sent: [s(10)] });
    expect(JSON.stringify([step.book, [...budgets]])).toBe(snapshot);
  });

  it('a resolve of an incident from an older book (channels unknown) is routed and dispatched as before', () => {
    const old = notice('resolve');
    const out = dispatchNotices(
      [{ notice: old }],
      { routes: [{ channels: ['slack', 'gone'], minSeverity: 'info' }], channels: CHANNELS },
      [silence('sha')],
      new Map(),
      0,
    );
    expect(out.dispatched.map((d) => `${d.channel}:${d.outcome.state}`)).toEqual(['slack:silenced']);
  });

  it('explicit channels (a rule notice) go as given, among the configured ones', () => {
    const rule = { ...notice('trigger', 'rule/r/live/sha/0'), resolvable: false };
    const out = dispatchNotices(
      [{ notice: rule, channels: ['limited', 'gone', 'limited'] }],
      { routes: EVERYWHERE, channels: CHANNELS },
      [],
      new Map(),
      0,
    );
    expect(out.dispatched.map((d) => `${d.channel}:${d.outcome.state}`)).toEqual(['limited:pending']);
  });
});

describe('channelPolicy', () => {
  it.each([
    ['pagerduty', false],
    ['opsgenie', false],
    ['slack', true],
    ['webhook', true],
    ['email', true],
    ['teams', true],
    ['lark', true],
  ])('%s takes reminders: %s', (type, reminders) => {
    expect(channelPolicy(type, LIMIT)).toEqual({ limit: LIMIT, reminders });
  });
});

describe('dispatch in a maintenance window', () => {
  const mute = (labels: Readonly<Record<string, string>>) => (labels.idc === 'sha' ? 'window-1' : undefined);

  it('silences what a window covers, naming the window; a silence still comes first', () => {
    expect(dispatch(notice('trigger'), 'pd', [], EMPTY, { limit: LIMIT }, 1000, mute).outcome).toEqual({
      state: 'silenced',
      maintenanceWindowId: 'window-1',
    });
    expect(
      dispatch(notice('trigger'), 'pd', [silence('sha')], EMPTY, { limit: LIMIT }, 1000, mute).outcome,
    ).toEqual({
      state: 'silenced',
      silenceId: 's-sha',
    });
    expect(
      dispatch(notice('trigger', 'idc/live/bjs/0', 'bjs'), 'pd', [], EMPTY, { limit: LIMIT }, 1000, mute)
        .outcome,
    ).toEqual({ state: 'pending' });
  });

  it('lets the resolve of a trigger sent before the window go, like a silence does', () => {
    expect(
      dispatch(notice('resolve', undefined, 'sha', ['pd']), 'pd', [], EMPTY, { limit: LIMIT }, 1000, mute)
        .outcome,
    ).toEqual({
      state: 'pending',
    });
  });
});
