import { compileRule, CompiledRule, evaluateRule, RULE_CACHE_SIZE } from './compile';
import { AlertFact, RuleFacts, ruleSubject } from './facts';

const T0 = Date.parse('2025-03-01T12:00:00Z');

function facts(overrides: Partial<RuleFacts> = {}): RuleFacts {
  return {
    idc: {
      name: 'sha',
      region: 'cn-east',
      state: 'UNHEALTHY',
      score: 42,
      healthyRatio: 0.25,
      healthyCapacity: 25,
      capacity: 100,
      weight: 50,
      labels: { tier: 'core' },
    },
    service: { name: 'live-edge', labels: { team: 'live' } },
    alerts: [],
    now: T0,
    ...overrides,
  };
}

const alert = (a: Partial<AlertFact>): AlertFact => ({
  name: 'HighErrorRate',
  status: 'firing',
  labels: { alertname: 'HighErrorRate' },
  annotations: {},
  startsAt: T0 - 600_000,
  ...a,
});

function compiled(expression: string, subject: 'idc' | 'endpoint' = 'idc'): CompiledRule {
  const result = compileRule(expression, subject);
  if (!result.ok) throw new Error(`expected ${expression} to compile: ${result.message}`);
  return result.rule;
}

describe('compileRule', () => {
  it.each([
    'idc.state == "UNHEALTHY"',
    'idc.state == "UNHEALTHY" && idc.healthyRatio < 0.5',
    'alerts.exists(a, a.labels.alertname == "HighErrorRate" && a.idc == idc.name)',
    'idc.score < 50 && idc.score == 42',
    'idc.healthyCapacity < 0.5 * idc.capacity && idc.weight > 0.0',
    'idc.region == "cn-east" && idc.labels["tier"] == "core" && "team" in service.labels',
    'service.name == "live-edge" && has(service.labels.team)',
    'alerts.exists(a, now - a.startsAt > duration("5m") && a.status == "firing")',
    'now.getHours("Asia/Shanghai") >= 22',
    'idc.state in ["UNHEALTHY", "DEGRADED"]',
    'size(alerts.filter(a, a.service == service.name)) >= 2',
    'idc.state == "UNHEALTHY" &&\n  idc.healthyRatio < 0.5',
  ])('compiles %s', (expression) => {
    expect(compileRule(expression)).toEqual({ ok: true, rule: expect.objectContaining({ expression }) });
  });

  it.each<[string, string, string]>([
    [
      'syntax error',
      'idc.state == "UNHEALTHY" &&',
      'syntax error: unexpected token: end of expression (column 28)',
    ],
    [
      'assignment for comparison',
      'idc.state = "UNHEALTHY"',
      'syntax error: unexpected character: = (column 11)',
    ],
    [
      'unknown variable',
      'idcs.state == "UNHEALTHY"',
      'unknown fact idcs; facts are idc, service, alerts, now (column 1)',
    ],
    ['unknown field', 'idc.nme == "sha"', 'unknown field nme on idc, did you mean name? (column 5)'],
    [
      'unknown field, nothing close',
      'service.owner == "x"',
      'unknown field owner on service; fields are name, labels (column 9)',
    ],
    [
      'unknown field of an alert',
      'alerts.exists(a, a.severity == "page")',
      'unknown field severity on alert; fields are name, status, labels, annotations, service, idc, endpoint, startsAt (column 20)',
    ],
    [
      'endpoint in an idc rule',
      'endpoint.state == "UNHEALTHY"',
      'unknown fact endpoint: only rules with a drain-endpoint action are evaluated per endpoint (column 1)',
    ],
    ['non-bool result (int)', 'idc.score', 'expected a bool condition, got int'],
    ['non-bool result (timestamp)', 'now', 'expected a bool condition, got timestamp'],
    ['non-bool result (dyn)', 'dyn(idc.score)', 'expected a bool condition, got dyn'],
    ['wrong comparison types', 'idc.score == "x"', 'no such overload: int == string (column 1)'],
    [
      'int against double',
      'idc.healthyRatio == 1',
      'no such overload: double == int (write 1.0 for a double, 1 for an int) (column 1)',
    ],
    ['label value against int', 'idc.labels.tier == 1', 'no such overload: string == int (column 1)'],
    [
      'position on a later line',
      'idc.state == "UNHEALTHY" &&\n  idc.nme == "x"',
      'unknown field nme on idc, did you mean name? (line 2, column 7)',
    ],
  ])('rejects %s', (_title, expression, message) => {
    expect(compileRule(expression)).toEqual({ ok: false, message });
  });

  it('lets drain-endpoint rules see the endpoint', () => {
    expect(compileRule('endpoint.state == "UNHEALTHY" && endpoint.idc == idc.name', 'endpoint').ok).toBe(
      true,
    );
    expect(compileRule('endpoint.nme == "x"', 'endpoint')).toEqual({
      ok: false,
      message: 'unknown field nme on endpoint, did you mean name? (column 10)',
    });
  });

  it('caches by subject and expression, bounded', () => {
    const first = compileRule('idc.score > 10');
    expect(compileRule('idc.score > 10')).toBe(first);
    expect(compileRule('idc.score > 10', 'endpoint')).not.toBe(first);
    for (let i = 0; i <= RULE_CACHE_SIZE; i++) compileRule(`idc.score > ${i + 1000}`);
    expect(compileRule('idc.score > 10')).not.toBe(first);
  });
});

describe('ruleSubject', () => {
  it.each<[string[], string]>([
    [['shift-away', 'notify'], 'idc'],
    [['notify'], 'idc'],
    [['drain-endpoint', 'notify'], 'endpoint'],
  ])('%j is evaluated per %s', (types, subject) => {
    expect(ruleSubject(types.map((type) => ({ type })))).toBe(subject);
  });
});

describe('evaluateRule', () => {
  const firing = [alert({ idc: 'bjs' }), alert({ idc: 'sha' })];
  it.each<[string, boolean, Partial<RuleFacts>]>([
    ['idc.state == "UNHEALTHY" && idc.healthyRatio < 0.5', true, {}],
    ['idc.state == "UNHEALTHY" && idc.healthyRatio < 0.2', false, {}],
    [
      'alerts.exists(a, a.labels.alertname == "HighErrorRate" && a.idc == idc.name)',
      true,
      { alerts: firing },
    ],
    [
      'alerts.exists(a, a.labels.alertname == "HighErrorRate" && a.idc == idc.name)',
      false,
      { alerts: [firing[0]] },
    ],
    ['alerts.exists(a, a.labels.alertname == "HighErrorRate" && a.idc == idc.name)', false, { alerts: [] }],
    ['alerts.exists(a, a.idc == "")', true, { alerts: [alert({})] }],
    ['alerts.exists(a, now - a.startsAt > duration("5m"))', true, { alerts: [alert({})] }],
    ['alerts.exists(a, now - a.startsAt > duration("15m"))', false, { alerts: [alert({})] }],
    ['idc.score == 42 && idc.region == "cn-east" && idc.labels.tier == "core"', true, {}],
    ['idc.region == ""', true, { idc: { ...facts().idc, region: undefined } }],
    ['now.getHours() == 12', true, {}],
    ['service.labels.team == "live" || service.labels.owner == "x"', true, {}],
  ])('%s is %s (#%#)', (expression, matched, overrides) => {
    expect(evaluateRule(compiled(expression), facts(overrides))).toEqual({ matched });
  });

  it.each<[string, string, Partial<RuleFacts>, string]>([
    ['a label that is not there', 'idc.labels.owner == "x"', {}, 'No such key: owner'],
    ['a conversion that fails', 'int(idc.name) > 1', {}, 'int() type error: cannot convert to int'],
    [
      'a fact of the wrong type',
      'idc.healthyRatio < 0.5',
      { idc: { ...facts().idc, healthyRatio: 'low' as unknown as number } },
      "Field 'healthyRatio' is not of type 'double', got 'string'",
    ],
    [
      'a score that is not a number',
      'idc.score > 1',
      { idc: { ...facts().idc, score: Number.NaN } },
      'The number NaN cannot be converted to a BigInt because it is not an integer',
    ],
  ])('returns matched false with the error for %s', (_title, expression, overrides, error) => {
    expect(evaluateRule(compiled(expression), facts(overrides))).toEqual({ matched: false, error });
  });

  it('evaluates endpoint rules per endpoint and reports a missing endpoint fact', () => {
    const rule = compiled('endpoint.state == "UNHEALTHY" && endpoint.score < 10', 'endpoint');
    const endpoint = {
      id: 'e1',
      name: 'sha-1',
      idc: 'sha',
      state: 'UNHEALTHY' as const,
      score: 3,
      labels: {},
    };
    expect(evaluateRule(rule, facts({ endpoint }))).toEqual({ matched: true });
    expect(evaluateRule(rule, facts())).toEqual({
      matched: false,
      error: 'no endpoint fact for an endpoint rule',
    });
  });

  it('sees a new alerts array, not a cached conversion of the last one', () => {
    const rule = compiled('size(alerts) == 1');
    const alerts = [alert({})];
    expect(evaluateRule(rule, facts({ alerts })).matched).toBe(true);
    expect(evaluateRule(rule, facts({ alerts })).matched).toBe(true);
    expect(evaluateRule(rule, facts({ alerts: [...alerts, alert({})] })).matched).toBe(false);
  });
});
