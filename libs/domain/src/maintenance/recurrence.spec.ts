import { RRule } from 'rrule';
import { compileRecurrence, cronProblem, rruleProblem } from './recurrence';
import { fromWallTime, toWallTime } from './zoned-time';

const utc = (s: string) => Date.parse(s);
const iso = (ts: number[]) => ts.map((t) => new Date(t).toISOString());

describe('rruleProblem', () => {
  it.each([
    ['FREQ=WEEKLY;BYDAY=TU;BYHOUR=2;BYMINUTE=0', undefined],
    ['RRULE:FREQ=DAILY;INTERVAL=2', undefined],
    ['FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=22', undefined],
    ['', 'must not be empty'],
    ['BYHOUR=2', 'FREQ is required (e.g. FREQ=WEEKLY;BYDAY=TU;BYHOUR=2;BYMINUTE=0)'],
    [
      'FREQ=SECONDLY',
      'FREQ must be one of MINUTELY, HOURLY, DAILY, WEEKLY, MONTHLY, YEARLY (got "SECONDLY")',
    ],
    ['FREQ=WEEKLY;BYDAY=XX', 'BYDAY must be weekdays such as MO,TU or 1MO,-1FR (got "XX")'],
    ['FREQ=DAILY;BYHOUR=25', 'BYHOUR must be hours 0-23 (got "25")'],
    ['FREQ=DAILY;FOO=1', 'unknown RRULE part "FOO"'],
    [
      'FREQ=DAILY;DTSTART=20260101T000000Z',
      "DTSTART is not allowed in the rule: use the window's startsAt and timezone",
    ],
    ['FREQ=DAILY;COUNT=3;UNTIL=20270101', 'COUNT and UNTIL cannot both be given'],
    ['FREQ=DAILY;FREQ=WEEKLY', 'FREQ is given twice'],
  ])('%s -> %s', (text, problem) => expect(rruleProblem(text)).toBe(problem));
});

describe('cronProblem', () => {
  it('takes 5 fields and names what is wrong', () => {
    expect(cronProblem('0 2 * * 2')).toBeUndefined();
    expect(cronProblem('*/15 1-3 * * MON-FRI')).toBeUndefined();
    expect(cronProblem('0 2 * *')).toBe(
      'must have 5 fields (minute hour day-of-month month day-of-week), got 4',
    );
    expect(cronProblem('0 0 2 * * *')).toMatch(/got 6$/);
    expect(cronProblem('61 * * * *')).toMatch(/^is not a valid cron expression: /);
    expect(cronProblem('0 0 30 2 *')).toMatch(/^is not a valid cron expression: /);
  });
});

describe('compileRecurrence', () => {
  it('starts an RRULE at its local time in the zone, across a DST change', () => {
    const r = compileRecurrence(
      'rrule',
      'FREQ=WEEKLY;BYDAY=TU;BYHOUR=2;BYMINUTE=0',
      'Europe/Berlin',
      utc('2026-03-01T00:00:00Z'),
    );
    expect(iso(r.startsBetween(utc('2026-03-20T00:00:00Z'), utc('2026-04-08T00:00:00Z'), 10))).toEqual([
      '2026-03-24T01:00:00.000Z', // 02:00 CET
      '2026-03-31T00:00:00.000Z', // 02:00 CEST
      '2026-04-07T00:00:00.000Z',
    ]);
  });

  it('starts cron the same way', () => {
    const r = compileRecurrence('cron', '0 2 * * 2', 'Europe/Berlin', utc('2026-03-01T00:00:00Z'));
    expect(iso(r.startsBetween(utc('2026-03-20T00:00:00Z'), utc('2026-04-08T00:00:00Z'), 10))).toEqual([
      '2026-03-24T01:00:00.000Z',
      '2026-03-31T00:00:00.000Z',
      '2026-04-07T00:00:00.000Z',
    ]);
  });

  it('puts a 02:30 window on a spring-forward night at 03:30 local, once (cron and RRULE)', () => {
    const from = utc('2026-03-27T00:00:00Z');
    const to = utc('2026-03-31T00:00:00Z');
    const expected = [
      '2026-03-27T01:30:00.000Z', // 02:30 CET
      '2026-03-28T01:30:00.000Z',
      '2026-03-29T01:30:00.000Z', // 02:30 does not exist: 03:30 CEST
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
    ];
    const cron = compileRecurrence('cron', '30 2 * * *', 'Europe/Berlin', utc('2026-01-01T00:00:00Z'));
    const rrule = compileRecurrence(
      'rrule',
      'FREQ=DAILY;BYHOUR=2;BYMINUTE=30',
      'Europe/Berlin',
      utc('2026-01-01T00:00:00Z'),
    );
    expect(iso(cron.startsBetween(from, to, 10))).toEqual(expected);
    expect(iso(rrule.startsBetween(from, to, 10))).toEqual(expected);
  });

  it('runs a 01:30 window once on a fall-back night (the first 01:30)', () => {
    const r = compileRecurrence('cron', '30 1 * * *', 'America/New_York', utc('2026-10-01T00:00:00Z'));
    expect(iso(r.startsBetween(utc('2026-10-31T12:00:00Z'), utc('2026-11-02T12:00:00Z'), 10))).toEqual([
      '2026-11-01T05:30:00.000Z', // 01:30 EDT; 01:30 EST is not a second start
      '2026-11-02T06:30:00.000Z',
    ]);
  });

  it('never starts before startsAt, and respects the limit', () => {
    const r = compileRecurrence('rrule', 'FREQ=HOURLY', 'UTC', utc('2026-05-01T10:00:00Z'));
    expect(iso(r.startsBetween(utc('2026-05-01T00:00:00Z'), utc('2026-05-02T00:00:00Z'), 3))).toEqual([
      '2026-05-01T10:00:00.000Z',
      '2026-05-01T11:00:00.000Z',
      '2026-05-01T12:00:00.000Z',
    ]);
  });

  it('pages through more starts than one look gives', () => {
    const r = compileRecurrence('cron', '* * * * *', 'Asia/Shanghai', utc('2026-05-01T00:00:00Z'));
    expect(r.startsBetween(utc('2026-05-01T00:00:00Z'), utc('2026-05-02T00:00:00Z'), 5000)).toHaveLength(
      1440,
    );
  });
});

describe('compileRecurrence on an old rule', () => {
  it.each([
    'FREQ=MINUTELY;INTERVAL=7',
    'FREQ=HOURLY;INTERVAL=5;BYMINUTE=15,45',
    'FREQ=DAILY;INTERVAL=3;BYHOUR=2,14',
    'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;BYHOUR=1',
    'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;BYHOUR=23',
  ])('%s starts where walking from DTSTART would (skipped whole periods)', (rule) => {
    const startsAt = utc('2025-01-01T00:00:17Z');
    const from = utc('2026-03-20T00:00:00Z');
    const to = utc('2026-04-10T00:00:00Z');
    const walked = new RRule({
      ...RRule.parseString(rule),
      dtstart: new Date(toWallTime(startsAt, 'Europe/Berlin')),
    })
      .between(
        new Date(toWallTime(from, 'Europe/Berlin') - 3 * 3_600_000),
        new Date(toWallTime(to, 'Europe/Berlin') + 3 * 3_600_000),
        true,
      )
      .map((d) => fromWallTime(d.getTime(), 'Europe/Berlin'))
      .filter((t) => t >= from && t < to);
    const starts = compileRecurrence('rrule', rule, 'Europe/Berlin', startsAt).startsBetween(
      from,
      to,
      50_000,
    );
    expect(starts.length).toBeGreaterThan(0);
    expect(iso(starts)).toEqual(iso([...new Set(walked)].sort((a, b) => a - b)));
  });
});
