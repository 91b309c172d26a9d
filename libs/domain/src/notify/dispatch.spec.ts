import { dispatch, type ChannelBudget } from './dispatch';
import type { Notice, Silence } from './types';

const notice = (phase: Notice['phase'], incidentKey = 'idc/live/sha/0', idc = 'sha'): Notice => ({
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
});
const EMPTY: ChannelBudget = { sent: [], triggered: [] };
const LIMIT = { max: 1, perMs: 60_000 };
const silence = (value: string, label = 'idc'): Silence => ({
  id: `s-${value}`,
  matchers: [{ label, op: '=', value }],
  startsAt: 0,
  endsAt: 10_000,
});

/** Dispatches notices in order on one channel; returns the states. */
function run(notices: Notice[], silences: Silence[] = [], channel = 'pd'): string[] {
  let budget = EMPTY;
  return notices.map((n, i) => {
    const step = dispatch(n, channel, silences, budget, LIMIT, 1000 + i);
    budget = step.budget;
    return step.outcome.state;
  });
}

describe('dispatch', () => {
  it.each<[string, Notice[], Silence[], string[]]>([
    ['within the limit: sent', [notice('trigger')], [], ['pending']],
    [
      'beyond the limit: suppressed, but the resolve of a sent trigger always goes',
      [notice('trigger'), notice('trigger', 'idc/live/bjs/0', 'bjs'), notice('resolve')],
      [],
      ['pending', 'suppressed', 'pending'],
    ],
    [
      'a reminder of a sent trigger goes too; after the resolve, the incident no longer counts',
      [notice('trigger'), notice('remind'), notice('resolve'), notice('resolve')],
      [],
      ['pending', 'pending', 'pending', 'suppressed'],
    ],
    [
      'the resolve of a suppressed trigger counts against the limit',
      [notice('trigger', 'idc/live/bjs/0', 'bjs'), notice('trigger'), notice('resolve')],
      [],
      ['pending', 'suppressed', 'suppressed'],
    ],
    [
      'a matching silence wins, and costs nothing',
      [notice('trigger'), notice('trigger', 'k', 'bjs')],
      [silence('sha')],
      ['silenced', 'pending'],
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
    expect(dispatch(notice('trigger'), 'pd', [silence('sha')], EMPTY, LIMIT, 1).outcome).toEqual({
      state: 'silenced',
      silenceId: 's-sha',
    });
  });
});
