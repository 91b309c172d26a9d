import { routeChannels } from './routing';
import type { Notice, Route } from './types';

const notice = (over: Partial<Notice> = {}, labels: Record<string, string> = {}): Notice => ({
  id: 'k:trigger:0',
  incidentKey: 'k',
  event: 'idc.state',
  phase: 'trigger',
  severity: 'critical',
  title: 't',
  text: 't',
  labels: { event: over.event ?? 'idc.state', severity: over.severity ?? 'critical', ...labels },
  details: {},
  at: 0,
  resolvable: true,
  ...over,
});
const CHANNELS = ['slack', 'pager', 'hook'];
const route = (channels: string[], over: Partial<Route> = {}): Route => ({
  channels,
  minSeverity: 'info',
  ...over,
});
const SHA = { service: 'live-edge', idc: 'sha' };

describe('routeChannels', () => {
  it.each<[string, Notice, Route[], string[]]>([
    ['no routes: every channel', notice(), [], CHANNELS],
    ['a catch-all route', notice(), [route(['hook'])], ['hook']],
    [
      'union in config order, no duplicates',
      notice(),
      [route(['pager', 'slack']), route(['slack', 'hook'])],
      ['pager', 'slack', 'hook'],
    ],
    ['unknown channel names are dropped', notice(), [route(['nope', 'slack'])], ['slack']],
    ['events: matched', notice(), [route(['pager'], { events: ['idc.state', 'panic'] })], ['pager']],
    [
      'events: not matched',
      notice({ event: 'action.executed' }),
      [route(['pager'], { events: ['idc.state'] })],
      [],
    ],
    [
      'minSeverity: equal',
      notice({ severity: 'error' }),
      [route(['pager'], { minSeverity: 'error' })],
      ['pager'],
    ],
    [
      'minSeverity: above',
      notice({ severity: 'critical' }),
      [route(['pager'], { minSeverity: 'error' })],
      ['pager'],
    ],
    ['minSeverity: below', notice({ severity: 'warning' }), [route(['pager'], { minSeverity: 'error' })], []],
    ['services: matched', notice({}, SHA), [route(['slack'], { services: ['live-edge'] })], ['slack']],
    ['services: other', notice({}, SHA), [route(['slack'], { services: ['vod'] })], []],
    ['services: no service label', notice(), [route(['slack'], { services: ['live-edge'] })], []],
    ['idcs: matched', notice({}, SHA), [route(['slack'], { idcs: ['bjs', 'sha'] })], ['slack']],
    ['idcs: no idc label', notice({}, { vantage: 'bjs' }), [route(['slack'], { idcs: ['sha'] })], []],
    [
      'every condition must hold',
      notice({ severity: 'warning' }, SHA),
      [
        route(['pager'], { minSeverity: 'critical', services: ['live-edge'] }),
        route(['slack'], { events: ['idc.state'], services: ['live-edge'], idcs: ['sha'] }),
      ],
      ['slack'],
    ],
    [
      'routes matching nothing: no channel',
      notice({ severity: 'info' }),
      [route(['pager'], { minSeverity: 'warning' })],
      [],
    ],
  ])('%s', (_name, n, routes, expected) => {
    expect(routeChannels(n, routes, CHANNELS)).toEqual(expected);
  });
});
