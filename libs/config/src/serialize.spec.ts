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

  it('ends JSON with a newline', () => {
    expect(serializeConfig(validated(baseConfig()), 'json').endsWith('}\n')).toBe(true);
  });
});
