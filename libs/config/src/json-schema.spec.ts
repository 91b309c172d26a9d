import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_SCHEMA_ID, configJsonSchema } from './json-schema';

const CHECKED_IN = join(__dirname, '..', 'schema', 'vigil-config.schema.json');

describe('configJsonSchema', () => {
  it('matches the checked-in file (run `npm run schema:generate` after changing the schema)', () => {
    expect(JSON.parse(readFileSync(CHECKED_IN, 'utf8'))).toEqual(configJsonSchema());
  });

  it('identifies itself and forbids unknown keys', () => {
    const schema = configJsonSchema();
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: CONFIG_SCHEMA_ID,
      title: expect.any(String),
      type: 'object',
      additionalProperties: false,
      required: ['apiVersion', 'idcs'],
    });
  });

  it('describes fields for editors and marks defaulted fields optional', () => {
    const text = JSON.stringify(configJsonSchema());
    expect(text).toContain('How often each vantage probes each endpoint');
    expect(text).toContain('"default":"10s"');
    const service = (configJsonSchema() as { properties: { services: { items: { required: string[] } } } })
      .properties.services.items;
    expect(service.required).toEqual(['name', 'endpoints', 'checks']);
  });

  it('documents notifications and alerts as optional sections with their defaults', () => {
    const schema = configJsonSchema() as {
      properties: Record<string, { default?: unknown; properties?: Record<string, unknown> }>;
    };
    const { notifications, alerts } = schema.properties;
    expect(Object.keys(schema.properties)).toEqual([
      'apiVersion',
      'idcs',
      'services',
      'rules',
      'channels',
      'notifications',
      'alerts',
    ]);
    expect(Object.keys(notifications.properties ?? {})).toEqual(['groupWait', 'remindEvery', 'routes']);
    expect(notifications.properties?.groupWait).toMatchObject({ default: '10s' });
    expect(Object.keys(alerts.properties ?? {})).toEqual(['labels', 'resolveAfter', 'signingSecret']);
    expect(JSON.stringify(alerts)).toContain('"default":"instance"');
  });

  it('does not publish the internal stored secret form', () => {
    expect(JSON.stringify(configJsonSchema())).not.toMatch(/"encrypted"|"fingerprint"/);
  });
});
