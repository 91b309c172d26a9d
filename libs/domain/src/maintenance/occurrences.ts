import { compileRecurrence, type Recurrence } from './recurrence';
import type { Interval, MaintenanceWindow, WindowSchedule } from './types';

/** At most this many occurrences are listed per call (a minutely rule over a month is 43,200). */
export const MAX_OCCURRENCES = 50_000;

/** The compiled form of a schedule: parse once, ask many times. */
export type CompiledSchedule =
  { kind: 'once'; interval: Interval } | { kind: 'recurring'; recurrence: Recurrence };

export function compileSchedule(schedule: WindowSchedule): CompiledSchedule {
  if (schedule.kind === 'once')
    return { kind: 'once', interval: { start: schedule.startsAt, end: schedule.endsAt } };
  return {
    kind: 'recurring',
    recurrence: compileRecurrence(schedule.kind, schedule.rule, schedule.timezone, schedule.startsAt),
  };
}

/**
 * The occurrences of a window that overlap [from, to), in order: whole occurrences (not clipped to
 * the range), except that a cancelled window's end at its cancellation. `compiled` saves parsing
 * the rule again (compileSchedule of the same window).
 */
export function occurrences(
  window: Pick<MaintenanceWindow, 'schedule' | 'cancelledAt'>,
  from: number,
  to: number,
  compiled: CompiledSchedule = compileSchedule(window.schedule),
  limit = MAX_OCCURRENCES,
): Interval[] {
  const stop = window.cancelledAt ?? Infinity;
  const cut = (i: Interval): Interval | undefined =>
    i.start < stop ? { start: i.start, end: Math.min(i.end, stop) } : undefined;
  if (compiled.kind === 'once') {
    const i = cut(compiled.interval);
    return i && i.start < to && i.end > from ? [i] : [];
  }
  const s = window.schedule;
  if (s.kind === 'once') return [];
  const hi = Math.min(to, s.until ?? Infinity, stop);
  return compiled.recurrence
    .startsBetween(from - s.durationMs + 1, hi, limit)
    .map((start) => cut({ start, end: start + s.durationMs })!)
    .filter((i) => i.end > from);
}

/** The next `count` occurrences that have not ended by `now` (the one in progress first). */
export function nextOccurrences(
  window: Pick<MaintenanceWindow, 'schedule' | 'cancelledAt'>,
  now: number,
  count: number,
  horizonMs = 400 * 86_400_000,
  compiled: CompiledSchedule = compileSchedule(window.schedule),
): Interval[] {
  return occurrences(window, now + 1, now + horizonMs, compiled, count).slice(0, count);
}
