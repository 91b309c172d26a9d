import type { Notice } from '@libs/domain';
import { consoleLinks } from './console-links';

const URL = 'https://vigil.example.com';

const notice = (over: Partial<Notice>): Notice => ({
  id: 'n',
  incidentKey: 'idc/live/sha/1000',
  event: 'idc.state',
  phase: 'trigger',
  severity: 'error',
  title: 't',
  text: '',
  labels: {},
  details: {},
  at: 1000,
  resolvable: true,
  ...over,
});

describe('consoleLinks', () => {
  it('is undefined without a console URL', () => {
    expect(consoleLinks(undefined, notice({}))).toBeUndefined();
    expect(consoleLinks('', notice({}))).toBeUndefined();
  });

  it.each<[string, Partial<Notice>, object]>([
    [
      'an approval request: its action, and its service',
      {
        event: 'action.awaiting-approval',
        incidentKey: 'action/0b5e/awaiting-approval',
        labels: { action: '0b5e', service: 'live' },
      },
      { console: `${URL}/actions/0b5e`, action: `${URL}/actions/0b5e`, service: `${URL}/services/live` },
    ],
    [
      'one endpoint down: the endpoint (its id encoded)',
      {
        event: 'endpoint.state',
        incidentKey: 'endpoints/live/sha/1000',
        labels: { service: 'live', idc: 'sha', endpoint: 'live.sha 1' },
      },
      {
        console: `${URL}/endpoints/live.sha%201`,
        endpoint: `${URL}/endpoints/live.sha%201`,
        service: `${URL}/services/live`,
      },
    ],
    [
      'endpoints of an IDC down (no single endpoint): the incident',
      { event: 'endpoint.state', incidentKey: 'endpoints/live/sha/1000', labels: { service: 'live' } },
      {
        console: `${URL}/incidents/endpoints%2Flive%2Fsha%2F1000`,
        incident: `${URL}/incidents/endpoints%2Flive%2Fsha%2F1000`,
        service: `${URL}/services/live`,
      },
    ],
    [
      'an IDC incident: the incident, though it lists an endpoint',
      { labels: { service: 'live', idc: 'sha', endpoint: 'live.sha-1' } },
      {
        console: `${URL}/incidents/idc%2Flive%2Fsha%2F1000`,
        incident: `${URL}/incidents/idc%2Flive%2Fsha%2F1000`,
        service: `${URL}/services/live`,
      },
    ],
    [
      'a traffic drift: the service, where its weights in force are shown',
      { event: 'traffic.drift', incidentKey: 'traffic/live/1000', labels: { service: 'live' } },
      { console: `${URL}/services/live`, service: `${URL}/services/live` },
    ],
    [
      'a vantage suspect: the incident, no service',
      { event: 'vantage.suspect', incidentKey: 'vantage/bjs/5', labels: { vantage: 'bjs' } },
      { console: `${URL}/incidents/vantage%2Fbjs%2F5`, incident: `${URL}/incidents/vantage%2Fbjs%2F5` },
    ],
  ])('%s', (_, over, expected) => {
    expect(consoleLinks(URL, notice(over))).toEqual(expected);
  });
});
