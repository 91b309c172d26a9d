import { parseConfigText } from './parse';
import { planConfig } from './plan';
import { Config } from './schema';
import { serializeConfig } from './serialize';
import { baseConfig } from './spec-fixtures';
import { validateConfig } from './validate';

function validated(raw: unknown): Config {
  const result = validateConfig(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.details));
  return result.config;
}

function reverseKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeysDeep);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reverseKeysDeep(v)]),
  );
}

describe('serializeConfig', () => {
  it.each(['yaml', 'json'] as const)('round-trips through %s to an identical config', (format) => {
    const config = validated(baseConfig());
    const parsed = parseConfigText(serializeConfig(config, format), format);
    expect(parsed.ok).toBe(true);
    const again = validated(parsed.ok ? parsed.value : null);
    expect(again).toEqual(config);
    expect(planConfig(config, again).changes).toEqual([]);
  });

  it('writes the same text whatever the key order of the stored document', () => {
    const raw = baseConfig();
    raw.idcs[0].labels = { zone: 'a', tier: 'core' };
    const config = validated(raw);
    const shuffled = reverseKeysDeep(config) as Config;
    expect(serializeConfig(shuffled, 'yaml')).toBe(serializeConfig(config, 'yaml'));
    expect(serializeConfig(shuffled, 'json')).toBe(serializeConfig(config, 'json'));
  });

  it('writes keys in schema order and record keys sorted', () => {
    const raw = baseConfig();
    raw.idcs[0].labels = { zone: 'a', tier: 'core' };
    const text = serializeConfig(reverseKeysDeep(validated(raw)) as Config, 'yaml');
    expect(
      text.startsWith(
        'apiVersion: vigil/v1\nidcs:\n  - name: sha\n    capacity: 100\n    labels:\n      tier: core\n      zone: a\n',
      ),
    ).toBe(true);
    expect(text.indexOf('\nservices:')).toBeLessThan(text.indexOf('\nrules:'));
    expect(text.indexOf('\nrules:')).toBeLessThan(text.indexOf('\nchannels:'));
  });

  it('writes notifications and alerts after channels, their keys in schema order', () => {
    const raw = baseConfig();
    raw.alerts = {
      signingSecret: { secretRef: 'VIGIL_REF_ALERT_KEY' },
      labels: { endpoint: 'node', service: 'job' },
    };
    raw.notifications = {
      routes: [{ idcs: ['sha'], minSeverity: 'warning', events: ['panic'], channels: ['oncall'] }],
      remindEvery: '4h',
      groupWait: '30s',
    };
    const config = validated(raw);
    const text = serializeConfig(reverseKeysDeep(config) as Config, 'yaml');
    expect(text.slice(text.indexOf('\nnotifications:'))).toBe(
      [
        '',
        'notifications:',
        '  groupWait: 30s',
        '  remindEvery: 4h',
        '  routes:',
        '    - channels:',
        '        - oncall',
        '      events:',
        '        - panic',
        '      minSeverity: warning',
        '      idcs:',
        '        - sha',
        'alerts:',
        '  labels:',
        '    service: job',
        '    idc: idc',
        '    endpoint: node',
        '  signingSecret:',
        '    secretRef: VIGIL_REF_ALERT_KEY',
        '',
      ].join('\n'),
    );
    expect(text.indexOf('\nchannels:')).toBeLessThan(text.indexOf('\nnotifications:'));
    const again = parseConfigText(text, 'yaml');
    expect(validated(again.ok ? again.value : null)).toEqual(config);
  });

  it('writes channel fields in schema order, the rate limit last', () => {
    const text = serializeConfig(reverseKeysDeep(validated(baseConfig())) as Config, 'yaml');
    expect(text).toContain(
      [
        'channels:',
        '  - name: oncall',
        '    type: webhook',
        '    url: https://hooks.example/vigil',
        '    secret:',
        '      secretRef: VIGIL_REF_HOOK_SECRET',
        '    rateLimit:',
        '      max: 20',
        '      per: 1m',
      ].join('\n'),
    );
  });

  it('ends JSON with a newline', () => {
    expect(serializeConfig(validated(baseConfig()), 'json').endsWith('}\n')).toBe(true);
  });
});
