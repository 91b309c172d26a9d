import {
  DRAINING_TRAFFIC_MANAGERS,
  loadEnv,
  openSecret,
  type StoredConfig,
  type TrafficManager,
} from '@libs/config';
import { startTrafficManager } from '@libs/fleet';
import { createAdapter, TrafficManagerSpec } from './create-adapter';
import { HaproxyAdapter } from './haproxy/haproxy-adapter';
import { LogAdapter } from './log-adapter';
import { PowerDnsAdapter } from './powerdns/powerdns-adapter';
import { WebhookAdapter } from './webhook-adapter';

const change = {
  service: 'edge',
  weights: { sha: 0, bjs: 100 },
  actionId: 'a',
  step: 1,
  idempotencyKey: 'a/1',
};
const env = { VIGIL_REF_TM_SECRET: 'from-env' };
const deps = { secret: (s: Parameters<typeof openSecret>[0]) => openSecret(s, loadEnv({}), env) };

describe('createAdapter', () => {
  it('gives the log adapter for {type: log}', async () => {
    const logged: string[] = [];
    const adapter = createAdapter({ type: 'log' }, { ...deps, log: (m) => logged.push(m) });
    expect(adapter).toBeInstanceOf(LogAdapter);
    expect(adapter.kind).toBe('log');
    expect((await adapter.apply(change)).ok).toBe(true);
    expect(logged).toHaveLength(1);
  });

  it('gives a webhook adapter signing with the opened secret and the configured timeout', async () => {
    const manager = await startTrafficManager({ secret: 'from-env' });
    try {
      const spec: TrafficManager = {
        type: 'webhook',
        url: manager.url,
        secret: { secretRef: 'VIGIL_REF_TM_SECRET' },
        timeout: '2s',
      };
      const adapter = createAdapter(spec, deps);
      expect(adapter).toBeInstanceOf(WebhookAdapter);
      expect(adapter.kind).toBe('webhook');
      expect(await adapter.apply(change)).toMatchObject({ ok: true, attempts: 1 });
      expect(manager.unauthorized).toBe(0);
      expect(manager.applied()).toHaveLength(1);
    } finally {
      await manager.close();
    }
  });

  it('uses the config timeout per attempt', async () => {
    const manager = await startTrafficManager({ failNext: { count: 1, hang: true } });
    try {
      const adapter = createAdapter(
        { type: 'webhook', url: manager.url, timeout: '300ms' },
        { ...deps, webhook: { maxAttempts: 1 } },
      );
      const started = Date.now();
      const result = await adapter.apply(change);
      expect(result).toMatchObject({ ok: false, attempts: 1, detail: expect.stringMatching(/^timeout/) });
      expect(Date.now() - started).toBeGreaterThanOrEqual(280);
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      await manager.close();
    }
  });

  it('gives an haproxy adapter with the config mapped to its options', () => {
    const endpoints = [{ name: 'sha-1', idc: 'sha', capacity: 2 }];
    const adapter = createAdapter(
      {
        type: 'haproxy',
        runtimeApi: ['unix:/run/haproxy/admin.sock', 'tcp://127.0.0.1:9999'],
        backend: 'be_live',
        servers: { 'sha-1': 'web1' },
        timeout: '1500ms',
      },
      deps,
      endpoints,
    );
    expect(adapter).toBeInstanceOf(HaproxyAdapter);
    expect(adapter.kind).toBe('haproxy');
    expect((adapter as HaproxyAdapter).options).toMatchObject({
      runtimeApi: ['unix:/run/haproxy/admin.sock', 'tcp://127.0.0.1:9999'],
      backend: 'be_live',
      servers: { 'sha-1': 'web1' },
      timeoutMs: 1500,
      endpoints,
    });
    expect(() =>
      createAdapter({ type: 'haproxy', runtimeApi: ['http://x:1'], backend: 'be_live' }, deps, endpoints),
    ).toThrow(/runtimeApi must be unix:/);
  });

  it('builds adapters whose drainsEndpoints agrees with DRAINING_TRAFFIC_MANAGERS, for every type', () => {
    const specs: TrafficManagerSpec[] = [
      { type: 'log' },
      { type: 'webhook', url: 'http://127.0.0.1:1/' },
      { type: 'haproxy', runtimeApi: ['unix:/run/haproxy/admin.sock'], backend: 'be_live' },
      {
        type: 'powerdns',
        url: 'http://127.0.0.1:8081',
        apiKey: { secretRef: 'VIGIL_REF_TM_SECRET' },
        zone: 'example.org.',
        name: 'live.example.org.',
        addresses: { sha: ['192.0.2.1'] },
      },
    ];
    // Every type of TrafficManagerSpec must be a key here (a new type fails to compile until added).
    const types = { log: 1, webhook: 1, haproxy: 1, powerdns: 1 } satisfies Record<
      TrafficManagerSpec['type'],
      1
    >;
    expect(specs.map((s) => s.type)).toEqual(Object.keys(types));
    for (const spec of specs) {
      expect({ type: spec.type, drains: createAdapter(spec, deps).drainsEndpoints }).toEqual({
        type: spec.type,
        drains: DRAINING_TRAFFIC_MANAGERS.has(spec.type),
      });
    }
  });

  it('fails when the secret cannot be opened, or the type is unknown', () => {
    const spec: TrafficManagerSpec = {
      type: 'webhook',
      url: 'http://127.0.0.1:1/',
      secret: { secretRef: 'VIGIL_REF_UNSET_VAR' },
    };
    expect(() => createAdapter(spec, deps)).toThrow(/VIGIL_REF_UNSET_VAR is not set/);
    expect(() => createAdapter({ type: 'route53' } as unknown as TrafficManagerSpec, deps)).toThrow(
      /unknown traffic manager type "route53"/,
    );
  });

  it('gives a powerdns adapter with the opened key, the defaults and the TTL in seconds', () => {
    const spec: TrafficManagerSpec = {
      type: 'powerdns',
      url: 'http://127.0.0.1:8081',
      apiKey: { secretRef: 'VIGIL_REF_TM_SECRET' },
      zone: 'example.org.',
      name: 'live.example.org.',
      ttl: '1m',
      addresses: { sha: ['192.0.2.1'], bj: ['192.0.2.2'] },
      timeout: '2s',
    };
    const adapter = createAdapter(spec, deps);
    expect(adapter).toBeInstanceOf(PowerDnsAdapter);
    expect(adapter.kind).toBe('powerdns');
    expect(adapter.drainsEndpoints).toBe(false);
    const options = (adapter as PowerDnsAdapter).options;
    expect(options).toMatchObject({
      apiKey: 'from-env',
      serverId: 'localhost',
      recordType: 'A',
      selector: 'pickwrandom',
      ttlSeconds: 60,
      timeoutMs: 2000,
    });
    expect((adapter as PowerDnsAdapter).propagationDelayMs).toBe(60_000);
    expect(String(adapter)).not.toContain('from-env');
  });
});

// Type-level: a stored (sealed-secret) config's trafficManager is accepted too.
export const storedFits = (tm: StoredConfig['services'][number]['trafficManager']): TrafficManagerSpec => tm;
