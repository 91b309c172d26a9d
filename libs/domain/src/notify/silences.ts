/** Silences with Alertmanager's semantics: label matchers over a notice's labels, in a time window. */
import type { Silence } from './types';

export const MATCHER_OPS = ['=', '!=', '=~', '!~'] as const;
export type MatcherOp = (typeof MATCHER_OPS)[number];
export type Matcher = Silence['matchers'][number];

export const MAX_MATCHERS = 32;
export const MAX_LABEL_LENGTH = 100;
export const MAX_VALUE_LENGTH = 1000;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Compiled anchored regexes by source; null when invalid. Bounded: cleared when it grows large. */
const compiled = new Map<string, RegExp | null>();

/** `value` as a fully anchored regex (`^(?:value)$`, like Prometheus), or null when it does not compile. */
function anchored(value: string): RegExp | null {
  let re = compiled.get(value);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${value})$`);
    } catch {
      re = null;
    }
    if (compiled.size >= 1000) compiled.clear();
    compiled.set(value, re);
  }
  return re;
}

/** Whether a matcher matches a label value ('' when the label is missing). An invalid regex never matches. */
export function matcherMatches(m: Matcher, value: string): boolean {
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~': {
      const re = anchored(m.value);
      return re !== null && re.test(value);
    }
    case '!~': {
      const re = anchored(m.value);
      return re !== null && !re.test(value);
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

/** What of a regex's groups can backtrack catastrophically (JavaScript's engine, unlike RE2, does not guard). */
interface Backtracking {
  /** A repeated group holds a repetition: `(a+)+`, `(\w*x)*`. */
  nestedQuantifier: boolean;
  /** A repeated group holds an alternation: `(a|aa)*`, whose ambiguous branches multiply the paths. */
  repeatedAlternation: boolean;
}

/** Scans a regex's groups (escapes and character classes skipped) for what can backtrack badly. */
function backtracking(source: string): Backtracking {
  const found: Backtracking = { nestedQuantifier: false, repeatedAlternation: false };
  const groups: Array<{ quantifier: boolean; alternation: boolean }> = []; // per open group
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    const open = groups[groups.length - 1];
    if (c === '[') {
      inClass = true;
    } else if (c === '(') {
      groups.push({ quantifier: false, alternation: false });
    } else if (c === '|') {
      if (open) open.alternation = true;
    } else if (c === ')') {
      const inner = groups.pop() ?? { quantifier: false, alternation: false };
      const next = source.slice(i + 1);
      const repeated = next[0] === '*' || next[0] === '+' || /^\{\d*,\d*\}/.test(next);
      if (inner.quantifier && repeated) found.nestedQuantifier = true;
      // Even a fixed count (`{30}`) of an ambiguous alternation is 2^30 paths.
      if (inner.alternation && (repeated || /^\{\d+\}/.test(next))) found.repeatedAlternation = true;
      // A group holding a quantifier (or an alternation) makes its enclosing group hold one too.
      const parent = groups[groups.length - 1];
      if (parent) {
        parent.quantifier ||= inner.quantifier || repeated;
        parent.alternation ||= inner.alternation;
      }
    } else if ((c === '*' || c === '+' || c === '{' || (c === '?' && source[i - 1] !== '(')) && open) {
      open.quantifier = true;
    }
  }
  return found;
}

/**
 * Whether a regex repeats a group that itself holds a repetition, like `(a+)+` or `(\w*x)*`: such
 * regexes can backtrack catastrophically, and JavaScript's engine (unlike Alertmanager's RE2) does not
 * protect against it.
 */
export function hasNestedQuantifier(source: string): boolean {
  return backtracking(source).nestedQuantifier;
}

/**
 * Whether a regex repeats a group that holds an alternation, like `(a|aa)*` or `(sha|bjs)+`: with
 * overlapping branches the paths multiply on each repetition (exponential on a long value). Refused
 * whether or not the branches overlap: telling them apart is not simple, and such silences are rare
 * (`sha|bjs` and `(sha|bjs)-.*` stay allowed).
 */
export function hasRepeatedAlternation(source: string): boolean {
  return backtracking(source).repeatedAlternation;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates a silence's matchers for the API: 1..32 `{label, op, value}` with Prometheus label names
 * (max 100 chars), one of the four operators, a string value (max 1000 chars), regexes that compile
 * and repeat no group holding a quantifier or an alternation, and at least one matcher that does not match the empty string (a silence
 * cannot match everything). Returns the problems (empty when valid), with paths like `matchers[1].value`.
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
      // One scan of the regex for both risks.
      const risk = anchored(value) === null ? null : backtracking(value);
      if (risk === null) {
        problems.push({ path: `${at}.value`, message: 'is not a valid regular expression' });
      } else if (risk.nestedQuantifier) {
        problems.push({
          path: `${at}.value`,
          message:
            'repeats a group that holds a repetition (like (a+)+): it could backtrack catastrophically',
        });
      } else if (risk.repeatedAlternation) {
        problems.push({
          path: `${at}.value`,
          message:
            'repeats a group that holds an alternation (like (a|aa)*): it could backtrack catastrophically',
        });
      }
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
