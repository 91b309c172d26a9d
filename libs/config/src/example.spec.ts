import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfigText } from './parse';
import { planConfig } from './plan';
import { sealSecrets } from './secrets';
import { serializeConfig } from './serialize';
import { validateConfig } from './validate';

const EXAMPLE = join(__dirname, '..', '..', '..', 'examples', 'multi-idc.yaml');

describe('examples/multi-idc.yaml', () => {
  const parsed = parseConfigText(readFileSync(EXAMPLE, 'utf8'), 'yaml');

  it('parses and validates cleanly', () => {
    expect(parsed.ok).toBe(true);
    const result = validateConfig(parsed.ok ? parsed.value : null);
    expect(result.ok ? [] : result.details).toEqual([]);
  });

  it('is a realistic multi-IDC setup', () => {
    const result = validateConfig(parsed.ok ? parsed.value : null);
    if (!result.ok) throw new Error('invalid example');
    const { idcs, services, rules, channels } = result.config;
    expect(idcs.length).toBeGreaterThanOrEqual(3);
    expect(services.length).toBeGreaterThanOrEqual(2);
    const types = new Set(services.flatMap((s) => s.checks.map((c) => c.type)));
    expect([...types].sort()).toEqual(['dns', 'http', 'https', 'tcp', 'tls']);
    expect(rules.find((r) => r.name === 'idc-down')).toMatchObject({ for: '30s', mode: 'approval' });
    expect(channels.map((c) => c.type).sort()).toEqual(['pagerduty', 'slack', 'webhook']);
  });

  it('routes notifications to its channels and takes signed alerts', () => {
    const result = validateConfig(parsed.ok ? parsed.value : null);
    if (!result.ok) throw new Error('invalid example');
    const { channels, notifications, alerts } = result.config;
    const routed = new Set(notifications.routes.flatMap((route) => route.channels));
    expect([...routed].sort()).toEqual(channels.map((c) => c.name).sort());
    expect(notifications.routes.find((r) => r.channels.includes('pd'))).toMatchObject({
      events: expect.arrayContaining(['idc.state', 'panic', 'action.failed']),
    });
    expect(notifications.remindEvery).toBeDefined();
    expect(alerts.signingSecret).toEqual({ secretRef: expect.any(String) });
  });

  it('plans from nothing: every named object created, both settings sections updated', () => {
    const result = validateConfig(parsed.ok ? parsed.value : null);
    if (!result.ok) throw new Error('invalid example');
    const plan = planConfig(null, result.config);
    const { idcs, services, rules, channels } = result.config;
    const named = idcs.length + services.length + rules.length + channels.length;
    expect(plan.summary).toEqual({ create: named, update: 2, delete: 0 });
    expect(plan.changes.slice(-2).map((c) => `${c.op} ${c.kind} ${c.name}`)).toEqual([
      'update settings notifications',
      'update settings alerts',
    ]);
  });

  it('applies without VIGIL_SECRET_KEY and re-applies as a no-op', () => {
    const result = validateConfig(parsed.ok ? parsed.value : null);
    if (!result.ok) throw new Error('invalid example');
    const sealed = sealSecrets(result.config, null, undefined);
    expect(sealed.ok).toBe(true);
    if (!sealed.ok) return;
    const reparsed = parseConfigText(serializeConfig(sealed.config, 'yaml'), 'yaml');
    const again = validateConfig(reparsed.ok ? reparsed.value : null);
    expect(again.ok && planConfig(sealed.config, again.config).changes).toEqual([]);
  });
});
