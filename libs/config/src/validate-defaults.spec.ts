import { baseConfig } from './spec-fixtures';
import { validateConfig } from './validate';

function validated(mutate: (c: ReturnType<typeof baseConfig>) => void = () => undefined) {
  const config = baseConfig();
  mutate(config);
  const result = validateConfig(config);
  if (!result.ok) throw new Error(JSON.stringify(result.details));
  return result.config;
}

describe('validateConfig: defaults', () => {
  it('fills in IDC, endpoint and service defaults', () => {
    const config = validated();
    expect(config.idcs[0]).toEqual({ name: 'sha', capacity: 100, labels: {} });
    expect(config.services[0].endpoints[0]).toEqual({
      idc: 'sha',
      name: 'sha-1',
      url: 'http://10.0.0.1:8080/healthz',
      capacity: 1,
      labels: {},
    });
    expect(config.services[0].labels).toEqual({});
    expect(config.services[0].trafficManager).toEqual({ type: 'log' });
    expect(config.services[0].weights).toBeUndefined();
  });

  it('names endpoints after their address or url when they have no name', () => {
    const config = validated((c) =>
      c.services[0].endpoints.push({ idc: 'sha', url: 'http://10.0.0.9:8080/healthz' }),
    );
    expect(config.services[1].endpoints.map((e) => e.name)).toEqual(['10.0.2.1-443', '10.0.3.1-443']);
    expect(config.services[0].endpoints[2].name).toBe('10.0.0.9-8080');
  });

  it('fills in check defaults per type', () => {
    const config = validated((c) =>
      c.services[1].checks.push({ name: 'dns', type: 'dns', dns: { name: 'a.example' } }),
    );
    const [http] = config.services[0].checks;
    expect(http).toEqual({
      name: 'http',
      type: 'http',
      interval: '10s',
      timeout: '2s',
      healthyThreshold: 2,
      unhealthyThreshold: 3,
      failOnStatus: false,
      http: {
        method: 'GET',
        expectStatus: ['2xx'],
        tlsVerify: true,
        followRedirects: false,
        connection: 'new',
      },
    });
    const [tcp, tls, dns] = config.services[1].checks;
    expect(tcp).not.toHaveProperty('tcp');
    expect(tcp).not.toHaveProperty('vantages');
    expect(tls).toMatchObject({ tls: { minDaysToExpiry: 14, verifyChain: true, verifyHostname: true } });
    expect(dns).toMatchObject({ dns: { name: 'a.example', recordType: 'A', expectRcode: 'NOERROR' } });
  });

  it('fills in every policy default', () => {
    expect(validated().services[0].policy).toEqual({
      maxUtilization: 0.8,
      maxStepPercent: 25,
      stepInterval: '30s',
      panicThreshold: 0.5,
      cooldown: '5m',
      maxActionsPerHour: 6,
      recoveryHold: '5m',
      degradedBelow: 0.9,
      unhealthyBelow: 0.5,
      flapping: { maxTransitions: 5, window: '5m', hold: '2m' },
      failbackBackoff: { window: '1h', maxHold: '1h' },
    });
  });

  it('keeps given policy fields and defaults the rest', () => {
    const policy = validated((c) => (c.services[0].policy = { maxStepPercent: 10, flapping: { hold: '1m' } }))
      .services[0].policy;
    expect(policy.maxStepPercent).toBe(10);
    expect(policy.maxUtilization).toBe(0.8);
    expect(policy.flapping).toEqual({ maxTransitions: 5, window: '5m', hold: '1m' });
  });

  it('fills in rule, channel and traffic manager defaults', () => {
    const config = validated((c) => {
      c.services[0].trafficManager = { type: 'webhook', url: 'https://gslb.example/w' };
      c.channels.push({ name: 'pd', type: 'pagerduty', routingKey: { secretRef: 'VIGIL_REF_PD_KEY' } });
    });
    expect(config.rules[0]).toMatchObject({ for: '0s', priority: 0, cooldown: '5m', mode: 'approval' });
    expect(config.channels[1]).toEqual({
      name: 'pd',
      type: 'pagerduty',
      routingKey: { secretRef: 'VIGIL_REF_PD_KEY' },
      url: 'https://events.pagerduty.com/v2/enqueue',
      rateLimit: { max: 20, per: '1m' },
    });
    expect(config.channels[0]).toMatchObject({ rateLimit: { max: 20, per: '1m' } });
    expect(config.services[0].trafficManager).toEqual({
      type: 'webhook',
      url: 'https://gslb.example/w',
      timeout: '5s',
    });
  });

  it('defaults services, rules and channels to empty lists, and notifications and alerts to their defaults', () => {
    const result = validateConfig({ apiVersion: 'vigil/v1', idcs: [{ name: 'sha', capacity: 1 }] });
    expect(result).toEqual({
      ok: true,
      config: {
        apiVersion: 'vigil/v1',
        idcs: [{ name: 'sha', capacity: 1, labels: {} }],
        services: [],
        rules: [],
        channels: [],
        notifications: { groupWait: '10s', routes: [] },
        alerts: { labels: { service: 'service', idc: 'idc', endpoint: 'instance' } },
      },
    });
  });

  it('fills in route defaults and keeps given notification settings', () => {
    const config = validated((c) => {
      c.notifications = { remindEvery: '4h', routes: [{ channels: ['oncall'] }] };
      c.alerts = { labels: { endpoint: 'node' }, signingSecret: { secretRef: 'VIGIL_REF_ALERT_KEY' } };
    });
    expect(config.notifications).toEqual({
      groupWait: '10s',
      remindEvery: '4h',
      routes: [{ channels: ['oncall'], minSeverity: 'info' }],
    });
    expect(config.alerts).toEqual({
      labels: { service: 'service', idc: 'idc', endpoint: 'node' },
      signingSecret: { secretRef: 'VIGIL_REF_ALERT_KEY' },
    });
  });

  it('is idempotent: a validated config validates to itself', () => {
    const once = validated();
    expect(validateConfig(once)).toEqual({ ok: true, config: once });
  });

  it('does not modify its input', () => {
    const input = baseConfig();
    const copy = structuredClone(input);
    validateConfig(input);
    expect(input).toEqual(copy);
  });
});
