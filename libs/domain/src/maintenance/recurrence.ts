/**
 * Recurrence rules of maintenance windows: RFC 5545 RRULEs (the `rrule` package) and 5-field cron
 * expressions (`cron-parser`), both read in a time zone. Both libraries run on wall times in UTC
 * (floating times), converted to instants by fromWallTime, so daylight-saving transitions are
 * handled once, in one place, the same way for both syntaxes (RFC 5545 3.3.5).
 */
import { CronExpressionParser } from 'cron-parser';
import { RRule } from 'rrule';
import { fromWallTime, toWallTime } from './zoned-time';

/** Hours either side of a range searched in wall time: covers any zone's offset change. */
const MARGIN_MS = 3 * 3_600_000;

const FREQS = ['MINUTELY', 'HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'];
const DAY = '(MO|TU|WE|TH|FR|SA|SU)';
const int =
  (lo: number, hi: number, signed = false) =>
  (v: string) => {
    if (!(signed ? /^[+-]?\d{1,3}$/ : /^\d{1,3}$/).test(v)) return false;
    const n = Math.abs(Number(v));
    return n >= lo && n <= hi;
  };
const list = (each: (v: string) => boolean) => (v: string) => v.split(',').every(each);
/** Each RRULE part Vigil accepts, with a check of its value. */
const PARTS: Record<string, { check: (v: string) => boolean; expect: string }> = {
  FREQ: { check: (v) => FREQS.includes(v), expect: `one of ${FREQS.join(', ')}` },
  INTERVAL: { check: int(1, 999), expect: 'a whole number from 1' },
  COUNT: { check: int(1, 999), expect: 'a whole number from 1' },
  UNTIL: { check: (v) => /^\d{8}(T\d{6}Z?)?$/.test(v), expect: 'a date such as 20270101T000000Z' },
  WKST: { check: (v) => new RegExp(`^${DAY}$`).test(v), expect: 'a weekday (MO..SU)' },
  BYDAY: {
    check: list((v) => new RegExp(`^([+-]?\\d{1,2})?${DAY}$`).test(v)),
    expect: 'weekdays such as MO,TU or 1MO,-1FR',
  },
  BYHOUR: { check: list(int(0, 23)), expect: 'hours 0-23' },
  BYMINUTE: { check: list(int(0, 59)), expect: 'minutes 0-59' },
  BYSECOND: { check: list(int(0, 59)), expect: 'seconds 0-59' },
  BYMONTH: { check: list(int(1, 12)), expect: 'months 1-12' },
  BYMONTHDAY: { check: list((v) => int(1, 31, true)(v)), expect: 'days of the month 1-31 or -31..-1' },
  BYYEARDAY: { check: list((v) => int(1, 366, true)(v)), expect: 'days of the year 1-366 or -366..-1' },
  BYWEEKNO: { check: list((v) => int(1, 53, true)(v)), expect: 'weeks 1-53 or -53..-1' },
  BYSETPOS: { check: list((v) => int(1, 366, true)(v)), expect: 'positions 1-366 or -366..-1' },
};

/** A compiled recurrence: the instants occurrences start at. */
export interface Recurrence {
  /** Starts in [from, to) (instants), in order, at most `limit`. */
  startsBetween(from: number, to: number, limit: number): number[];
}

/**
 * Checks an RRULE the strict way (the `rrule` package ignores much it does not understand): parts
 * `KEY=VALUE` joined by `;`, an optional `RRULE:` prefix, FREQ required (MINUTELY or slower), known
 * keys only, no DTSTART or TZID (the window's `startsAt` and `timezone` say those), COUNT or UNTIL
 * but not both. Returns the problem, or undefined when the rule is fine.
 */
export function rruleProblem(text: string): string | undefined {
  const body = text.trim().replace(/^RRULE:/i, '');
  if (!body) return 'must not be empty';
  const seen = new Set<string>();
  for (const part of body.split(';')) {
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim().toUpperCase();
    const value =
      eq < 0
        ? ''
        : part
            .slice(eq + 1)
            .trim()
            .toUpperCase();
    if (key === 'DTSTART' || key === 'TZID')
      return `${key} is not allowed in the rule: use the window's startsAt and timezone`;
    const spec = PARTS[key];
    if (!spec) return `unknown RRULE part "${key}"`;
    if (seen.has(key)) return `${key} is given twice`;
    seen.add(key);
    if (!spec.check(value)) return `${key} must be ${spec.expect} (got "${value}")`;
  }
  if (!seen.has('FREQ')) return 'FREQ is required (e.g. FREQ=WEEKLY;BYDAY=TU;BYHOUR=2;BYMINUTE=0)';
  if (seen.has('COUNT') && seen.has('UNTIL')) return 'COUNT and UNTIL cannot both be given';
  try {
    new RRule({ ...RRule.parseString(body), dtstart: new Date(0) });
  } catch (e) {
    return `is not a valid RRULE: ${(e as Error).message}`;
  }
  return undefined;
}

/**
 * Checks a cron expression: exactly 5 fields (minute hour day-of-month month day-of-week), as
 * cron-parser reads them. Returns the problem, or undefined.
 */
export function cronProblem(text: string): string | undefined {
  const fields = text.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 5)
    return `must have 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`;
  try {
    CronExpressionParser.parse(fields.join(' '), { tz: 'UTC', currentDate: new Date(0) });
  } catch (e) {
    return `is not a valid cron expression: ${(e as Error).message}`;
  }
  return undefined;
}

/** Wall-time starts of a rule in [fromWall, toWall), in order, at most `limit`. */
type WallStarts = (fromWall: number, toWall: number, limit: number) => number[];

/** Wall-time length of one period of these frequencies (floating time has no DST): a rule can start a whole number of them later. */
const PERIOD_MS: Partial<Record<number, number>> = {
  [RRule.MINUTELY]: 60_000,
  [RRule.HOURLY]: 3_600_000,
  [RRule.DAILY]: 86_400_000,
  [RRule.WEEKLY]: 7 * 86_400_000,
};

function rruleStarts(text: string, dtstartWall: number): WallStarts {
  const options = RRule.parseString(text.trim().replace(/^RRULE:/i, ''));
  const dtstart = Math.floor(dtstartWall / 1000) * 1000;
  const unit = options.count ? undefined : PERIOD_MS[options.freq!];
  const period = unit === undefined ? undefined : unit * (options.interval ?? 1);
  const full = new RRule({ ...options, dtstart: new Date(dtstart) });
  return (fromWall, toWall, limit) => {
    // rrule walks every occurrence from DTSTART: a 5-minutely rule a year old takes most of a second.
    // Without COUNT, starting the rule whole periods later gives the same occurrences from there on.
    const skip = period === undefined ? 0 : Math.floor((fromWall - dtstart) / period) - 1;
    const rule = skip > 0 ? new RRule({ ...options, dtstart: new Date(dtstart + skip * period!) }) : full;
    return rule
      .between(new Date(fromWall), new Date(toWall), true, (_d, i) => i < limit)
      .map((d) => d.getTime())
      .filter((t) => t >= fromWall && t < toWall);
  };
}

function cronStarts(text: string): WallStarts {
  const expression = text.trim().split(/\s+/).join(' ');
  return (fromWall, toWall, limit) => {
    // No endDate and no hasNext(): with them cron-parser takes 4-6 times as long per start.
    const it = CronExpressionParser.parse(expression, { tz: 'UTC', currentDate: new Date(fromWall - 1000) });
    const out: number[] = [];
    while (out.length < limit) {
      const t = it.next().getTime();
      if (t >= toWall) break;
      if (t >= fromWall) out.push(t);
    }
    return out;
  };
}

/**
 * Compiles a rule (checked before: rruleProblem, cronProblem) in `timeZone`. An RRULE's DTSTART is
 * `startsAt` read in the zone (whole seconds): it gives the time of day and weekday of rules that do
 * not set them (FREQ=DAILY without BYHOUR repeats at startsAt's time). No start precedes `startsAt`.
 */
export function compileRecurrence(
  kind: 'rrule' | 'cron',
  text: string,
  timeZone: string,
  startsAt: number,
): Recurrence {
  const wallStarts = kind === 'rrule' ? rruleStarts(text, toWallTime(startsAt, timeZone)) : cronStarts(text);
  return {
    startsBetween(from, to, limit) {
      const lo = Math.max(from, startsAt);
      if (lo >= to || limit <= 0) return [];
      const starts = new Set<number>();
      let fromWall = toWallTime(lo, timeZone) - MARGIN_MS;
      const toWall = toWallTime(to, timeZone) + MARGIN_MS;
      // Pages of wall times: the margin's extra starts must not eat the limit.
      while (fromWall < toWall && starts.size < limit) {
        const page = wallStarts(fromWall, toWall, limit + 16);
        for (const wall of page) {
          const t = fromWallTime(wall, timeZone);
          if (t >= lo && t < to) starts.add(t);
        }
        if (page.length < limit + 16) break;
        fromWall = page[page.length - 1] + 1;
      }
      return [...starts].sort((a, b) => a - b).slice(0, limit);
    },
  };
}
