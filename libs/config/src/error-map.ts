import { z } from 'zod';

/** Separates per-key messages of one unrecognized_keys issue (split again by zodIssueToIssues). */
export const KEY_MESSAGE_SEPARATOR = '\u0000';

type RawIssue = z.core.$ZodRawIssue;

/**
 * The error map used when validating configs: short, specific messages ("is required",
 * `expected one of "http", "tcp", got "htp"`, `unknown field "capcity" (did you mean "capacity"?)`).
 * Messages set on a schema itself take precedence over this map.
 */
export function configErrorMap(issue: RawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return invalidType(issue.expected, issue.input);
    case 'invalid_value':
      if (issue.input === undefined) return `is required (${expectedValues(issue.values)})`;
      return `${expectedValues(issue.values)}, got ${describe(issue.input)}`;
    case 'invalid_union':
      return invalidUnion(issue);
    case 'unrecognized_keys':
      return unknownKeys(issue.keys, knownKeys(issue.inst));
    case 'too_small':
      return tooSmall(issue.origin, Number(issue.minimum), issue.inclusive !== false);
    case 'too_big':
      return tooBig(issue.origin, Number(issue.maximum), issue.inclusive !== false);
    case 'invalid_format':
      return `invalid ${issue.format}`;
    case 'invalid_key':
      return 'invalid key';
    default:
      return undefined;
  }
}

function invalidType(expected: string, input: unknown): string {
  if (input === undefined) return 'is required';
  const what =
    expected === 'int'
      ? 'an integer'
      : expected === 'object'
        ? 'an object'
        : expected === 'array'
          ? 'a list'
          : `a ${expected}`;
  return `expected ${what}, got ${describe(input)}`;
}

function invalidUnion(issue: RawIssue & { code: 'invalid_union' }): string | undefined {
  if (!('discriminator' in issue) || typeof issue.discriminator !== 'string') return undefined;
  const options = (issue as { options?: unknown[] }).options ?? [];
  const input = issue.input as Record<string, unknown> | undefined;
  const value = typeof input === 'object' && input !== null ? input[issue.discriminator] : undefined;
  const expected = expectedValues(options);
  return value === undefined ? `is required (${expected})` : `${expected}, got ${describe(value)}`;
}

function expectedValues(values: readonly unknown[]): string {
  const list = values.map((v) => JSON.stringify(v)).join(', ');
  return values.length === 1 ? `expected ${list}` : `expected one of ${list}`;
}

function tooSmall(origin: string, min: number, inclusive: boolean): string {
  if (origin === 'array') return `must have at least ${min} item${min === 1 ? '' : 's'}`;
  if (origin === 'string') return min === 1 ? 'must not be empty' : `must be at least ${min} characters`;
  return inclusive ? `must be at least ${min}` : `must be greater than ${min}`;
}

function tooBig(origin: string, max: number, inclusive: boolean): string {
  if (origin === 'array') return `must have at most ${max} items`;
  if (origin === 'string') return `must be at most ${max} characters`;
  return inclusive ? `must be at most ${max}` : `must be less than ${max}`;
}

function knownKeys(inst: unknown): string[] {
  const def = (inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def;
  return Object.keys(def?.shape ?? {});
}

function unknownKeys(keys: readonly string[], known: readonly string[]): string {
  return keys
    .map((key) => {
      const guess = closest(key, known);
      return `unknown field ${JSON.stringify(key)}${guess ? ` (did you mean ${JSON.stringify(guess)}?)` : ''}`;
    })
    .join(KEY_MESSAGE_SEPARATOR);
}

/** The known key nearest to `key` by edit distance, if it is plausibly a typo. */
function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return bestDistance <= Math.max(1, Math.floor(key.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}

/** A short description of a received value: `"htp"`, `5`, `a list`, `an object`, `null`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}
