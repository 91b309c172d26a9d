import { compileRule } from './compile';
import { estimateCost, MAX_ALERT_FACTS, MAX_RULE_COST, SPLIT_BOUND } from './cost';
import { ruleEnvironment } from './facts';

const cost = (expression: string) => estimateCost(ruleEnvironment('idc').parse(expression).ast);

/** `depth` nested `.all` over a list literal of `size` elements. */
function nestedAll(depth: number, size: number): string {
  const list = `[${Array.from({ length: size }, (_v, i) => i + 1).join(', ')}]`;
  const vars = Array.from({ length: depth }, (_v, i) => `v${i}`);
  let body = `${vars.join(' + ')} < idc.score`;
  for (const v of [...vars].reverse()) body = `${list}.all(${v}, ${body})`;
  return body;
}

/** The rule of the report: 271 characters of nested `.all` over small lists. */
const PATHOLOGICAL_RULE =
  'idc.state == "UNHEALTHY" && [1, 2, 3, 4, 5, 6].all(a, [1, 2, 3, 4, 5, 6].all(b, ' +
  '[1, 2, 3, 4, 5, 6].all(c, [1, 2, 3, 4, 5, 6].all(d, [1, 2, 3, 4, 5, 6].all(e, ' +
  '[1, 2, 3, 4, 5, 6].all(f, [1, 2, 3, 4, 5, 6].all(g, a + b + c + d + e + f + g < idc.score))))))) ' +
  '&& idc.score > 0';

describe('estimateCost', () => {
  it.each<[string, string, number]>([
    ['a comparison', 'idc.state == "UNHEALTHY"', 4],
    ['a list literal', 'idc.state in ["UNHEALTHY", "DEGRADED"]', 6],
    ['one comprehension: its body once per element', '[1, 2, 3].all(x, x > 0)', 1 + 4 + 3 * 3],
    ['nested comprehensions multiply', '[1, 2].all(x, [1, 2, 3].all(y, x < y))', 1 + 3 + 2 * (1 + 4 + 3 * 3)],
    ['alerts: the most the rules see', 'alerts.exists(a, a.name == "X")', 1 + 1 + MAX_ALERT_FACTS * 4],
    [
      'a split list: as long as the longest string',
      'idc.name.split("-").exists(p, p == "x")',
      1 + 4 + SPLIT_BOUND * 3,
    ],
  ])('%s', (_name, expression, expected) => {
    expect(cost(expression)).toBe(expected);
  });

  it('grows with the size of the iterated lists, to the power of the nesting', () => {
    expect(cost(nestedAll(3, 10))).toBeGreaterThan(10 ** 3);
    expect(cost(nestedAll(3, 20)) / cost(nestedAll(3, 10))).toBeGreaterThan(2 ** 3 - 1);
  });
});

describe('compileRule refuses a rule over MAX_RULE_COST', () => {
  it.each([
    ['dyn()', 'dyn(alerts).all(a, dyn(alerts).all(b, a.name == b.name))'],
    ['a ternary', '(idc.score > 0 ? alerts : []).all(a, alerts.all(b, a.name == b.name))'],
    ['split()', 'alerts.exists(a, a.annotations["x"].split("").exists(c, c == "!"))'],
  ])('sees through %s to the size of what it wraps', (_what, when) => {
    const compiled = compileRule(when, 'idc');
    expect(compiled.ok).toBe(false);
  });

  it('refuses the 271-character rule of nested .all that stalled the leader', () => {
    expect(PATHOLOGICAL_RULE).toHaveLength(271);
    expect(compileRule(PATHOLOGICAL_RULE)).toEqual({
      ok: false,
      message: expect.stringMatching(/^too costly to evaluate: up to [\d,]+ steps, the limit is 100,000 /),
    });
  });

  it('keeps everyday rules, alerts scans included, well under the limit', () => {
    for (const expression of [
      'alerts.exists(a, a.labels.alertname == "HighErrorRate" && a.idc == idc.name)',
      'size(alerts.filter(a, a.service == service.name && a.status == "firing")) >= 2',
      nestedAll(2, 20),
    ]) {
      const result = compileRule(expression);
      expect(result).toEqual({ ok: true, rule: expect.objectContaining({ cost: expect.any(Number) }) });
      if (result.ok) expect(result.rule.cost).toBeLessThanOrEqual(MAX_RULE_COST);
    }
  });
});
