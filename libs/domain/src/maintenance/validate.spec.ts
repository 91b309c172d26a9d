import { formatDuration, parseDuration } from '@libs/config';
import { checkSchedule, type ScheduleInput } from './validate';

const durations = { parse: parseDuration, format: formatDuration };

const now = Date.parse('2026-12-03T20:00:00Z');
const problems = (input: ScheduleInput) => {
  const r = checkSchedule(input, now, durations);
  return 'problems' in r ? r.problems : [];
};

describe('checkSchedule', () => {
  it('takes a one-off window, now or ahead', () => {
    expect(checkSchedule({ endsAt: '2026-12-03T22:00:00Z' }, now, durations)).toEqual({
      schedule: { kind: 'once', startsAt: now, endsAt: Date.parse('2026-12-03T22:00:00Z') },
    });
    expect(
      checkSchedule({ startsAt: '2026-12-10T01:00:00Z', endsAt: '2026-12-10T03:00:00Z' }, now, durations),
    ).toMatchObject({
      schedule: { kind: 'once' },
    });
  });

  it('takes a recurring window, defaulting the zone to UTC and the start to this minute', () => {
    expect(
      checkSchedule({ rrule: 'FREQ=WEEKLY;BYDAY=TU;BYHOUR=2;BYMINUTE=0', duration: '2h' }, now, durations),
    ).toEqual({
      schedule: {
        kind: 'rrule',
        rule: 'FREQ=WEEKLY;BYDAY=TU;BYHOUR=2;BYMINUTE=0',
        timezone: 'UTC',
        durationMs: 7_200_000,
        startsAt: now,
      },
    });
  });

  it.each<[string, ScheduleInput, Array<{ path: string; message: string | RegExp }>]>([
    ['no end', {}, [{ path: 'endsAt', message: 'required for a one-off window (or give rrule or cron)' }]],
    [
      'an end passed',
      { endsAt: '2026-12-01T00:00:00Z' },
      [{ path: 'endsAt', message: 'must be in the future (got 2026-12-01T00:00:00Z)' }],
    ],
    [
      'too long',
      { endsAt: '2027-02-01T00:00:00Z' },
      [{ path: 'endsAt', message: /^the window may last at most 30d/ }],
    ],
    [
      'a bad timestamp',
      { endsAt: 'tomorrow' },
      [{ path: 'endsAt', message: 'expected an ISO 8601 timestamp' }],
    ],
    [
      'duration on a one-off',
      { endsAt: '2026-12-04T00:00:00Z', duration: '1h' },
      [{ path: 'duration', message: 'only for a recurring window (give rrule or cron)' }],
    ],
    [
      'both rules',
      { rrule: 'FREQ=DAILY', cron: '0 2 * * *', duration: '1h' },
      [{ path: 'cron', message: 'give either rrule or cron, not both' }],
    ],
    [
      'a bad RRULE',
      { rrule: 'FREQ=DAILY;BYHOUR=24', duration: '1h' },
      [{ path: 'rrule', message: 'BYHOUR must be hours 0-23 (got "24")' }],
    ],
    ['a bad cron', { cron: '0 2 * *', duration: '1h' }, [{ path: 'cron', message: /^must have 5 fields/ }]],
    [
      'a bad zone',
      { cron: '0 2 * * *', duration: '1h', timezone: 'Europe/Atlantis' },
      [{ path: 'timezone', message: /^unknown time zone "Europe\/Atlantis"/ }],
    ],
    [
      'a bad duration',
      { cron: '0 2 * * *', duration: '2 hours' },
      [{ path: 'duration', message: /^invalid duration "2 hours"/ }],
    ],
    [
      'no duration',
      { cron: '0 2 * * *' },
      [{ path: 'duration', message: 'required for a recurring window (e.g. "2h")' }],
    ],
    [
      'a duration over 30d',
      { rrule: 'FREQ=YEARLY', duration: '31d' },
      [{ path: 'duration', message: 'must be at most 30d (got 31d)' }],
    ],
    [
      'a duration over the interval',
      { cron: '0 */2 * * *', duration: '3h' },
      [
        {
          path: 'duration',
          message:
            '3h is longer than the shortest time between two occurrences (2h): occurrences would overlap',
        },
      ],
    ],
    [
      'no occurrence before until',
      { rrule: 'FREQ=YEARLY;BYMONTH=6', duration: '1h', until: '2027-01-01T00:00:00Z' },
      [{ path: 'rrule', message: 'has no occurrence before until (2027-01-01T00:00:00Z)' }],
    ],
    [
      'a COUNT all past',
      { rrule: 'FREQ=DAILY;COUNT=2', duration: '1h', startsAt: '2026-01-01T00:00:00Z' },
      [{ path: 'rrule', message: 'has no occurrence within 400 days' }],
    ],
    [
      'until passed',
      { cron: '0 2 * * *', duration: '1h', until: '2026-01-01T00:00:00Z' },
      [{ path: 'until', message: 'must be after startsAt and in the future' }],
    ],
  ])('%s', (_name, input, expected) => {
    const got = problems(input);
    expect(got).toHaveLength(expected.length);
    expected.forEach((e, i) => {
      expect(got[i].path).toBe(e.path);
      if (typeof e.message === 'string') expect(got[i].message).toBe(e.message);
      else expect(got[i].message).toMatch(e.message);
    });
  });

  it('a daily 24h window is refused where a DST night makes a day 23h long', () => {
    expect(
      problems({
        cron: '0 2 * * *',
        duration: '24h',
        timezone: 'Europe/Berlin',
        startsAt: '2027-03-01T00:00:00Z',
      }),
    ).toEqual([
      {
        path: 'duration',
        message:
          '24h is longer than the shortest time between two occurrences (23h): occurrences would overlap',
      },
    ]);
    expect(problems({ cron: '0 2 * * *', duration: '23h', timezone: 'Europe/Berlin' })).toEqual([]);
  });
});
