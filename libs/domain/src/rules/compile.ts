/**
 * Rule conditions: CEL expressions compiled (parsed and type-checked) against the declared facts, so
 * a syntax error, an unknown fact or field, a type error, a non-bool condition, a `matches()` pattern
 * RE2 refuses or a condition too costly to evaluate is found when the config is applied; evaluation
 * never throws.
 */
import type { ParseResult } from '@marcbachmann/cel-js';
import { RE2_MATCHES, useRe2Matches } from './cel-regex';
import { estimateCost, MAX_RULE_COST } from './cost';
import {
  celContext,
  FACT_FIELDS,
  FACT_NAMES,
  type FactType,
  ruleEnvironment,
  type RuleFacts,
  type RuleSubject,
  SUBJECT_FACTS,
} from './facts';

/** A condition ready to evaluate. */
export interface CompiledRule {
  readonly expression: string;
  readonly subject: RuleSubject;
  /** The library's parsed, type-checked program. */
  readonly program: ParseResult;
  /** The estimated worst-case cost of one evaluation (see cost.ts), at most MAX_RULE_COST. */
  readonly cost: number;
}

export type CompileResult = { ok: true; rule: CompiledRule } | { ok: false; message: string };

/** Compiled expressions kept (least recently used dropped first). */
export const RULE_CACHE_SIZE = 1000;

const cache = new Map<string, CompileResult>();

/**
 * Parses and type-checks a `when` expression against the facts of its subject (see facts.ts). The
 * result must be a bool. Results are cached by (subject, expression).
 */
export function compileRule(expression: string, subject: RuleSubject = 'idc'): CompileResult {
  const key = `${subject}\u0000${expression}`;
  const cached = cache.get(key);
  if (cached) {
    cache.delete(key);
    cache.set(key, cached);
    return cached;
  }
  const result = compileUncached(expression, subject);
  cache.set(key, result);
  if (cache.size > RULE_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return result;
}

function compileUncached(expression: string, subject: RuleSubject): CompileResult {
  const env = ruleEnvironment(subject);
  let program: ParseResult;
  try {
    program = env.parse(expression);
  } catch (error) {
    return { ok: false, message: describeError(error, expression, subject) };
  }
  const badPatterns = useRe2Matches(program.ast);
  const checked = program.check();
  if (!checked.valid) return { ok: false, message: describeError(checked.error, expression, subject) };
  if (checked.type !== 'bool')
    return { ok: false, message: `expected a bool condition, got ${prettyTypes(checked.type ?? 'dyn')}` };
  if (badPatterns.length > 0) {
    const [{ message, start }] = badPatterns;
    return { ok: false, message: `${message} (${position(expression, start)})` };
  }
  const cost = estimateCost(program.ast);
  if (cost > MAX_RULE_COST) {
    const message =
      `too costly to evaluate: up to ${Math.round(cost).toLocaleString('en-US')} steps, the limit is ` +
      `${MAX_RULE_COST.toLocaleString('en-US')} (nested all/exists/map/filter multiply: each runs its ` +
      'body once per element of the list it iterates)';
    return { ok: false, message };
  }
  return { ok: true, rule: { expression, subject, program, cost } };
}

export interface RuleEvaluation {
  matched: boolean;
  /** Why the condition could not be evaluated (then matched is false), e.g. "No such key: team". */
  error?: string;
}

/**
 * Evaluates a compiled condition. Never throws: an evaluation error (a label that is not there, an
 * endpoint rule without an endpoint fact, a bad fact value) is `matched: false` with the error.
 */
export function evaluateRule(rule: CompiledRule, facts: RuleFacts): RuleEvaluation {
  try {
    const value: unknown = rule.program(celContext(facts, rule.subject));
    if (typeof value === 'boolean') return { matched: value };
    return { matched: false, error: `expected a bool, got ${typeof value}` };
  } catch (error) {
    return { matched: false, error: summaryOf(error) };
  }
}

interface CelError {
  name?: string;
  code?: string;
  summary?: string;
  message?: string;
  range?: { start: number; end: number };
  node?: { op?: string; args?: unknown };
}

function summaryOf(error: unknown): string {
  const e = (error ?? {}) as CelError;
  return e.summary ?? e.message ?? String(error);
}

/** A short message for a parse or type error, with its position. */
function describeError(error: unknown, expression: string, subject: RuleSubject): string {
  const e = (error ?? {}) as CelError;
  const at = e.range ? ` (${position(expression, e.range.start)})` : '';
  // What runs `matches()` is named otherwise (see cel-regex.ts); operators wrote `matches`.
  const summary = summaryOf(error).replaceAll(RE2_MATCHES, 'matches');
  if (e.name === 'ParseError')
    return `syntax error: ${lowerFirst(summary.replace(/\bEOF\b/, 'end of expression'))}${at}`;
  if (e.code === 'unknown_variable') {
    const name = summary.replace(/^Unknown variable: /, '');
    if (name === 'endpoint' && subject === 'idc')
      return `unknown fact endpoint: only rules with a drain-endpoint action are evaluated per endpoint${at}`;
    return `unknown fact ${name}; facts are ${SUBJECT_FACTS[subject].join(', ')}${at}`;
  }
  const field = unknownField(e);
  if (field) return `${field}${at}`;
  const message = lowerFirst(prettyTypes(summary));
  const mixed = /\bint\b/.test(message) && /\bdouble\b/.test(message);
  const hint = mixed ? ' (write 1.0 for a double, 1 for an int)' : '';
  return `${message}${hint}${at}`;
}

/** "unknown field nme on idc, did you mean name?" for a field a fact type does not have. */
function unknownField(e: CelError): string | undefined {
  if (e.code !== 'no_such_key' || e.node?.op !== '.' || !Array.isArray(e.node.args)) return undefined;
  const [receiver, field] = e.node.args as [{ checkedType?: { name?: string } } | undefined, unknown];
  const type = receiver?.checkedType?.name;
  if (typeof field !== 'string' || !type || !(type in FACT_FIELDS)) return undefined;
  const fields = Object.keys(FACT_FIELDS[type as FactType]);
  const near = fields.find((name) => editDistance(name.toLowerCase(), field.toLowerCase()) <= 2);
  const suggestion = near ? `, did you mean ${near}?` : `; fields are ${fields.join(', ')}`;
  return `unknown field ${field} on ${FACT_NAMES[type as FactType]}${suggestion}`;
}

function position(expression: string, offset: number): string {
  const before = expression.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return line === 1 ? `column ${column}` : `line ${line}, column ${column}`;
}

function prettyTypes(text: string): string {
  return text.replace(/google\.protobuf\.(Timestamp|Duration)/g, (_m, t: string) => t.toLowerCase());
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_v, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[b.length];
}
