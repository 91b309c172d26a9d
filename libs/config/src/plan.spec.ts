import { diffConfigs, planConfig } from './plan';
import { Config } from './schema';
import { sealSecrets } from './secrets';
import { baseConfig } from './spec-fixtures';
import { validateConfig } from './validate';

function config(mutate: (c: ReturnType<typeof baseConfig>) => void = () => undefined): Config {
  const raw = baseConfig();
  mutate(raw);
  const result = validateConfig(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.details));
  return result.config;
}

describe('planConfig', () => {
  it('creates everything from nothing, ordered by kind then name', () => {
    const plan = planConfig(null, config());
    expect(plan.changes).toEqual([
      { kind: 'idc', name: 'bjs', op: 'create' },
      { kind: 'idc', name: 'sha', op: 'create' },
      { kind: 'idc', name: 'szx', op: 'create' },
      { kind: 'service', name: 'live-edge', op: 'create' },
      { kind: 'service', name: 'origin', op: 'create' },
      { kind: 'rule', name: 'idc-down', op: 'create' },
      { kind: 'channel', name: 'oncall', op: 'create' },
    ]);
    expect(plan.summary).toEqual({ create: 7, update: 0, delete: 0 });
  });

  it('is empty for the same config', () => {
    expect(planConfig(config(), config())).toEqual({
      changes: [],
      summary: { create: 0, update: 0, delete: 0 },
    });
  });

  it('is empty when only key order, list order of named elements or explicit defaults differ', () => {
    const shuffled = config((c) => {
      c.idcs.reverse();
      c.services[0].endpoints.reverse();
      c.services[0].checks[0] = { http: { method: 'GET' }, interval: '10s', type: 'http', name: 'http' };
      c.services[0].policy = { maxUtilization: 0.8, flapping: { hold: '2m' } };
      c.rules[0].mode = 'approval';
    });
    const reordered = JSON.parse(JSON.stringify(config(), (_k, v) => reverseKeys(v)));
    expect(planConfig(config(), shuffled).changes).toEqual([]);
    expect(planConfig(reordered, config()).changes).toEqual([]);
  });

  it('lists field changes with readable paths', () => {
    const after = config((c) => {
      c.idcs[0].capacity = 200;
      c.idcs[0].labels = { tier: 'core' };
      c.services[0].endpoints[0].capacity = 5;
      c.services[0].endpoints.push({ idc: 'bjs', name: 'bjs-2', address: '10.0.1.2:8080' });
      c.services[0].checks[0].interval = '5s';
      c.services[0].checks[0].vantages = ['sha', 'bjs'];
      c.services[0].weights = { sha: 70, bjs: 30 };
      c.services[1].endpoints.pop();
    });
    const plan = planConfig(config(), after);
    expect(plan.changes).toEqual([
      {
        kind: 'idc',
        name: 'sha',
        op: 'update',
        fields: [
          { path: 'capacity', before: 100, after: 200 },
          { path: 'labels.tier', after: 'core' },
        ],
      },
      {
        kind: 'service',
        name: 'live-edge',
        op: 'update',
        fields: [
          { path: 'checks[http].interval', before: '10s', after: '5s' },
          { path: 'checks[http].vantages', after: ['sha', 'bjs'] },
          {
            path: 'endpoints[bjs-2]',
            after: { idc: 'bjs', name: 'bjs-2', address: '10.0.1.2:8080', capacity: 1, labels: {} },
          },
          { path: 'endpoints[sha-1].capacity', before: 1, after: 5 },
          { path: 'weights', after: { bjs: 30, sha: 70 } },
        ],
      },
      {
        kind: 'service',
        name: 'origin',
        op: 'update',
        fields: [
          {
            path: 'endpoints[10.0.3.1-443]',
            before: { idc: 'szx', name: '10.0.3.1-443', address: '10.0.3.1:443', capacity: 1, labels: {} },
          },
        ],
      },
    ]);
    expect(plan.summary).toEqual({ create: 0, update: 3, delete: 0 });
  });

  it('shows weight changes per IDC', () => {
    const before = config((c) => (c.services[0].weights = { sha: 50, bjs: 50 }));
    const after = config((c) => (c.services[0].weights = { sha: 100, bjs: 0 }));
    expect(planConfig(before, after).changes[0].fields).toEqual([
      { path: 'weights.bjs', before: 50, after: 0 },
      { path: 'weights.sha', before: 50, after: 100 },
    ]);
  });

  it('creates, updates and deletes in one plan', () => {
    const after = config((c) => {
      c.idcs = c.idcs.filter((idc: { name: string }) => idc.name !== 'szx');
      c.idcs.push({ name: 'hkg', capacity: 10 });
      c.services[1].endpoints[1].idc = 'hkg';
      c.rules[0].mode = 'enforce';
      c.channels = [{ name: 'slack', type: 'slack', webhookUrl: { secretRef: 'VIGIL_REF_SLACK_URL' } }];
      c.rules[0].actions[1].channels = ['slack'];
    });
    const plan = planConfig(config(), after);
    expect(plan.changes.map(({ kind, name, op }) => `${op} ${kind} ${name}`)).toEqual([
      'create idc hkg',
      'delete idc szx',
      'update service origin',
      'update rule idc-down',
      'delete channel oncall',
      'create channel slack',
    ]);
    expect(plan.summary).toEqual({ create: 2, update: 2, delete: 2 });
  });

  it('is empty for the same config with notifications and alerts written', () => {
    const withSettings = () =>
      config((c) => {
        c.notifications = { groupWait: '30s', routes: [{ channels: ['oncall'], minSeverity: 'warning' }] };
        c.alerts = { labels: { endpoint: 'node' }, signingSecret: { secretRef: 'VIGIL_REF_ALERT_KEY' } };
      });
    expect(planConfig(withSettings(), withSettings()).changes).toEqual([]);
  });

  it('lists a settings change (notifications.groupWait alone) as an update of the section', () => {
    const plan = planConfig(
      config(),
      config((c) => (c.notifications = { groupWait: '30s' })),
    );
    expect(plan).toEqual({
      changes: [
        {
          kind: 'settings',
          name: 'notifications',
          op: 'update',
          fields: [{ path: 'groupWait', before: '10s', after: '30s' }],
        },
      ],
      summary: { create: 0, update: 1, delete: 0 },
    });
  });

  it('lists settings after the named kinds, notifications before alerts, compared with their defaults', () => {
    const route = { channels: ['oncall'], minSeverity: 'warning' };
    const after = config((c) => {
      c.idcs[0].capacity = 200;
      c.alerts = { labels: { endpoint: 'node' } };
      c.notifications = { remindEvery: '4h', routes: [route] };
    });
    const settings = [
      {
        kind: 'settings',
        name: 'notifications',
        op: 'update',
        fields: [
          { path: 'remindEvery', after: '4h' },
          { path: 'routes', before: [], after: [route] },
        ],
      },
      {
        kind: 'settings',
        name: 'alerts',
        op: 'update',
        fields: [{ path: 'labels.endpoint', before: 'instance', after: 'node' }],
      },
    ];
    expect(planConfig(config(), after).changes.map((c) => `${c.kind} ${c.name}`)).toEqual([
      'idc sha',
      'settings notifications',
      'settings alerts',
    ]);
    expect(planConfig(config(), after).changes.slice(1)).toEqual(settings);
    // From nothing: the settings are updates of the defaults; settings left at defaults are not listed.
    const fromNothing = planConfig(null, after);
    expect(fromNothing.changes.slice(-2)).toEqual(settings);
    expect(fromNothing.summary).toEqual({ create: 7, update: 2, delete: 0 });
    // Removing the sections goes back to the defaults.
    expect(planConfig(after, config()).changes.slice(1)).toEqual([
      {
        kind: 'settings',
        name: 'notifications',
        op: 'update',
        fields: [
          { path: 'remindEvery', before: '4h' },
          { path: 'routes', before: [route], after: [] },
        ],
      },
      {
        kind: 'settings',
        name: 'alerts',
        op: 'update',
        fields: [{ path: 'labels.endpoint', before: 'node', after: 'instance' }],
      },
    ]);
  });

  it('compares a document stored without the newer sections and fields as if they had their defaults', () => {
    // A stored document is a copy read back from the database, never the object validateConfig returned.
    const stored = structuredClone(config()) as unknown as Record<string, unknown>;
    delete stored.notifications;
    delete stored.alerts;
    for (const channel of stored.channels as Array<Record<string, unknown>>) delete channel.rateLimit;
    expect(planConfig(stored as unknown as Config, config()).changes).toEqual([]);
    expect(planConfig(config(), stored as unknown as Config).changes).toEqual([]);
  });

  it('finds the one changed endpoint among thousands of a service by name', () => {
    const many = config((c) => {
      const [service] = c.services;
      service.endpoints = Array.from({ length: 5000 }, (_, i) => ({
        ...service.endpoints[0],
        name: `n${i}`,
      }));
    });
    const capacity = structuredClone(many);
    capacity.services[0].endpoints[4999].capacity = 7;
    expect(planConfig(many, capacity).changes).toEqual([
      {
        kind: 'service',
        name: many.services[0].name,
        op: 'update',
        fields: [{ path: 'endpoints[n4999].capacity', before: 1, after: 7 }],
      },
    ]);
  });

  it('is what diffConfigs returns', () => {
    expect(diffConfigs).toBe(planConfig);
  });
});

describe('planConfig and secrets', () => {
  const KEY = 'k';
  const sealed = (hook: string) => {
    const result = sealSecrets(
      config((c) => (c.channels[0].secret = { value: hook })),
      null,
      KEY,
    );
    if (!result.ok) throw new Error('seal failed');
    return result.config;
  };

  it('sees a change whenever a value was sealed anew, even the same one (no guessing oracle)', () => {
    const a = sealed('hook-1');
    const change = {
      kind: 'channel',
      name: 'oncall',
      op: 'update',
      fields: [{ path: 'secret', before: '<secret>', after: '<secret changed>' }],
    };
    expect(planConfig(a, sealed('hook-1')).changes).toEqual([change]);
    expect(planConfig(a, sealed('hook-2')).changes).toEqual([change]);
    expect(planConfig(a, structuredClone(a)).changes).toEqual([]);
  });

  it('masks a changed secret and never shows values or ciphertext', () => {
    const a = sealed('hook-1');
    const b = sealed('hook-2');
    const plan = planConfig(a, b);
    expect(plan.changes).toEqual([
      {
        kind: 'channel',
        name: 'oncall',
        op: 'update',
        fields: [{ path: 'secret', before: '<secret>', after: '<secret changed>' }],
      },
    ]);
    const text = JSON.stringify([plan, planConfig(null, b), planConfig(b, config())]);
    for (const hidden of [
      'hook-1',
      'hook-2',
      'v1:',
      (b.channels[0] as { secret: { encrypted: string } }).secret.encrypted,
    ]) {
      expect(text).not.toContain(hidden);
    }
  });

  it('shows secretRef names, which are not secret', () => {
    const after = config((c) => (c.channels[0].secret = { secretRef: 'VIGIL_REF_NEW_HOOK' }));
    expect(planConfig(config(), after).changes[0].fields).toEqual([
      {
        path: 'secret',
        before: { secretRef: 'VIGIL_REF_HOOK_SECRET' },
        after: { secretRef: 'VIGIL_REF_NEW_HOOK' },
      },
    ]);
    expect(planConfig(sealed('x'), after).changes[0].fields).toEqual([
      { path: 'secret', before: '<secret>', after: { secretRef: 'VIGIL_REF_NEW_HOOK' } },
    ]);
  });

  it('masks secrets inside added or removed elements', () => {
    const a = config();
    const b = config((c) =>
      c.services[0].checks.push({
        name: 'auth',
        type: 'http',
        http: { headers: { Authorization: { value: 'tok' } } },
      }),
    );
    const [change] = planConfig(a, b).changes;
    expect(JSON.stringify(change)).not.toContain('tok');
    expect(change.fields?.[0]).toMatchObject({
      path: 'checks[auth]',
      after: { http: { headers: { Authorization: '<secret>' } } },
    });
  });

  describe('alerts.signingSecret (a secret outside the named lists)', () => {
    const signed = (key: string) => {
      const result = sealSecrets(
        config((c) => (c.alerts = { signingSecret: { value: key } })),
        null,
        KEY,
      );
      if (!result.ok) throw new Error('seal failed');
      return result.config;
    };

    it('compares by sealed secret: the same one is no change, a key given again is <secret changed>', () => {
      const first = signed('sign-1');
      expect(planConfig(first, structuredClone(first)).changes).toEqual([]);
      const plan = planConfig(first, signed('sign-1'));
      expect(plan.changes).toEqual([
        {
          kind: 'settings',
          name: 'alerts',
          op: 'update',
          fields: [{ path: 'signingSecret', before: '<secret>', after: '<secret changed>' }],
        },
      ]);
    });

    it('masks it when it is added or removed, and never shows the key or its ciphertext', () => {
      const b = signed('sign-2');
      const added = planConfig(config(), b);
      expect(added.changes).toEqual([
        {
          kind: 'settings',
          name: 'alerts',
          op: 'update',
          fields: [{ path: 'signingSecret', after: '<secret>' }],
        },
      ]);
      const text = JSON.stringify([added, planConfig(null, b), planConfig(b, config())]);
      for (const hidden of ['sign-2', 'v1:', (b.alerts.signingSecret as { encrypted: string }).encrypted])
        expect(text).not.toContain(hidden);
      expect(planConfig(b, config()).changes[0].fields).toEqual([
        { path: 'signingSecret', before: '<secret>' },
      ]);
    });

    it('keeps the stored key for "<redacted>"', () => {
      const shown = config((c) => (c.alerts = { signingSecret: { value: '<redacted>' } }));
      expect(planConfig(signed('sign-1'), shown).changes).toEqual([]);
    });
  });

  it('treats "<redacted>" as the stored secret it keeps', () => {
    const stored = sealed('hook-1');
    const shown = config((c) => (c.channels[0].secret = { value: '<redacted>' }));
    expect(planConfig(stored, shown).changes).toEqual([]);
  });
});

function reverseKeys(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).reverse());
}
