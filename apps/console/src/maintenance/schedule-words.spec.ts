import { cronInWords, effectsInWords, rruleInWords, scheduleInWords, scopeInWords } from './schedule-words';

const iso = (at: string) => at;

describe('rruleInWords', () => {
  it.each([
    ['FREQ=WEEKLY;BYDAY=TU;BYHOUR=2;BYMINUTE=0', 'every week on Tuesday at 02:00'],
    ['RRULE:FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=22', 'every month on the last Friday at 22:00'],
    [
      'FREQ=MONTHLY;BYDAY=1MO,3MO;BYHOUR=1;BYMINUTE=30',
      'every month on the 1st Monday and the 3rd Monday at 01:30',
    ],
    ['FREQ=DAILY;INTERVAL=2;BYHOUR=3,15;BYMINUTE=5', 'every 2 days at 03:05 and 15:05'],
    ['FREQ=MONTHLY;BYMONTHDAY=1;COUNT=6', 'every month on day 1 6 times'],
    ['FREQ=HOURLY;BYMINUTE=15', 'every hour at minute 15'],
  ])('%s → %s', (rule, words) => {
    expect(rruleInWords(rule)).toBe(words);
  });

  it.each([['FREQ=WEEKLY;BYSETPOS=1'], ['BYDAY=TU'], ['FREQ=WEEKLY;BYDAY=XX'], ['nonsense']])(
    'gives up on %s rather than guess',
    (rule) => {
      expect(rruleInWords(rule)).toBeNull();
    },
  );
});

describe('cronInWords', () => {
  it.each([
    ['0 2 * * 2', 'every Tuesday at 02:00'],
    ['30 22 * * *', 'every day at 22:30'],
    ['0 1 * * 6,0', 'every Saturday and Sunday at 01:00'],
    ['15 4 1 * *', 'on day 1 of every month at 04:15'],
  ])('%s → %s', (cron, words) => {
    expect(cronInWords(cron)).toBe(words);
  });

  it.each([['*/5 * * * *'], ['0 2 * 1 *'], ['0 2 * *']])('gives up on %s', (cron) => {
    expect(cronInWords(cron)).toBeNull();
  });
});

describe('scheduleInWords', () => {
  it('reads a one-off window as its start and end', () => {
    expect(
      scheduleInWords(
        { kind: 'once', startsAt: '2030-01-02T02:00:00Z', endsAt: '2030-01-02T04:00:00Z' },
        iso,
      ),
    ).toBe('once, 2030-01-02T02:00:00Z – 2030-01-02T04:00:00Z');
  });

  it('reads a recurring one as its rule, time zone, duration and end', () => {
    expect(
      scheduleInWords(
        {
          kind: 'rrule',
          startsAt: '2030-01-01T00:00:00Z',
          rrule: 'FREQ=WEEKLY;BYDAY=TU;BYHOUR=2;BYMINUTE=0',
          timezone: 'Europe/Berlin',
          duration: '2h',
          until: '2030-06-01T00:00:00Z',
        },
        iso,
      ),
    ).toBe('every week on Tuesday at 02:00 (Europe/Berlin), 2h each, until 2030-06-01T00:00:00Z');
    expect(
      scheduleInWords(
        { kind: 'cron', startsAt: 'x', cron: '*/5 * * * *', timezone: null, duration: '1m' },
        iso,
      ),
    ).toBe('cron */5 * * * * (UTC), 1m each');
  });
});

describe('scopeInWords and effectsInWords', () => {
  it('names each axis given, and says "everything" when none is', () => {
    expect(scopeInWords({ services: [], idcs: [], labels: {} })).toBe('everything');
    expect(scopeInWords({ services: ['checkout', 'api'], idcs: ['sha'], labels: {} })).toBe(
      'checkout, api in sha',
    );
    expect(scopeInWords({ services: [], idcs: [], labels: { tier: 'batch' } })).toBe(
      'every service in every IDC · tier=batch',
    );
  });

  it('names the effects', () => {
    expect(effectsInWords({ freeze: true, silence: true })).toBe('freeze and silence');
    expect(effectsInWords({ freeze: false, silence: true })).toBe('silence');
    expect(effectsInWords({ freeze: false, silence: false })).toBe('none');
  });
});
