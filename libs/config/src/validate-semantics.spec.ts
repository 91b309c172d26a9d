import { baseConfig } from './spec-fixtures';
import { validateConfig } from './validate';

type Mutation = (c: ReturnType<typeof baseConfig>) => void;

function problems(mutate: Mutation) {
  const config = baseConfig();
  mutate(config);
  const result = validateConfig(config);
  if (result.ok) throw new Error('expected the config to be invalid');
  return result.details;
}

const dnsCheck = { name: 'resolve', type: 'dns', dns: { name: 'live.example.com' } };

describe('validateConfig: semantic problems', () => {
  it.each<[string, Mutation, string, string]>([
    [
      'duplicate IDC',
      (c) => c.idcs.push({ name: 'sha', capacity: 1 }),
      'idcs[3].name',
      'duplicate IDC name "sha"',
    ],
    [
      'duplicate service',
      (c) => (c.services[1].name = 'live-edge'),
      'services[1].name',
      'duplicate service name "live-edge"',
    ],
    [
      'duplicate rule',
      (c) => c.rules.push({ ...c.rules[0] }),
      'rules[1].name',
      'duplicate rule name "idc-down"',
    ],
    [
      'duplicate channel',
      (c) => c.channels.push({ name: 'oncall', type: 'slack', webhookUrl: { secretRef: 'VIGIL_REF_SLACK' } }),
      'channels[1].name',
      'duplicate channel name "oncall"',
    ],
    [
      'duplicate endpoint',
      (c) => (c.services[0].endpoints[1].name = 'sha-1'),
      'services[0].endpoints[1].name',
      'duplicate endpoint name "sha-1"',
    ],
    [
      'duplicate derived endpoint name',
      (c) => c.services[1].endpoints.push({ idc: 'sha', address: '10.0.2.1:443' }),
      'services[1].endpoints[2].name',
      'duplicate endpoint name "10.0.2.1-443" (derived from its url or address; set a name)',
    ],
    [
      'duplicate check',
      (c) => c.services[0].checks.push({ name: 'http', type: 'http', interval: '1m' }),
      'services[0].checks[1].name',
      'duplicate check name "http"',
    ],
    [
      'unknown endpoint IDC',
      (c) => (c.services[0].endpoints[1].idc = 'shx'),
      'services[0].endpoints[1].idc',
      'unknown IDC "shx"',
    ],
    [
      'unknown vantage',
      (c) => (c.services[0].checks[0].vantages = ['sha', 'hkg']),
      'services[0].checks[0].vantages[1]',
      'unknown IDC "hkg"',
    ],
    [
      'repeated vantage',
      (c) => (c.services[0].checks[0].vantages = ['sha', 'sha']),
      'services[0].checks[0].vantages[1]',
      'duplicate vantage "sha"',
    ],
    [
      'timeout equal to interval',
      (c) => Object.assign(c.services[0].checks[0], { interval: '5s', timeout: '5s' }),
      'services[0].checks[0].timeout',
      'timeout (5s) must be less than interval (5s)',
    ],
    [
      'default timeout not below interval',
      (c) => (c.services[0].checks[0].interval = '2s'),
      'services[0].checks[0].timeout',
      'timeout (2s) must be less than interval (2s)',
    ],
    [
      'maxLatency above timeout',
      (c) => (c.services[0].checks[0].http = { maxLatency: '3s' }),
      'services[0].checks[0].http.maxLatency',
      'maxLatency (3s) must not exceed timeout (2s)',
    ],
    [
      'weights all zero',
      (c) => (c.services[0].weights = { sha: 0, bjs: 0 }),
      'services[0].weights',
      'weights must not all be zero',
    ],
    [
      'weights on an unknown IDC',
      (c) => (c.services[0].weights = { sha: 1, hkg: 1 }),
      'services[0].weights.hkg',
      'unknown IDC "hkg"',
    ],
    [
      'weight where the service has no endpoints',
      (c) => (c.services[0].weights = { sha: 40, bjs: 40, szx: 20 }),
      'services[0].weights.szx',
      'IDC "szx" has weight 20 but service "live-edge" has no endpoints there',
    ],
    [
      'unhealthyBelow not below degradedBelow',
      (c) => (c.services[0].policy = { degradedBelow: 0.9, unhealthyBelow: 0.9 }),
      'services[0].policy.unhealthyBelow',
      'unhealthyBelow (0.9) must be less than degradedBelow (0.9)',
    ],
    [
      'quorum above the vantages of a check',
      (c) => {
        c.services[0].policy = { quorum: 3 };
        c.services[0].checks[0].vantages = ['sha', 'bjs'];
      },
      'services[0].policy.quorum',
      'quorum (3) exceeds the 2 vantages of check "http"',
    ],
    [
      'quorum above the number of IDCs',
      (c) => (c.services[0].policy = { quorum: 4 }),
      'services[0].policy.quorum',
      'quorum (4) exceeds the 3 vantages of check "http"',
    ],
    [
      'dns check on url endpoints',
      (c) => c.services[0].checks.push(dnsCheck),
      'services[0].checks[1].type',
      'dns checks query the endpoint\'s address (resolver host:port); endpoints "sha-1", "bjs-1" have a url',
    ],
    [
      'https check on http:// urls',
      (c) => (c.services[0].checks[0].type = 'https'),
      'services[0].checks[0].type',
      'https check cannot probe http:// urls (endpoints "sha-1", "bjs-1"); use type http',
    ],
    [
      'http check on an https:// url',
      (c) => (c.services[0].endpoints[0].url = 'https://edge.example/healthz'),
      'services[0].checks[0].type',
      'http check cannot probe https:// urls (endpoint "sha-1"); use type https',
    ],
    [
      'tls check on an http:// url',
      (c) => c.services[0].checks.push({ name: 'cert', type: 'tls' }),
      'services[0].checks[1].type',
      'tls check cannot probe http:// urls (endpoints "sha-1", "bjs-1"); use an address or an https:// url',
    ],
    [
      'rule scope: unknown service',
      (c) => (c.rules[0].scope = { services: ['live-edge', 'vod'] }),
      'rules[0].scope.services[1]',
      'unknown service "vod"',
    ],
    [
      'rule scope: unknown IDC',
      (c) => (c.rules[0].scope = { idcs: ['sha', 'hkg'] }),
      'rules[0].scope.idcs[1]',
      'unknown IDC "hkg"',
    ],
    [
      'notify: unknown channel',
      (c) => (c.rules[0].actions[1].channels = ['oncall', 'pager']),
      'rules[0].actions[1].channels[1]',
      'unknown channel "pager"',
    ],
    [
      'set-weights: unknown IDC',
      (c) => (c.rules[0].actions[0] = { type: 'set-weights', weights: { hkg: 100 } }),
      'rules[0].actions[0].weights.hkg',
      'unknown IDC "hkg"',
    ],
    [
      'set-weights: all zero',
      (c) => {
        c.rules[0].scope = { services: ['live-edge'] };
        c.rules[0].actions[0] = { type: 'set-weights', weights: { sha: 0 } };
      },
      'rules[0].actions[0].weights',
      'weights must not all be zero',
    ],
    [
      'set-weights: IDC without endpoints of a scoped service',
      (c) => {
        c.rules[0].scope = { services: ['origin'] };
        c.rules[0].actions[0] = { type: 'set-weights', weights: { sha: 50, bjs: 50 } };
      },
      'rules[0].actions[0].weights.bjs',
      'IDC "bjs" has weight 50 but service "origin" has no endpoints there',
    ],
    [
      'two weight-changing actions',
      (c) => c.rules[0].actions.push({ type: 'set-weights', weights: { sha: 1 } }),
      'rules[0].actions[2].type',
      'only one weight-changing action per rule: set-weights conflicts with shift-away',
    ],
    [
      'route: unknown channel',
      (c) => (c.notifications = { routes: [{ channels: ['oncall', 'pager'] }] }),
      'notifications.routes[0].channels[1]',
      'unknown channel "pager"',
    ],
    [
      'route: repeated channel',
      (c) => (c.notifications = { routes: [{ channels: ['oncall', 'oncall'] }] }),
      'notifications.routes[0].channels[1]',
      'duplicate channel "oncall"',
    ],
    [
      'route: repeated event',
      (c) =>
        (c.notifications = { routes: [{ channels: ['oncall'], events: ['panic', 'idc.state', 'panic'] }] }),
      'notifications.routes[0].events[2]',
      'duplicate event "panic"',
    ],
    [
      'route: unknown service',
      (c) => (c.notifications = { routes: [{ channels: ['oncall'], services: ['origin', 'vod'] }] }),
      'notifications.routes[0].services[1]',
      'unknown service "vod"',
    ],
    [
      'route: repeated service',
      (c) => (c.notifications = { routes: [{ channels: ['oncall'], services: ['origin', 'origin'] }] }),
      'notifications.routes[0].services[1]',
      'duplicate service "origin"',
    ],
    [
      'route: unknown IDC',
      (c) =>
        (c.notifications = { routes: [{ channels: ['oncall'] }, { channels: ['oncall'], idcs: ['hkg'] }] }),
      'notifications.routes[1].idcs[0]',
      'unknown IDC "hkg"',
    ],
    [
      'route: repeated IDC',
      (c) => (c.notifications = { routes: [{ channels: ['oncall'], idcs: ['sha', 'bjs', 'sha'] }] }),
      'notifications.routes[0].idcs[2]',
      'duplicate IDC "sha"',
    ],
    [
      'alert labels: IDC label same as the service label',
      (c) => (c.alerts = { labels: { service: 'job', idc: 'job' } }),
      'alerts.labels.idc',
      'label "job" is also the service label; service, IDC and endpoint need different labels',
    ],
    [
      'alert labels: endpoint label same as the default IDC label',
      (c) => (c.alerts = { labels: { endpoint: 'idc' } }),
      'alerts.labels.endpoint',
      'label "idc" is also the IDC label; service, IDC and endpoint need different labels',
    ],
  ])('%s', (_title, mutate, path, message) => {
    expect(problems(mutate)).toEqual([{ path, message }]);
  });

  it('accepts a zero weight on an IDC without endpoints', () => {
    const config = baseConfig();
    config.services[0].weights = { sha: 1, bjs: 1, szx: 0 };
    expect(validateConfig(config).ok).toBe(true);
  });

  it('accepts a dns check on address endpoints', () => {
    const config = baseConfig();
    config.services[1].checks.push(dnsCheck);
    expect(validateConfig(config).ok).toBe(true);
  });

  it('checks set-weights against every service when the rule is not scoped', () => {
    const details = problems((c) => (c.rules[0].actions[0] = { type: 'set-weights', weights: { bjs: 1 } }));
    expect(details).toEqual([
      {
        path: 'rules[0].actions[0].weights.bjs',
        message: 'IDC "bjs" has weight 1 but service "origin" has no endpoints there',
      },
    ]);
  });

  it.each<[string, string, string]>([
    ['a pattern that does not parse', 'ok(', 'missing closing ): `ok(`'],
    ['a backreference', '(ok)\\1', 'invalid escape sequence: `\\1`'],
    ['a lookahead', 'up(?=time)', 'invalid or unsupported Perl syntax: `(?=`'],
  ])('refuses a bodyRegex RE2 cannot compile, with its message: %s', (_name, bodyRegex, message) => {
    const details = problems((c) => (c.services[0].checks[0].http = { bodyRegex }));
    expect(details).toEqual([
      {
        path: 'services[0].checks[0].http.bodyRegex',
        message: `not a valid RE2 regular expression: ${message}`,
      },
    ]);
  });

  it('accepts a bodyRegex that backtracks catastrophically in JavaScript: RE2 runs it in linear time', () => {
    const config = baseConfig();
    config.services[0].checks[0].http = { bodyRegex: '(.*){24}!' };
    expect(validateConfig(config).ok).toBe(true);
  });

  it('accepts routes naming defined channels, services and IDCs, and distinct alert labels', () => {
    const config = baseConfig();
    config.channels.push({ name: 'pager', type: 'pagerduty', routingKey: { secretRef: 'VIGIL_REF_PD_KEY' } });
    config.notifications = {
      groupWait: '30s',
      remindEvery: '4h',
      routes: [
        { channels: ['pager'], events: ['idc.state', 'panic'], minSeverity: 'critical' },
        { channels: ['oncall', 'pager'], services: ['origin'], idcs: ['sha', 'szx'] },
      ],
    };
    config.alerts = { labels: { service: 'job', idc: 'datacenter', endpoint: 'instance' } };
    expect(validateConfig(config)).toMatchObject({ ok: true });
  });

  it('reports every bad entry of a route', () => {
    const details = problems(
      (c) =>
        (c.notifications = { routes: [{ channels: ['pager', 'pager'], services: ['vod'], idcs: ['hkg'] }] }),
    );
    expect(details).toEqual([
      { path: 'notifications.routes[0].channels[0]', message: 'unknown channel "pager"' },
      { path: 'notifications.routes[0].channels[1]', message: 'unknown channel "pager"' },
      { path: 'notifications.routes[0].channels[1]', message: 'duplicate channel "pager"' },
      { path: 'notifications.routes[0].services[0]', message: 'unknown service "vod"' },
      { path: 'notifications.routes[0].idcs[0]', message: 'unknown IDC "hkg"' },
    ]);
  });

  it('does not repeat IDC reference errors when no IDC is defined', () => {
    expect(problems((c) => (c.idcs = []))).toEqual([{ path: 'idcs', message: 'must have at least 1 item' }]);
  });
});

describe('validateConfig: every problem at once', () => {
  it('lists schema and semantic problems together, grouped by element in document order', () => {
    const details = problems((c) => {
      c.idcs[0].capacity = -5;
      c.idcs.push({ name: 'bjs', capacity: 1 });
      c.services[0].endpoints[1].idc = 'shx';
      c.services[0].checks[0].interval = '5s';
      c.services[0].checks[0].timeout = '5s';
      c.services[1].checks[0].type = 'icmp';
      c.services[1].endpoints[1].idc = 'hkg';
      c.rules[0].actions[1].channels = ['pager'];
      c.channels[0].secret = { secretRef: 'lower' };
    });
    expect(details).toEqual([
      { path: 'idcs[0].capacity', message: 'must be greater than 0' },
      { path: 'idcs[3].name', message: 'duplicate IDC name "bjs"' },
      { path: 'services[0].endpoints[1].idc', message: 'unknown IDC "shx"' },
      { path: 'services[0].checks[0].timeout', message: 'timeout (5s) must be less than interval (5s)' },
      {
        path: 'services[1].checks[0].type',
        message: 'expected one of "http", "https", "tcp", "dns", "tls", got "icmp"',
      },
      { path: 'services[1].endpoints[1].idc', message: 'unknown IDC "hkg"' },
      { path: 'rules[0].actions[1].channels[0]', message: 'unknown channel "pager"' },
      {
        path: 'channels[0].secret.secretRef',
        message: 'must be an environment variable name (A-Z, 0-9, "_")',
      },
    ]);
  });

  it('lists notifications and alerts after channels, each section in document order', () => {
    const details = problems((c) => {
      c.alerts = { labels: { service: 'x', idc: 'x' } };
      c.notifications = { groupWait: 'soon', routes: [{ channels: ['pager'] }] };
      c.channels[0].url = 'nope';
      c.idcs[0].capacity = 0;
    });
    expect(details.map((d) => d.path)).toEqual([
      'idcs[0].capacity',
      'channels[0].url',
      'notifications.groupWait',
      'notifications.routes[0].channels[0]',
      'alerts.labels.idc',
    ]);
  });

  it('still checks routes and alert labels when other notification settings fail the schema', () => {
    const details = problems((c) => {
      c.notifications = {
        groupWait: 'soon',
        routes: [
          { channels: ['oncall'], minSeverity: 'loud' },
          { channels: ['pager'], idcs: ['hkg'] },
        ],
      };
      c.alerts = { labels: { service: 'job', idc: 'job' }, signingSecret: 'plain' };
    });
    expect(details).toEqual([
      {
        path: 'notifications.groupWait',
        message: 'must be a duration such as "500ms", "5s", "2m", "1h" or "1m30s"',
      },
      {
        path: 'notifications.routes[0].minSeverity',
        message: 'expected one of "info", "warning", "error", "critical", got "loud"',
      },
      { path: 'notifications.routes[1].channels[0]', message: 'unknown channel "pager"' },
      { path: 'notifications.routes[1].idcs[0]', message: 'unknown IDC "hkg"' },
      {
        path: 'alerts.signingSecret',
        message:
          'expected a secret: {secretRef: ENV_VAR_NAME} to read it from the environment, or {value: "..."}',
      },
      {
        path: 'alerts.labels.idc',
        message: 'label "job" is also the service label; service, IDC and endpoint need different labels',
      },
    ]);
  });

  it('resolves route channels to channels that failed the schema, by the name written', () => {
    const details = problems((c) => {
      c.channels.push({ name: 'pager', type: 'pagerduty' }); // no routingKey, but "pager" is defined
      c.notifications = { routes: [{ channels: ['pager', 'oncall'], services: ['origin'] }] };
      c.services[1].checks[0].type = 'icmp'; // origin is broken, but it is still defined
    });
    expect(details.map((d) => d.path)).toEqual(['services[1].checks[0].type', 'channels[1].routingKey']);
  });

  it.each([
    ['not objects', 'all', ['x']],
    ['empty', {}, {}],
  ])('checks the rest when notifications and alerts are %s', (_title, notifications, alerts) => {
    const config = baseConfig();
    config.notifications = notifications;
    config.alerts = alerts;
    config.services[0].endpoints[0].idc = 'hkg';
    const result = validateConfig(config);
    const paths = result.ok ? [] : result.details.map((d) => d.path);
    expect(paths[0]).toBe('services[0].endpoints[0].idc');
    expect(paths.slice(1)).toEqual(typeof notifications === 'string' ? ['notifications', 'alerts'] : []);
  });

  it('does not call channels unknown when `channels` is not a list', () => {
    const details = problems((c) => {
      c.channels = { name: 'oncall', type: 'webhook', url: 'https://hooks.example/vigil' };
      c.notifications = { routes: [{ channels: ['oncall'] }] };
    });
    expect(details).toEqual([{ path: 'channels', message: 'expected a list, got an object' }]);
  });

  it('still resolves references to elements that failed the schema', () => {
    const details = problems((c) => {
      c.idcs[2].capacity = 0; // szx is broken, but it is still defined
      c.channels[0].url = 'not a url'; // oncall is broken, but it is still defined
    });
    expect(details).toEqual([
      { path: 'idcs[2].capacity', message: 'must be greater than 0' },
      { path: 'channels[0].url', message: 'must be an absolute http:// or https:// URL' },
    ]);
  });
});
