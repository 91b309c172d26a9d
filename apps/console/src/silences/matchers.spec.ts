import {
  checkMatchersLocally,
  detailsByPath,
  formatMatcher,
  matchersFromAlert,
  matchersFromLabels,
  matchersFromNotification,
  parseDuration,
} from './matchers';

describe('matchersFromLabels', () => {
  it('keeps present, non-empty labels in the order asked', () => {
    expect(
      matchersFromLabels({ idc: 'sha', service: 'pay', endpoint: '' }, ['service', 'idc', 'endpoint']),
    ).toEqual([
      { label: 'service', op: '=', value: 'pay' },
      { label: 'idc', op: '=', value: 'sha' },
    ]);
  });
});

describe('matchersFromAlert', () => {
  it('uses the alert service, IDC and endpoint, not labels a notification never carries', () => {
    expect(
      matchersFromAlert({
        labels: { alertname: 'HighErrorRate', service: 'pay', idc: 'sha' },
        service: 'pay',
        idc: 'sha',
        endpoint: null,
      }),
    ).toEqual([
      { label: 'service', op: '=', value: 'pay' },
      { label: 'idc', op: '=', value: 'sha' },
    ]);
  });

  it('falls back to the labels', () => {
    expect(matchersFromAlert({ labels: { endpoint: 'e1' } })).toEqual([
      { label: 'endpoint', op: '=', value: 'e1' },
    ]);
  });
});

describe('matchersFromNotification', () => {
  it('matches service, IDC and event', () => {
    expect(
      matchersFromNotification({
        event: 'idc.state',
        labels: { event: 'idc.state', severity: 'critical', service: 'pay', idc: 'sha' },
      }),
    ).toEqual([
      { label: 'service', op: '=', value: 'pay' },
      { label: 'idc', op: '=', value: 'sha' },
      { label: 'event', op: '=', value: 'idc.state' },
    ]);
  });

  it('uses the vantage or rule when there is no service or IDC', () => {
    expect(
      matchersFromNotification({ event: 'rule.disabled', labels: { event: 'rule.disabled', rule: 'r1' } }),
    ).toEqual([
      { label: 'rule', op: '=', value: 'r1' },
      { label: 'event', op: '=', value: 'rule.disabled' },
    ]);
  });

  it('takes the event field when the labels lack it', () => {
    expect(matchersFromNotification({ event: 'panic', labels: {} })).toEqual([
      { label: 'event', op: '=', value: 'panic' },
    ]);
  });
});

describe('parseDuration', () => {
  it.each([
    ['2h', 7_200_000],
    ['30m', 1_800_000],
    ['1d12h', 129_600_000],
    ['1h 30m', 5_400_000],
    ['90s', 90_000],
    ['45', 2_700_000],
    ['1.5h', 5_400_000],
  ])('reads %s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'soon', '2x', '0m', 'h2'])('refuses %p', (text) => expect(parseDuration(text)).toBeNull());
});

describe('detailsByPath', () => {
  it('groups the details by path, and pathless ones under form', () => {
    expect(
      detailsByPath({
        message: 'x',
        details: [
          { path: 'matchers[1].value', message: 'is not a valid RE2 regular expression' },
          { path: 'endsAt', message: 'must be at most 30 days ahead' },
          { path: 'endsAt', message: 'other' },
          { message: 'no path' },
        ],
      }),
    ).toEqual({
      'matchers[1].value': ['is not a valid RE2 regular expression'],
      endsAt: ['must be at most 30 days ahead', 'other'],
      form: ['no path'],
    });
    expect(detailsByPath(null)).toEqual({});
    expect(detailsByPath({ message: 'x' })).toEqual({});
  });
});

describe('checkMatchersLocally', () => {
  it('asks for a matcher and label names', () => {
    expect(checkMatchersLocally([])).toEqual({ matchers: ['add at least one matcher'] });
    expect(checkMatchersLocally([{ label: '1x', op: '=', value: 'a' }])).toEqual({
      'matchers[0].label': ['must be a label name ([a-zA-Z_][a-zA-Z0-9_]*)'],
    });
  });
});

describe('formatMatcher', () => {
  it('writes label, op and quoted value', () => {
    expect(formatMatcher({ label: 'idc', op: '!~', value: 'sha|bjs' })).toBe('idc!~"sha|bjs"');
  });
});
