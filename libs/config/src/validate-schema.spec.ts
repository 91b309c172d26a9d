import { baseConfig } from './spec-fixtures';
import { validateConfig } from './validate';

type Mutation = (c: ReturnType<typeof baseConfig>) => void;

const NAME_RULE = 'must be lowercase letters, digits and "-", starting and ending with a letter or digit';
const SECRET_HELP =
  'expected a secret: {secretRef: ENV_VAR_NAME} to read it from the environment, or {value: "..."}';
const CHECK_TYPES = '"http", "https", "tcp", "dns", "tls"';

/** An email channel without credentials. */
const MAIL = {
  name: 'oncall',
  type: 'email',
  host: 'smtp.example.com',
  from: 'vigil@example.com',
  to: ['oncall@example.com'],
};

function problems(mutate: Mutation) {
  const config = baseConfig();
  mutate(config);
  const result = validateConfig(config);
  if (result.ok) throw new Error('expected the config to be invalid');
  return result.details;
}

describe('validateConfig: schema problems', () => {
  it('accepts the base fixture', () => {
    expect(validateConfig(baseConfig())).toMatchObject({ ok: true });
  });

  it.each<[string, Mutation, string, string | jest.AsymmetricMatcher]>([
    [
      'wrong apiVersion',
      (c) => (c.apiVersion = 'vigil/v2'),
      'apiVersion',
      'expected "vigil/v1", got "vigil/v2"',
    ],
    ['missing apiVersion', (c) => delete c.apiVersion, 'apiVersion', 'is required (expected "vigil/v1")'],
    ['no IDCs', (c) => (c.idcs = []), 'idcs', 'must have at least 1 item'],
    ['idcs not a list', (c) => (c.idcs = { sha: {} }), 'idcs', 'expected a list, got an object'],
    ['top-level typo', (c) => (c.rule = []), 'rule', 'unknown field "rule" (did you mean "rules"?)'],
    ['unrelated unknown key', (c) => (c.idcs[0].zone = 'x'), 'idcs[0].zone', 'unknown field "zone"'],
    ['uppercase IDC name', (c) => c.idcs.push({ name: 'HKG', capacity: 1 }), 'idcs[3].name', NAME_RULE],
    ['IDC name with a dot', (c) => c.idcs.push({ name: 'hk.g', capacity: 1 }), 'idcs[3].name', NAME_RULE],
    [
      'long IDC name',
      (c) => c.idcs.push({ name: 'a'.repeat(64), capacity: 1 }),
      'idcs[3].name',
      'must be at most 63 characters',
    ],
    ['zero capacity', (c) => (c.idcs[1].capacity = 0), 'idcs[1].capacity', 'must be greater than 0'],
    ['text capacity', (c) => (c.idcs[1].capacity = '10'), 'idcs[1].capacity', 'expected a number, got "10"'],
    [
      'label not a string',
      (c) => (c.idcs[0].labels = { tier: 1 }),
      'idcs[0].labels.tier',
      'expected a string, got 1',
    ],
    [
      'endpoint with url and address',
      (c) => (c.services[0].endpoints[0].address = '10.0.0.1:8080'),
      'services[0].endpoints[0]',
      'expected one of url or address, not both',
    ],
    [
      'endpoint without target',
      (c) => delete c.services[0].endpoints[0].url,
      'services[0].endpoints[0]',
      'expected one of url or address',
    ],
    [
      'ftp url',
      (c) => (c.services[0].endpoints[0].url = 'ftp://10.0.0.1/x'),
      'services[0].endpoints[0].url',
      'must be an absolute http:// or https:// URL',
    ],
    [
      'address without port',
      (c) => (c.services[1].endpoints[0].address = '10.0.2.1'),
      'services[1].endpoints[0].address',
      'must be host:port, e.g. "10.0.0.1:8080" or "[2001:db8::1]:53"',
    ],
    [
      'address port out of range',
      (c) => (c.services[1].endpoints[0].address = '10.0.2.1:70000'),
      'services[1].endpoints[0].address',
      'port must be between 1 and 65535',
    ],
    [
      'negative endpoint capacity',
      (c) => (c.services[0].endpoints[1].capacity = -1),
      'services[0].endpoints[1].capacity',
      'must be greater than 0',
    ],
    [
      'uppercase endpoint name',
      (c) => (c.services[0].endpoints[1].name = 'BJS_1'),
      'services[0].endpoints[1].name',
      'must be lowercase letters, digits, "-" and ".", starting and ending with a letter or digit',
    ],
    [
      'service without endpoints',
      (c) => (c.services[0].endpoints = []),
      'services[0].endpoints',
      'must have at least 1 item',
    ],
    ['service without checks', (c) => delete c.services[0].checks, 'services[0].checks', 'is required'],
    [
      'unknown check type',
      (c) => (c.services[0].checks[0].type = 'htp'),
      'services[0].checks[0].type',
      `expected one of ${CHECK_TYPES}, got "htp"`,
    ],
    [
      'missing check type',
      (c) => delete c.services[0].checks[0].type,
      'services[0].checks[0].type',
      `is required (expected one of ${CHECK_TYPES})`,
    ],
    [
      'check field typo',
      (c) => (c.services[0].checks[0].intervall = '5s'),
      'services[0].checks[0].intervall',
      'unknown field "intervall" (did you mean "interval"?)',
    ],
    [
      'malformed interval',
      (c) => (c.services[0].checks[0].interval = '5 s'),
      'services[0].checks[0].interval',
      'must be a duration such as "500ms", "5s", "2m", "1h" or "1m30s"',
    ],
    [
      'interval below 1s',
      (c) => Object.assign(c.services[0].checks[0], { interval: '500ms', timeout: '100ms' }),
      'services[0].checks[0].interval',
      'must be at least 1s',
    ],
    [
      'zero healthyThreshold',
      (c) => (c.services[0].checks[0].healthyThreshold = 0),
      'services[0].checks[0].healthyThreshold',
      'must be at least 1',
    ],
    [
      'fractional unhealthyThreshold',
      (c) => (c.services[0].checks[0].unhealthyThreshold = 1.5),
      'services[0].checks[0].unhealthyThreshold',
      'expected an integer, got 1.5',
    ],
    [
      'empty vantages',
      (c) => (c.services[0].checks[0].vantages = []),
      'services[0].checks[0].vantages',
      'must have at least 1 item',
    ],
    [
      'tcp options on an http check',
      (c) => (c.services[0].checks[0].tcp = { send: 'PING' }),
      'services[0].checks[0].tcp',
      'tcp options are only allowed on tcp checks, not on http/https checks',
    ],
    [
      'http options on a tcp check',
      (c) => (c.services[1].checks[0].http = { path: '/' }),
      'services[1].checks[0].http',
      'http options are only allowed on http and https checks, not on tcp checks',
    ],
    [
      'dns options on a tls check',
      (c) => (c.services[1].checks[1].dns = { name: 'a.example' }),
      'services[1].checks[1].dns',
      'dns options are only allowed on dns checks, not on tls checks',
    ],
    [
      'dns check without dns options',
      (c) => c.services[1].checks.push({ name: 'dns', type: 'dns' }),
      'services[1].checks[2].dns',
      'dns options are required for dns checks',
    ],
    [
      'bad dns record type',
      (c) =>
        c.services[1].checks.push({ name: 'dns', type: 'dns', dns: { name: 'a.example', recordType: 'MX' } }),
      'services[1].checks[2].dns.recordType',
      'expected one of "A", "AAAA", "CNAME", "TXT", got "MX"',
    ],
    [
      'http method',
      (c) => (c.services[0].checks[0].http = { method: 'FETCH' }),
      'services[0].checks[0].http.method',
      'expected one of "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", got "FETCH"',
    ],
    [
      'relative http path',
      (c) => (c.services[0].checks[0].http = { path: 'healthz' }),
      'services[0].checks[0].http.path',
      'must start with "/"',
    ],
    [
      'bad expected status',
      (c) => (c.services[0].checks[0].http = { expectStatus: [200, '20x'] }),
      'services[0].checks[0].http.expectStatus[1]',
      'expected a status code (100-599) or a class such as "2xx"',
    ],
    [
      'bad header value',
      (c) => (c.services[0].checks[0].http = { headers: { 'X-A': 5 } }),
      'services[0].checks[0].http.headers.X-A',
      'expected a string or a secret ({secretRef} or {value})',
    ],
    [
      'bad header name',
      (c) => (c.services[0].checks[0].http = { headers: { 'X A': 'b' } }),
      'services[0].checks[0].http.headers["X A"]',
      'invalid key',
    ],
    [
      'jsonPath without $',
      (c) => (c.services[0].checks[0].http = { jsonPath: { path: 'status' } }),
      'services[0].checks[0].http.jsonPath.path',
      'must start with "$", e.g. "$.status"',
    ],
    [
      'negative minDaysToExpiry',
      (c) => (c.services[1].checks[1].tls = { minDaysToExpiry: -1 }),
      'services[1].checks[1].tls.minDaysToExpiry',
      'must be at least 0',
    ],
    [
      'negative weight',
      (c) => (c.services[0].weights = { sha: -1, bjs: 1 }),
      'services[0].weights.sha',
      'must be at least 0',
    ],
    [
      'maxUtilization above 1',
      (c) => (c.services[0].policy = { maxUtilization: 1.5 }),
      'services[0].policy.maxUtilization',
      'must be at most 1',
    ],
    [
      'panicThreshold of 1',
      (c) => (c.services[0].policy = { panicThreshold: 1 }),
      'services[0].policy.panicThreshold',
      'must be less than 1',
    ],
    [
      'maxStepPercent above 100',
      (c) => (c.services[0].policy = { maxStepPercent: 101 }),
      'services[0].policy.maxStepPercent',
      'must be at most 100',
    ],
    [
      'zero maxActionsPerHour',
      (c) => (c.services[0].policy = { maxActionsPerHour: 0 }),
      'services[0].policy.maxActionsPerHour',
      'must be at least 1',
    ],
    [
      'flapping typo',
      (c) => (c.services[0].policy = { flapping: { windows: '5m' } }),
      'services[0].policy.flapping.windows',
      'unknown field "windows" (did you mean "window"?)',
    ],
    [
      'unknown traffic manager',
      (c) => (c.services[0].trafficManager = { type: 'f5' }),
      'services[0].trafficManager.type',
      'expected one of "webhook", "log", "haproxy", "powerdns", got "f5"',
    ],
    [
      'webhook traffic manager without url',
      (c) => (c.services[0].trafficManager = { type: 'webhook' }),
      'services[0].trafficManager.url',
      'is required',
    ],
    ['empty rule condition', (c) => (c.rules[0].when = '  '), 'rules[0].when', 'must not be empty'],
    [
      'long rule condition',
      (c) => (c.rules[0].when = 'x'.repeat(4097)),
      'rules[0].when',
      'must be at most 4096 characters',
    ],
    [
      'unknown rule mode',
      (c) => (c.rules[0].mode = 'on'),
      'rules[0].mode',
      'expected one of "enforce", "approval", "dry-run", got "on"',
    ],
    [
      'rule without actions',
      (c) => (c.rules[0].actions = []),
      'rules[0].actions',
      'must have at least 1 item',
    ],
    [
      'rule for typo',
      (c) => (c.rules[0].for = '30'),
      'rules[0].for',
      'must be a duration such as "500ms", "5s", "2m", "1h" or "1m30s"',
    ],
    [
      'unknown action',
      (c) => (c.rules[0].actions[0] = { type: 'page' }),
      'rules[0].actions[0].type',
      'expected one of "shift-away", "drain-endpoint", "set-weights", "notify", got "page"',
    ],
    [
      'notify without channels',
      (c) => (c.rules[0].actions[1].channels = []),
      'rules[0].actions[1].channels',
      'must have at least 1 item',
    ],
    [
      'unknown channel type',
      (c) => (c.channels[0].type = 'sms'),
      'channels[0].type',
      'expected one of "webhook", "slack", "pagerduty", "email", "opsgenie", "teams", "lark", got "sms"',
    ],
    [
      'email password without username',
      (c) => (c.channels[0] = { ...MAIL, password: { secretRef: 'VIGIL_REF_SMTP' } }),
      'channels[0].username',
      'is required with `password`',
    ],
    [
      'email password over tls none',
      (c) =>
        (c.channels[0] = { ...MAIL, tls: 'none', username: 'u', password: { secretRef: 'VIGIL_REF_SMTP' } }),
      'channels[0].password',
      'would be sent in clear with tls "none": use tls "starttls" or "implicit"',
    ],
    [
      'email tls mode',
      (c) => (c.channels[0] = { ...MAIL, tls: 'ssl' }),
      'channels[0].tls',
      'expected one of "starttls", "implicit", "none", got "ssl"',
    ],
    [
      'email recipient',
      (c) => (c.channels[0] = { ...MAIL, to: ['oncall@example.com', 'not-an-address'] }),
      'channels[0].to[1]',
      'must be an email address, e.g. "oncall@example.com"',
    ],
    [
      'email recipient twice',
      (c) => (c.channels[0] = { ...MAIL, to: ['a@example.com', 'A@example.com'] }),
      'channels[0].to[1]',
      'lists A@example.com twice',
    ],
    [
      'email host with a scheme',
      (c) => (c.channels[0] = { ...MAIL, host: 'smtp://mail.example.com' }),
      'channels[0].host',
      'must be a host name or IP address, without scheme or port',
    ],
    [
      'opsgenie without apiKey',
      (c) => (c.channels[0] = { name: 'oncall', type: 'opsgenie' }),
      'channels[0].apiKey',
      'is required',
    ],
    [
      'teams webhookUrl in plain text',
      (c) => (c.channels[0] = { name: 'oncall', type: 'teams', webhookUrl: 'https://x.example/w' }),
      'channels[0].webhookUrl',
      'expected a secret: {secretRef: ENV_VAR_NAME} to read it from the environment, or {value: "..."}',
    ],
    [
      'lark signingSecret in plain text',
      (c) =>
        (c.channels[0] = {
          name: 'oncall',
          type: 'lark',
          webhookUrl: { secretRef: 'VIGIL_REF_LARK' },
          signingSecret: 's',
        }),
      'channels[0].signingSecret',
      'expected a secret: {secretRef: ENV_VAR_NAME} to read it from the environment, or {value: "..."}',
    ],
    [
      'slack without webhookUrl',
      (c) => (c.channels[0] = { name: 'oncall', type: 'slack' }),
      'channels[0].webhookUrl',
      'is required',
    ],
    [
      'pagerduty severity',
      (c) =>
        (c.channels[0] = {
          name: 'oncall',
          type: 'pagerduty',
          routingKey: { secretRef: 'VIGIL_REF_PD' },
          severity: 'high',
        }),
      'channels[0].severity',
      'expected one of "info", "warning", "error", "critical", got "high"',
    ],
    [
      'pagerduty routing key not 32 characters',
      (c) => (c.channels[0] = { name: 'oncall', type: 'pagerduty', routingKey: { value: 'R0UT1NGKEY' } }),
      'channels[0].routingKey.value',
      'must be 32 characters (a PagerDuty integration key), got 10',
    ],
    [
      'rate limit window below 1s',
      (c) => (c.channels[0].rateLimit = { per: '500ms' }),
      'channels[0].rateLimit.per',
      'must be at least 1s',
    ],
    [
      'rate limit of zero',
      (c) => (c.channels[0].rateLimit = { max: 0 }),
      'channels[0].rateLimit.max',
      'must be at least 1',
    ],
    [
      'pagerduty url not http',
      (c) =>
        (c.channels[0] = {
          name: 'oncall',
          type: 'pagerduty',
          routingKey: { secretRef: 'VIGIL_REF_PD' },
          url: 'ftp://events.example/v2',
        }),
      'channels[0].url',
      'must be an absolute http:// or https:// URL',
    ],
    [
      'notifications groupWait typo',
      (c) => (c.notifications = { groupWait: '10' }),
      'notifications.groupWait',
      'must be a duration such as "500ms", "5s", "2m", "1h" or "1m30s"',
    ],
    [
      'remindEvery below 1m',
      (c) => (c.notifications = { remindEvery: '30s' }),
      'notifications.remindEvery',
      'must be at least 1m',
    ],
    [
      'route without channels',
      (c) => (c.notifications = { routes: [{ channels: [] }] }),
      'notifications.routes[0].channels',
      'must have at least 1 item',
    ],
    [
      'route with an unknown event',
      (c) => (c.notifications = { routes: [{ channels: ['oncall'], events: ['idc.down'] }] }),
      'notifications.routes[0].events[0]',
      expect.stringMatching(/^expected one of "endpoint.state", "idc.state", .*, got "idc.down"$/),
    ],
    [
      'route severity typo',
      (c) => (c.notifications = { routes: [{ channels: ['oncall'], minSeverity: 'warn' }] }),
      'notifications.routes[0].minSeverity',
      'expected one of "info", "warning", "error", "critical", got "warn"',
    ],
    [
      'route key typo',
      (c) => (c.notifications = { routes: [{ channels: ['oncall'], service: ['origin'] }] }),
      'notifications.routes[0].service',
      'unknown field "service" (did you mean "services"?)',
    ],
    [
      'empty alert label',
      (c) => (c.alerts = { labels: { idc: '' } }),
      'alerts.labels.idc',
      'must not be empty',
    ],
    [
      'alert signing secret as a string',
      (c) => (c.alerts = { signingSecret: 'hunter2' }),
      'alerts.signingSecret',
      SECRET_HELP,
    ],
    [
      'lowercase secretRef',
      (c) => (c.channels[0].secret = { secretRef: 'hook_secret' }),
      'channels[0].secret.secretRef',
      'must be an environment variable name (A-Z, 0-9, "_")',
    ],
    ['secret as a string', (c) => (c.channels[0].secret = 'hunter2'), 'channels[0].secret', SECRET_HELP],
    [
      'secret with two forms',
      (c) => (c.channels[0].secret = { secretRef: 'VIGIL_REF_A', value: 'b' }),
      'channels[0].secret',
      SECRET_HELP,
    ],
    [
      'empty secret value',
      (c) => (c.channels[0].secret = { value: '' }),
      'channels[0].secret.value',
      'must not be empty',
    ],
  ])('%s', (_title, mutate, path, message) => {
    expect(problems(mutate)).toEqual([{ path, message }]);
  });

  it('accepts email, Opsgenie, Teams and Lark channels, with their defaults', () => {
    const config = baseConfig();
    config.channels.push(
      { ...MAIL, name: 'mail', username: 'vigil', password: { secretRef: 'VIGIL_REF_SMTP' } },
      { name: 'og', type: 'opsgenie', apiKey: { secretRef: 'VIGIL_REF_OG' } },
      { name: 'teams', type: 'teams', webhookUrl: { secretRef: 'VIGIL_REF_TEAMS' } },
      {
        name: 'lark',
        type: 'lark',
        webhookUrl: { value: 'https://open.feishu.cn/x' },
        signingSecret: { value: 's' },
      },
    );
    const result = validateConfig(config);
    if (!result.ok) throw new Error(JSON.stringify(result.details));
    expect(result.config.channels.slice(-4)).toMatchObject([
      { type: 'email', tls: 'starttls', rateLimit: { max: 20, per: '1m' } },
      { type: 'opsgenie', apiUrl: 'https://api.opsgenie.com' },
      { type: 'teams' },
      { type: 'lark' },
    ]);
    expect(result.config.channels.at(-4)).not.toHaveProperty('port');
  });

  it('reports a typo and the missing field it was meant to be', () => {
    const details = problems((c) => {
      c.idcs[0].capcity = c.idcs[0].capacity;
      delete c.idcs[0].capacity;
    });
    expect(details).toEqual([
      { path: 'idcs[0].capacity', message: 'is required' },
      { path: 'idcs[0].capcity', message: 'unknown field "capcity" (did you mean "capacity"?)' },
    ]);
  });

  it.each([
    ['a 32-character value', { value: 'R0UT1NGKEY0123456789abcdefghijkl' }],
    ['a secretRef (read where it is used)', { secretRef: 'VIGIL_REF_PD_KEY' }],
    ['a redacted value (the stored key)', { value: '<redacted>' }],
  ])('takes a pagerduty routing key given as %s', (_title, routingKey) => {
    const config = baseConfig();
    config.channels[0] = { name: 'oncall', type: 'pagerduty', routingKey };
    expect(validateConfig(config)).toMatchObject({ ok: true });
  });

  it('refuses the stored (encrypted) secret form from users', () => {
    const details = problems((c) => (c.channels[0].secret = { encrypted: 'v1:abc', fingerprint: '0123' }));
    expect(details).toEqual(
      expect.arrayContaining([
        { path: 'channels[0].secret.encrypted', message: 'unknown field "encrypted"' },
        { path: 'channels[0].secret.fingerprint', message: 'unknown field "fingerprint"' },
      ]),
    );
  });

  it.each([null, 'text', 42, []])('reports a non-object document (%j) at the root', (raw) => {
    const result = validateConfig(raw);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.details[0].path).toBe('');
  });
});
