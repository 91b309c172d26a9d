import { baseConfig } from './spec-fixtures';
import { validateConfig } from './validate';

type Config = ReturnType<typeof baseConfig>;

function details(mutate: (c: Config) => void) {
  const config = baseConfig();
  mutate(config);
  const result = validateConfig(config);
  return result.ok ? [] : result.details;
}

const powerdns = (over: Record<string, unknown> = {}) => ({
  type: 'powerdns',
  url: 'http://127.0.0.1:8081',
  apiKey: { secretRef: 'VIGIL_REF_PDNS' },
  zone: 'example.org.',
  name: 'live.example.org.',
  addresses: { sha: ['192.0.2.1'], bjs: ['192.0.2.2', '192.0.2.3'] },
  ...over,
});

describe('validateConfig: traffic managers', () => {
  it('accepts HAProxy with a server map over the endpoints, and PowerDNS with addresses per IDC', () => {
    expect(
      details((c) => {
        c.services[0].trafficManager = {
          type: 'haproxy',
          runtimeApi: ['unix:/run/haproxy/admin.sock', 'tcp://10.0.0.9:9999'],
          backend: 'be_live',
          servers: { 'sha-1': 'sha_1' },
        };
        c.services[1].trafficManager = powerdns({ addresses: { sha: ['192.0.2.1'], szx: ['192.0.2.9'] } });
      }),
    ).toEqual([]);
  });

  it.each<[string, (c: Config) => void, string, string]>([
    [
      'a runtime API that is neither unix: nor tcp://',
      (c) => (c.services[0].trafficManager = { type: 'haproxy', runtimeApi: 'http://x:1', backend: 'b' }),
      'services[0].trafficManager.runtimeApi',
      'must be unix:/path/to/admin.sock or tcp://host:port',
    ],
    [
      'an HAProxy server map naming no endpoint',
      (c) =>
        (c.services[0].trafficManager = {
          type: 'haproxy',
          runtimeApi: 'unix:/s',
          backend: 'b',
          servers: { 'sha-9': 's9' },
        }),
      'services[0].trafficManager.servers.sha-9',
      'unknown endpoint "sha-9" of this service',
    ],
    [
      'an IDC of the service without DNS addresses',
      (c) => (c.services[0].trafficManager = powerdns({ addresses: { sha: ['192.0.2.1'] } })),
      'services[0].trafficManager.addresses',
      'no addresses for IDC "bjs", where the service has endpoints',
    ],
    [
      'DNS addresses for an IDC the service does not run in',
      (c) =>
        (c.services[0].trafficManager = powerdns({
          addresses: { sha: ['192.0.2.1'], bjs: ['192.0.2.2'], szx: ['192.0.2.3'] },
        })),
      'services[0].trafficManager.addresses.szx',
      'the service has no endpoints in IDC "szx"',
    ],
    [
      'an IPv6 address in an A record',
      (c) =>
        (c.services[0].trafficManager = powerdns({
          addresses: { sha: ['2001:db8::1'], bjs: ['192.0.2.2'] },
        })),
      'services[0].trafficManager.addresses.sha[0]',
      '2001:db8::1 is not an IPv4 address (recordType A)',
    ],
    [
      'a record outside its zone',
      (c) => (c.services[0].trafficManager = powerdns({ name: 'live.example.com.' })),
      'services[0].trafficManager.name',
      'live.example.com. is not inside the zone example.org.',
    ],
    [
      'a drain-endpoint rule over a service whose traffic manager cannot drain',
      (c) => {
        c.services[0].trafficManager = powerdns();
        c.rules.push({
          name: 'drain-bad',
          when: 'endpoint.state == "UNHEALTHY"',
          actions: [{ type: 'drain-endpoint' }],
        });
      },
      'rules[1].actions[0].type',
      'the traffic manager of live-edge (powerdns) cannot drain single endpoints; scope the rule to services whose traffic manager can (log, webhook, haproxy)',
    ],
  ])('refuses %s, naming the field', (_title, mutate, path, message) => {
    expect(details(mutate)).toContainEqual({ path, message });
  });

  it('lets a drain-endpoint rule scoped away from such a service through', () => {
    expect(
      details((c) => {
        c.services[0].trafficManager = powerdns();
        c.rules.push({
          name: 'drain-origin',
          when: 'endpoint.state == "UNHEALTHY"',
          scope: { services: ['origin'] },
          actions: [{ type: 'drain-endpoint' }],
        });
      }),
    ).toEqual([]);
  });
});
