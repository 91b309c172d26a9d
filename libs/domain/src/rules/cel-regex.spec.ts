import { compileRule, evaluateRule, type CompiledRule } from './compile';
import type { RuleFacts } from './facts';

const facts = (labels: Record<string, string>): RuleFacts => ({
  idc: {
    name: 'sha',
    state: 'UNHEALTHY',
    score: 42,
    healthyRatio: 0.25,
    healthyCapacity: 25,
    capacity: 100,
    weight: 50,
    labels,
  },
  service: { name: 'live-edge', labels: {} },
  alerts: [],
  now: 0,
});

function compiled(expression: string): CompiledRule {
  const result = compileRule(expression);
  if (!result.ok) throw new Error(`expected ${expression} to compile: ${result.message}`);
  return result.rule;
}

describe('CEL matches() on RE2', () => {
  // Each of these backtracks for seconds to hours in JavaScript's engine over such a value.
  const long = 'a'.repeat(64 * 1024);
  it.each<[string, string, boolean]>([
    ['(.*){24}!', long, false],
    ['(.*.*.*.*.*.*.*.*.*.*)*!', long, false],
    ['^(a|aa)*$', `${long}b`, false],
    ['^(a|aa)*b$', `${long}b`, true],
    ['(a+)+', long, true],
  ])('%s against a long label completes with the right answer', (pattern, value, expected) => {
    const rule = compiled(`idc.labels["note"].matches(${JSON.stringify(pattern)})`);
    expect(evaluateRule(rule, facts({ note: value }))).toEqual({ matched: expected });
  });

  it('keeps CEL semantics: a match anywhere, RE2 flags and classes', () => {
    const rule = compiled('idc.labels["tier"].matches("(?i)^CORE") && idc.name.matches("[[:alpha:]]+")');
    expect(evaluateRule(rule, facts({ tier: 'core-1' }))).toEqual({ matched: true });
    expect(evaluateRule(rule, facts({ tier: 'edge' }))).toEqual({ matched: false });
  });

  it.each<[string, string]>([
    [
      'idc.name.matches("(s)\\\\1")',
      'matches(): not a valid RE2 regular expression: invalid escape sequence: `\\1` (column 18)',
    ],
    [
      'idc.state == "UNHEALTHY" && idc.name.matches("sha(?=-1)")',
      'matches(): not a valid RE2 regular expression: invalid or unsupported Perl syntax: `(?=` (column 46)',
    ],
  ])('refuses a literal pattern RE2 cannot compile, at compile time: %s', (expression, message) => {
    expect(compileRule(expression)).toEqual({ ok: false, message });
  });

  it('reports a computed pattern RE2 refuses as an evaluation error', () => {
    const rule = compiled('idc.name.matches(idc.labels["pattern"])');
    expect(evaluateRule(rule, facts({ pattern: '(a)\\1' }))).toEqual({
      matched: false,
      error: 'matches(): not a valid RE2 regular expression: invalid escape sequence: `\\1`',
    });
  });

  it('names matches, as written, in a type error', () => {
    const result = compileRule('idc.score.matches("4.*")');
    expect(result).toEqual({ ok: false, message: expect.stringContaining('int.matches(string)') });
  });
});
