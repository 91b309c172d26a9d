import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfigText } from './parse';
import { baseConfig } from './spec-fixtures';
import { validateConfig } from './validate';

type Mutation = (c: ReturnType<typeof baseConfig>) => void;

function details(mutate: Mutation) {
  const config = baseConfig();
  mutate(config);
  const result = validateConfig(config);
  return result.ok ? [] : result.details;
}

const when =
  (expression: string): Mutation =>
  (c) =>
    (c.rules[0].when = expression);

describe('validateConfig: rule conditions (CEL)', () => {
  it.each([
    'idc.state == "UNHEALTHY" && idc.healthyRatio < 0.5',
    'alerts.exists(a, a.labels.alertname == "HighErrorRate" && a.idc == idc.name)',
    'idc.score < 50 || service.labels.tier == "gold"',
    'alerts.exists(a, now - a.startsAt > duration("10m"))',
  ])('accepts %s', (expression) => {
    expect(details(when(expression))).toEqual([]);
  });

  it.each<[string, string, string]>([
    ['syntax error', 'idc.state == ', 'syntax error: unexpected token: end of expression (column 14)'],
    [
      'unknown fact',
      'health.state == "UNHEALTHY"',
      'unknown fact health; facts are idc, service, alerts, now (column 1)',
    ],
    ['unknown field', 'idc.nme == "sha"', 'unknown field nme on idc, did you mean name? (column 5)'],
    ['non-bool condition', 'idc.healthyRatio * 2.0', 'expected a bool condition, got double'],
    ['wrong comparison types', 'idc.state == 3', 'no such overload: string == int (column 1)'],
    [
      'endpoint in a rule evaluated per IDC',
      'endpoint.state == "UNHEALTHY"',
      'unknown fact endpoint: only rules with a drain-endpoint action are evaluated per endpoint (column 1)',
    ],
    [
      'a matches() pattern RE2 refuses (a backreference)',
      'idc.name.matches("(s)\\\\1")',
      'matches(): not a valid RE2 regular expression: invalid escape sequence: `\\1` (column 18)',
    ],
    [
      'a matches() pattern RE2 refuses (a lookahead)',
      'service.name.matches("live(?!-canary)")',
      'matches(): not a valid RE2 regular expression: invalid or unsupported Perl syntax: `(?!` (column 22)',
    ],
  ])('reports %s at rules[i].when', (_title, expression, message) => {
    expect(details(when(expression))).toEqual([{ path: 'rules[0].when', message }]);
  });

  it('refuses a rule too costly to evaluate (nested comprehensions), naming rules[i].when', () => {
    const list = '[1, 2, 3, 4, 5, 6]';
    const expression = `${list}.all(a, ${list}.all(b, ${list}.all(c, ${list}.all(d, ${list}.all(e, ${list}.all(f, ${list}.all(g, a + b + c + d + e + f + g < idc.score)))))))`;
    expect(details(when(expression))).toEqual([
      {
        path: 'rules[0].when',
        message: expect.stringMatching(/^too costly to evaluate: up to [\d,]+ steps/),
      },
    ]);
  });

  it('lets drain-endpoint rules use endpoint', () => {
    const drain: Mutation = (c) =>
      c.rules.push({
        name: 'drain-bad-endpoint',
        when: 'endpoint.state == "UNHEALTHY" && idc.healthyRatio > 0.8',
        actions: [{ type: 'drain-endpoint' }],
      });
    expect(details(drain)).toEqual([]);
  });

  it('reports every rule, with the other problems of each rule', () => {
    const found = details((c) => {
      c.rules[0].when = 'idc.nme == "sha"';
      c.rules[0].actions[1].channels = ['pager'];
      c.rules.push({
        name: 'second',
        when: 'alerts.exists(a, a.sev == "page")',
        actions: [{ type: 'shift-away' }],
      });
      c.rules.push({
        name: 'third',
        when: 'idc.state == "DEGRADED"',
        actions: [{ type: 'notify', channels: ['oncall'] }],
      });
      c.rules.push({ name: 'fourth', when: 'idc.score', actions: [{ type: 'shift-away' }] });
    });
    expect(found).toEqual([
      { path: 'rules[0].when', message: 'unknown field nme on idc, did you mean name? (column 5)' },
      { path: 'rules[0].actions[1].channels[0]', message: 'unknown channel "pager"' },
      {
        path: 'rules[1].when',
        message:
          'unknown field sev on alert; fields are name, status, labels, annotations, service, idc, endpoint, startsAt (column 20)',
      },
      { path: 'rules[3].when', message: 'expected a bool condition, got int' },
    ]);
  });

  it('accepts the conditions of examples/multi-idc.yaml', () => {
    const text = readFileSync(join(__dirname, '..', '..', '..', 'examples', 'multi-idc.yaml'), 'utf8');
    const parsed = parseConfigText(text, 'yaml');
    if (!parsed.ok) throw new Error('example does not parse');
    const result = validateConfig(parsed.value);
    expect(result.ok ? [] : result.details.filter((d) => d.path.endsWith('.when'))).toEqual([]);
    expect(result.ok).toBe(true);
  });
});
