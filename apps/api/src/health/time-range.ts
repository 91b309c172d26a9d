import type { BadRequestException } from '@nestjs/common';
import { DURATION_PATTERN, parseDuration } from '@libs/config';
import { badRequest } from '@libs/runtime';

export const MINUTE_MS = 60_000;
/** History answers have at most this many buckets (a day of minutes). */
export const MAX_BUCKETS = 1_440;

/** A 400 in the API's error shape, naming the query field at fault. */
export function badField(path: string, message: string): BadRequestException {
  return badRequest([{ path, message }]);
}

/** `?from=`/`?to=` values: an ISO 8601 timestamp or epoch milliseconds. */
export const TIME_PATTERN = /^(\d{1,15}|\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?)$/;

/** The latest time a query may name: the end of year 9999, as far as a 4-digit ISO year goes. */
export const MAX_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * Epoch ms of a `from`/`to` value (already format-checked by the DTO); 400 naming `field` if it is
 * no date, or one before 1970 or after 9999.
 */
export function parseTime(field: string, text: string): number {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms) || !TIME_PATTERN.test(text)) {
    throw badField(field, 'expected an ISO 8601 timestamp or epoch milliseconds');
  }
  if (ms < 0 || ms > MAX_TIME_MS) {
    throw badField(field, `must be a time from 1970-01-01 to 9999-12-31 (epoch ms 0 to ${MAX_TIME_MS})`);
  }
  return ms;
}

/** `[from, to)` in epoch ms: `to` defaults to now, `from` to `to - defaultSpanMs`; `from` must be before `to`. */
export function timeRange(query: { from?: string; to?: string }, defaultSpanMs: number) {
  const to = query.to === undefined ? Date.now() : parseTime('to', query.to);
  const from = query.from === undefined ? to - defaultSpanMs : parseTime('from', query.from);
  if (from >= to) throw badField('from', 'must be before `to`');
  return { from, to };
}

/** A history step: a duration string of whole minutes, at least 1m. */
export function parseStep(text: string): number {
  if (!DURATION_PATTERN.test(text)) {
    throw badField('step', `invalid duration "${text}" (expected e.g. "1m", "5m", "1h")`);
  }
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch (err) {
    throw badField('step', (err as Error).message);
  }
  if (ms < MINUTE_MS) throw badField('step', 'must be at least 1m (rollups are per minute)');
  if (ms % MINUTE_MS !== 0)
    throw badField('step', 'must be a whole number of minutes (rollups are per minute)');
  return ms;
}

/**
 * The buckets of a history query: aligned on multiples of `stepMs` since the epoch (UTC), the first
 * one holding `from`, the last one holding the minute before `to`. 400 naming `step` past MAX_BUCKETS.
 */
export function bucketRange(from: number, to: number, stepMs: number) {
  const first = Math.floor(from / stepMs) * stepMs;
  const count = Math.ceil((to - first) / stepMs);
  if (count > MAX_BUCKETS) {
    throw badField(
      'step',
      `${count} buckets from \`from\` to \`to\`; at most ${MAX_BUCKETS} (use a larger step or a shorter range)`,
    );
  }
  return { first, count };
}
