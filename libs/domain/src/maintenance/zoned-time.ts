/**
 * Wall-clock times in IANA time zones with Intl only (no tz database of our own). A "wall time" is
 * the local date and time written as if it were UTC: epoch ms of Date.UTC(y, m, d, h, min, s).
 */

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether `name` is a time zone this runtime's Intl knows (IANA names such as Europe/Berlin, or UTC). */
export function isTimeZone(name: string): boolean {
  if (!name) return false;
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

/** The wall time at `instant` in `timeZone` (whole seconds; milliseconds carried over). */
export function toWallTime(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instant))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return wall + (((instant % 1000) + 1000) % 1000);
}

/** The zone's offset from UTC at `instant` (local minus UTC, ms). */
export function offsetAt(instant: number, timeZone: string): number {
  return toWallTime(instant, timeZone) - instant;
}

/**
 * The instant a wall time means in `timeZone`, as RFC 5545 (3.3.5) reads a DATE-TIME with a TZID:
 * a time that occurs twice (clocks going back) is the first of the two; a time that does not occur
 * (clocks going forward) is read with the offset before the gap, so 02:30 on a spring-forward night
 * in Europe/Berlin is 03:30 CEST, the same elapsed time after midnight as intended.
 */
export function fromWallTime(wall: number, timeZone: string): number {
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  const candidates = [...new Set([wall - before, wall - after])]
    .filter((t) => toWallTime(t, timeZone) === wall)
    .sort((a, b) => a - b);
  return candidates[0] ?? wall - before;
}
