import { compileSchedule, occurrences } from './occurrences';
import { cronProblem, rruleProblem } from './recurrence';
import type { WindowSchedule } from './types';
import { isTimeZone } from './zoned-time';

/** A window (one occurrence of it) may last at most this long, like a freeze. */
export const MAX_WINDOW_MS = 30 * 86_400_000;
/** A recurring window must occur within this long (from now, or from its start). */
export const OCCURRENCE_HORIZON_MS = 400 * 86_400_000;
/** Occurrences looked at to find the shortest time between two of them (a daily rule: over a year, so a DST night is in). */
const GAP_SAMPLE = 400;

/** A schedule as the API receives it (strings as sent). */
export interface ScheduleInput {
  startsAt?: string;
  endsAt?: string;
  rrule?: string;
  cron?: string;
  timezone?: string;
  duration?: string;
  until?: string;
}

export interface Problem {
  path: string;
  message: string;
}

/**
 * Duration text as the config writes it (`2h`, `1h30m`): libs/config's parseDuration and
 * formatDuration, passed in because libs/config depends on this library, not the other way round.
 */
export interface DurationSyntax {
  /** Milliseconds; throws an Error saying what is wrong. */
  parse(text: string): number;
  format(ms: number): string;
}

function instant(input: ScheduleInput, field: 'startsAt' | 'endsAt' | 'until', problems: Problem[]) {
  const text = input[field];
  if (text === undefined) return undefined;
  const t = Date.parse(text);
  if (!Number.isFinite(t)) problems.push({ path: field, message: 'expected an ISO 8601 timestamp' });
  return Number.isFinite(t) ? t : undefined;
}

/**
 * Checks a window's schedule and returns it, or every problem found (paths are the API's fields).
 * One-off: `endsAt` (and `startsAt`, default now), ending in the future, at most 30 days long.
 * Recurring: exactly one of `rrule` and `cron`, a `duration` (at most 30 days, and no longer than the
 * shortest time between two occurrences, so occurrences never overlap), a `timezone` (IANA, default
 * UTC), optional `startsAt` (default now) and `until`; it must occur at least once before `until`
 * and within 400 days.
 */
export function checkSchedule(
  input: ScheduleInput,
  now: number,
  durations: DurationSyntax,
): { schedule: WindowSchedule } | { problems: Problem[] } {
  const human = (ms: number) => durations.format(Math.max(0, Math.round(ms / 1000) * 1000));
  const problems: Problem[] = [];
  const startsAt = instant(input, 'startsAt', problems);
  const endsAt = instant(input, 'endsAt', problems);
  const until = instant(input, 'until', problems);
  const recurring = input.rrule !== undefined || input.cron !== undefined;

  if (!recurring) {
    for (const field of ['duration', 'timezone', 'until'] as const)
      if (input[field] !== undefined)
        problems.push({ path: field, message: 'only for a recurring window (give rrule or cron)' });
    if (input.endsAt === undefined)
      problems.push({ path: 'endsAt', message: 'required for a one-off window (or give rrule or cron)' });
    if (problems.length || endsAt === undefined) return { problems };
    const start = startsAt ?? now;
    if (endsAt <= now)
      problems.push({ path: 'endsAt', message: `must be in the future (got ${input.endsAt})` });
    else if (endsAt <= start) problems.push({ path: 'endsAt', message: 'must be after startsAt' });
    else if (endsAt - start > MAX_WINDOW_MS)
      problems.push({
        path: 'endsAt',
        message: `the window may last at most 30d (got ${human(endsAt - start)})`,
      });
    else if (start > now + OCCURRENCE_HORIZON_MS)
      problems.push({ path: 'startsAt', message: 'must be at most 400 days ahead' });
    return problems.length ? { problems } : { schedule: { kind: 'once', startsAt: start, endsAt } };
  }

  if (input.rrule !== undefined && input.cron !== undefined)
    problems.push({ path: 'cron', message: 'give either rrule or cron, not both' });
  if (input.endsAt !== undefined)
    problems.push({ path: 'endsAt', message: 'only for a one-off window (a recurring one has duration)' });
  const kind = input.rrule !== undefined ? 'rrule' : 'cron';
  const rule = (input.rrule ?? input.cron)!;
  const ruleProblem = kind === 'rrule' ? rruleProblem(rule) : cronProblem(rule);
  if (ruleProblem) problems.push({ path: kind, message: ruleProblem });
  const timezone = input.timezone ?? 'UTC';
  if (!isTimeZone(timezone))
    problems.push({
      path: 'timezone',
      message: `unknown time zone "${timezone}" (expected an IANA name such as Europe/Berlin)`,
    });
  let durationMs: number | undefined;
  if (input.duration === undefined)
    problems.push({ path: 'duration', message: 'required for a recurring window (e.g. "2h")' });
  else {
    try {
      durationMs = durations.parse(input.duration);
      if (durationMs <= 0) problems.push({ path: 'duration', message: 'must be more than 0s' });
      else if (durationMs > MAX_WINDOW_MS)
        problems.push({ path: 'duration', message: `must be at most 30d (got ${input.duration})` });
    } catch (e) {
      problems.push({ path: 'duration', message: (e as Error).message });
    }
  }
  const start = startsAt ?? Math.floor(now / 60_000) * 60_000;
  if (until !== undefined && until <= Math.max(now, start))
    problems.push({ path: 'until', message: 'must be after startsAt and in the future' });
  if (problems.length || durationMs === undefined) return { problems };

  const schedule: WindowSchedule = {
    kind,
    rule: rule.trim(),
    timezone,
    durationMs,
    startsAt: start,
    ...(until === undefined ? {} : { until }),
  };
  const compiled = compileSchedule(schedule);
  const from = Math.max(now, start);
  const upcoming = occurrences({ schedule }, from, from + OCCURRENCE_HORIZON_MS, compiled, GAP_SAMPLE);
  if (!upcoming.some((o) => o.end > now)) {
    const end = until !== undefined ? `before until (${input.until})` : 'within 400 days';
    return { problems: [{ path: kind, message: `has no occurrence ${end}` }] };
  }
  let gap = Infinity;
  for (let i = 1; i < upcoming.length; i++) gap = Math.min(gap, upcoming[i].start - upcoming[i - 1].start);
  if (durationMs > gap)
    return {
      problems: [
        {
          path: 'duration',
          message: `${input.duration} is longer than the shortest time between two occurrences (${human(gap)}): occurrences would overlap`,
        },
      ],
    };
  return { schedule };
}
