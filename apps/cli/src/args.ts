/**
 * Parsing of command-line arguments: numbers, ids, durations, times and silence matchers. A bad
 * argument is a {@link UsageError} (exit 2) that names it; the API checks the meaning (e.g. that a
 * regex compiles) and answers with `details`.
 */
import { UsageError, type ApiIssue } from './client';

/** A whole number from the command line (`--if-match 3`, `diff 4`), or a usage error naming it. */
export function parseVersionArg(value: string, what: string, min = 1): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`${what} must be a whole number${min > 0 ? ' of 1 or more' : ''}, got "${value}"`);
  }
  return Number(value);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A notification or silence id (a UUID), trimmed; anything else is a usage error naming `what`. */
export function parseIdArg(value: string, what: string): string {
  const id = value.trim();
  if (!UUID.test(id)) throw new UsageError(`${what} must be a UUID, got "${value}"`);
  return id.toLowerCase();
}

/** The duration grammar of the config file (`30m`, `2h`, `1h30m`, `1d`): integer-unit parts, no spaces. */
const DURATION = /^(\d+(ms|s|m|h|d))+$/;
const DURATION_PART = /(\d+)(ms|s|m|h|d)/g;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A positive duration such as `30m`, `2h` or `1h30m`, in milliseconds. The grammar is the config
 * file's (libs/config `parseDuration`), repeated here so the CLI does not load the config schema.
 */
export function parseDurationArg(value: string, what: string): number {
  const text = value.trim();
  let ms = Number.NaN;
  if (DURATION.test(text)) {
    ms = 0;
    for (const [, count, unit] of text.matchAll(DURATION_PART)) ms += Number(count) * UNIT_MS[unit];
  }
  if (!Number.isSafeInteger(ms) || ms <= 0) {
    throw new UsageError(`${what} must be a duration like 30m, 2h or 1h30m, got "${value}"`);
  }
  return ms;
}

/** ISO 8601 with a date, a time and a zone; a zone is required so that a time means the same everywhere. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** Whether the `YYYY-MM-DD` a time starts with exists (Date.parse reads 2026-02-30 as March 2). */
function realDate(text: string): boolean {
  const [y, m, d] = text.slice(0, 10).split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** An ISO 8601 time with a zone (`2026-05-01T18:00:00Z`, `2026-05-01T18:00+08:00`), as epoch ms. */
export function parseTimeArg(value: string, what: string): number {
  const text = value.trim();
  const ms = ISO_TIME.test(text) && realDate(text) ? Date.parse(text.replace(' ', 'T')) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new UsageError(
      `${what} must be an ISO 8601 time with a zone, e.g. 2026-05-01T18:00:00Z or 2026-05-01T18:00+08:00, got "${value}"`,
    );
  }
  return ms;
}

export type MatcherOp = '=' | '!=' | '=~' | '!~';

/** One label matcher of a silence, as the API takes it. */
export interface SilenceMatcher {
  label: string;
  op: MatcherOp;
  value: string;
}

/**
 * `label`, then the operator (the longest first, so `=~` is not read as `=` and a value `~...`), then
 * the value; spaces around each are dropped, as Alertmanager's parser does (quote a value to keep them).
 */
const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/s;

/**
 * `label=value`, `label!=value`, `label=~regex` or `label!~regex` (Alertmanager's operators); a value
 * in double quotes is read as a JSON string (`idc="sha"`, `rule="a \"b\""`). Anything else is a
 * usage error naming the argument.
 */
export function parseMatcher(text: string): SilenceMatcher {
  const match = MATCHER.exec(text);
  if (!match) {
    throw new UsageError(
      `--match "${text}": expected label=value, label!=value, label=~regex or label!~regex (label: [a-zA-Z_][a-zA-Z0-9_]*)`,
    );
  }
  const [, label, op, raw] = match;
  let value = raw;
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) {
    try {
      value = JSON.parse(raw) as string;
    } catch {
      throw new UsageError(`--match "${text}": the quoted value is not a valid JSON string`);
    }
  }
  return { label, op: op as MatcherOp, value };
}

/** A matcher as the user would type it: `idc=sha`; a value with spaces, commas or quotes is quoted. */
export function formatMatcher(m: SilenceMatcher): string {
  const value = m.value === '' || /[\s,"]/.test(m.value) ? JSON.stringify(m.value) : m.value;
  return `${m.label}${m.op}${value}`;
}

const MATCHER_PATH = /^matchers\[(\d+)\]/;

/**
 * The API's problems with a silence, each about `matchers[i]` followed by the `--match` argument it
 * came from, so the user sees which one to fix: `matchers[1].value: ... (--match "severity=~(")`.
 */
export function annotateMatcherIssues(issues: readonly ApiIssue[], matches: readonly string[]): ApiIssue[] {
  return issues.map((issue) => {
    const index = MATCHER_PATH.exec(issue.path)?.[1];
    const text = index !== undefined ? matches[Number(index)] : undefined;
    return text === undefined
      ? issue
      : { ...issue, message: `${issue.message} (--match ${JSON.stringify(text)})` };
  });
}

/** When a silence starts and ends, from `--start`, `--for` and `--until`. */
export interface SilenceWindowArgs {
  start?: string;
  for?: string;
  until?: string;
}

/**
 * `startsAt` (only when `--start` is given: the API defaults to now) and `endsAt` as ISO strings.
 * Exactly one of `--for` (counted from the start) and `--until` is required.
 */
export function silenceWindow(args: SilenceWindowArgs, now: number): { startsAt?: string; endsAt: string } {
  if (args.for !== undefined && args.until !== undefined) {
    throw new UsageError('give either --for or --until, not both');
  }
  if (args.for === undefined && args.until === undefined) {
    throw new UsageError('a silence needs an end: pass --for <duration> (e.g. 2h) or --until <time>');
  }
  const start = args.start !== undefined ? parseTimeArg(args.start, '--start') : undefined;
  const end =
    args.for !== undefined
      ? (start ?? now) + parseDurationArg(args.for, '--for')
      : parseTimeArg(args.until as string, '--until');
  return {
    ...(start !== undefined ? { startsAt: new Date(start).toISOString() } : {}),
    endsAt: new Date(end).toISOString(),
  };
}

/** An IDC name in `vigil weights set` (the config's name grammar is checked by the API). */
const WEIGHT_ARG = /^\s*([^=\s]+)\s*=\s*(\S+)\s*$/;

/**
 * `bjs=100 sha=0` (one argument per IDC) as `{bjs: 100, sha: 0}`. A weight is a number of 0 or more;
 * the API checks the rest (known IDCs, not all 0) and names `weights.<idc>` when it refuses.
 */
export function parseWeightsArgs(args: readonly string[]): Record<string, number> {
  if (args.length === 0) throw new UsageError('give the weights as idc=weight, e.g. bjs=100 sha=0');
  const weights: Record<string, number> = {};
  for (const arg of args) {
    const match = WEIGHT_ARG.exec(arg);
    const weight = match ? Number(match[2]) : Number.NaN;
    if (!match || !/^\d+(\.\d+)?$/.test(match[2]) || !Number.isFinite(weight)) {
      throw new UsageError(`weights must be idc=weight with a weight of 0 or more, got "${arg}"`);
    }
    if (Object.hasOwn(weights, match[1])) throw new UsageError(`IDC ${match[1]} is given twice`);
    weights[match[1]] = weight;
  }
  return weights;
}

/** When a freeze ends, from `--for` (counted from now) or `--until`: exactly one of them, as ISO. */
export function freezeUntil(args: { for?: string; until?: string }, now: number): string {
  if (args.for !== undefined && args.until !== undefined) {
    throw new UsageError('give either --for or --until, not both');
  }
  if (args.for === undefined && args.until === undefined) {
    throw new UsageError('a freeze needs an end: pass --for <duration> (e.g. 2h) or --until <time>');
  }
  const end =
    args.for !== undefined ? now + parseDurationArg(args.for, '--for') : parseTimeArg(args.until!, '--until');
  return new Date(end).toISOString();
}
