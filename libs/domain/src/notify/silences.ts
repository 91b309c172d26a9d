/**
 * Silences with Alertmanager's semantics: label matchers over a notice's labels, in a time window.
 * Regexes are RE2 (see regex/re2.ts), anchored like Alertmanager's.
 */
import { compileAnchoredRe2 } from '../regex/re2';
import type { Silence } from './types';

export const MATCHER_OPS = ['=', '!=', '=~', '!~'] as const;
export type MatcherOp = (typeof MATCHER_OPS)[number];
export type Matcher = Silence['matchers'][number];

export const MAX_MATCHERS = 32;
export const MAX_LABEL_LENGTH = 100;
export const MAX_VALUE_LENGTH = 1000;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Whether a matcher matches a label value ('' when the label is missing). An invalid regex never matches. */
export function matcherMatches(m: Matcher, value: string): boolean {
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~': {
      const re = compileAnchoredRe2(m.value);
      return re.ok && re.regex.test(value);
    }
    case '!~': {
      const re = compileAnchoredRe2(m.value);
      return re.ok && !re.regex.test(value);
    }
    default:
      return false;
  }
}

/**
 * The id of the first silence active at `now` (startsAt <= now < endsAt) whose matchers all match
 * `labels`, or undefined. A missing label matches as ''. A silence without matchers matches nothing.
 */
export function activeSilence(
  labels: Record<string, string>,
  silences: readonly Silence[],
  now: number,
): string | undefined {
  const found = silences.find(
    (s) =>
      s.startsAt <= now &&
      now < s.endsAt &&
      s.matchers.length > 0 &&
      s.matchers.every((m) => matcherMatches(m, labels[m.label] ?? '')),
  );
  return found?.id;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates a silence's matchers for the API: 1..32 `{label, op, value}` with Prometheus label names
 * (max 100 chars), one of the four operators, a string value (max 1000 chars), regexes that compile
 * with RE2's syntax (Alertmanager's; matched in linear time, so no pattern can stall the notifier), and
 * at least one matcher that does not match the empty string (a silence cannot match everything). Returns the problems (empty when valid), with paths like `matchers[1].value`.
 */
export function checkMatchers(matchers: unknown): Array<{ path: string; message: string }> {
  const problems: Array<{ path: string; message: string }> = [];
  if (!Array.isArray(matchers) || matchers.length < 1 || matchers.length > MAX_MATCHERS) {
    return [{ path: 'matchers', message: `must be an array of 1 to ${MAX_MATCHERS} matchers` }];
  }
  matchers.forEach((m: unknown, i) => {
    const at = `matchers[${i}]`;
    if (!isRecord(m)) {
      problems.push({ path: at, message: 'must be an object {label, op, value}' });
      return;
    }
    for (const key of Object.keys(m)) {
      if (key !== 'label' && key !== 'op' && key !== 'value') {
        problems.push({ path: `${at}.${key}`, message: 'unknown field' });
      }
    }
    const { label, op, value } = m;
    if (typeof label !== 'string' || !LABEL_NAME.test(label)) {
      problems.push({ path: `${at}.label`, message: 'must be a label name ([a-zA-Z_][a-zA-Z0-9_]*)' });
    } else if (label.length > MAX_LABEL_LENGTH) {
      problems.push({ path: `${at}.label`, message: `must be at most ${MAX_LABEL_LENGTH} characters` });
    }
    if (typeof op !== 'string' || !(MATCHER_OPS as readonly string[]).includes(op)) {
      problems.push({ path: `${at}.op`, message: `must be one of ${MATCHER_OPS.join(', ')}` });
    }
    if (typeof value !== 'string') {
      problems.push({ path: `${at}.value`, message: 'must be a string' });
    } else if (value.length > MAX_VALUE_LENGTH) {
      problems.push({ path: `${at}.value`, message: `must be at most ${MAX_VALUE_LENGTH} characters` });
    } else if (op === '=~' || op === '!~') {
      const re = compileAnchoredRe2(value);
      if (!re.ok)
        problems.push({
          path: `${at}.value`,
          message: `is not a valid RE2 regular expression: ${re.message}`,
        });
    }
  });
  if (problems.length === 0 && (matchers as Matcher[]).every((m) => matcherMatches(m, ''))) {
    problems.push({
      path: 'matchers',
      message: 'at least one matcher must not match the empty string (a silence cannot match everything)',
    });
  }
  return problems;
}
