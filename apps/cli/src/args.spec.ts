import {
  annotateMatcherIssues,
  formatMatcher,
  freezeUntil,
  parseDurationArg,
  parseIdArg,
  parseMatcher,
  parseTimeArg,
  parseVersionArg,
  parseWeightsArgs,
  silenceWindow,
} from './args';
import { EXIT_USAGE, UsageError } from './client';

/** The error `fn` throws (a test failure when it throws none). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('parseMatcher', () => {
  it.each([
    ['idc=sha', { label: 'idc', op: '=', value: 'sha' }],
    ['idc!=sha', { label: 'idc', op: '!=', value: 'sha' }],
    ['severity=~warn.*', { label: 'severity', op: '=~', value: 'warn.*' }],
    ['severity!~info|warning', { label: 'severity', op: '!~', value: 'info|warning' }],
    // The first operator splits: the value may hold operators of its own.
    ['rule=a=b', { label: 'rule', op: '=', value: 'a=b' }],
    ['rule=~a!=b', { label: 'rule', op: '=~', value: 'a!=b' }],
    ['rule==x', { label: 'rule', op: '=', value: '=x' }],
    // An empty value matches a missing label; spaces around label, operator and value are dropped.
    ['endpoint=', { label: 'endpoint', op: '=', value: '' }],
    [' idc = sha ', { label: 'idc', op: '=', value: 'sha' }],
    ['rule=" a b "', { label: 'rule', op: '=', value: ' a b ' }],
    // A double-quoted value is a JSON string (amtool's style).
    ['idc="sha"', { label: 'idc', op: '=', value: 'sha' }],
    ['rule="a, \\"b\\""', { label: 'rule', op: '=', value: 'a, "b"' }],
    ['_x1=~"a.*"', { label: '_x1', op: '=~', value: 'a.*' }],
  ])('%s', (text, matcher) => {
    expect(parseMatcher(text)).toEqual(matcher);
  });

  it.each([['idc'], ['=sha'], ['1idc=sha'], ['id-c=sha'], ['idc~sha'], ['idc!sha'], ['']])(
    'refuses %j as a usage error naming it',
    (text) => {
      const err = thrown(() => parseMatcher(text));
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).exitCode).toBe(EXIT_USAGE);
      expect(err.message).toBe(
        `--match "${text}": expected label=value, label!=value, label=~regex or label!~regex (label: [a-zA-Z_][a-zA-Z0-9_]*)`,
      );
    },
  );

  it('refuses a quoted value that is not a JSON string', () => {
    expect(() => parseMatcher('idc="a\\q"')).toThrow(
      '--match "idc="a\\q"": the quoted value is not a valid JSON string',
    );
  });
});

describe('formatMatcher', () => {
  it('writes a matcher as typed, quoting values with spaces, commas or quotes, and empty ones', () => {
    expect(formatMatcher({ label: 'idc', op: '=', value: 'sha' })).toBe('idc=sha');
    expect(formatMatcher({ label: 'severity', op: '=~', value: 'warn.*' })).toBe('severity=~warn.*');
    expect(formatMatcher({ label: 'rule', op: '!=', value: 'a, b' })).toBe('rule!="a, b"');
    expect(formatMatcher({ label: 'endpoint', op: '=', value: '' })).toBe('endpoint=""');
  });

  it('round-trips through parseMatcher', () => {
    for (const m of [
      { label: 'rule', op: '!=', value: 'say "hi", then go' },
      { label: 'idc', op: '!~', value: 'sha|bjs' },
      { label: 'endpoint', op: '=', value: '' },
    ] as const) {
      expect(parseMatcher(formatMatcher(m))).toEqual(m);
    }
  });
});

describe('parseDurationArg', () => {
  it.each([
    ['30m', 30 * 60_000],
    ['2h', 2 * 3_600_000],
    ['1h30m', 90 * 60_000],
    ['1d', 86_400_000],
    ['90s', 90_000],
    [' 2h ', 2 * 3_600_000],
  ])('%s', (text, ms) => {
    expect(parseDurationArg(text, '--for')).toBe(ms);
  });

  it.each([['2'], ['2x'], ['h'], ['1h 30m'], ['-1h'], ['0m'], ['1.5h'], ['99999999999999999999d']])(
    'refuses %j',
    (text) => {
      expect(() => parseDurationArg(text, '--for')).toThrow(
        `--for must be a duration like 30m, 2h or 1h30m, got "${text}"`,
      );
    },
  );
});

describe('parseTimeArg', () => {
  it.each([
    ['2026-05-01T18:00:00Z', '2026-05-01T18:00:00.000Z'],
    ['2026-05-01T18:00Z', '2026-05-01T18:00:00.000Z'],
    ['2026-05-01 18:00:00.5Z', '2026-05-01T18:00:00.500Z'],
    ['2026-05-01T18:00:00+08:00', '2026-05-01T10:00:00.000Z'],
    ['2026-05-01T18:00-0130', '2026-05-01T19:30:00.000Z'],
  ])('%s', (text, iso) => {
    expect(new Date(parseTimeArg(text, '--until')).toISOString()).toBe(iso);
  });

  it.each([
    ['2026-05-01T18:00:00'], // no zone: which 18:00?
    ['2026-05-01'],
    ['tomorrow'],
    ['2026-02-30T18:00Z'], // Date.parse would read March 2
    ['2026-05-01T25:00Z'],
    ['1777658400000'],
  ])('refuses %j', (text) => {
    expect(() => parseTimeArg(text, '--until')).toThrow(
      `--until must be an ISO 8601 time with a zone, e.g. 2026-05-01T18:00:00Z or 2026-05-01T18:00+08:00, got "${text}"`,
    );
  });
});

describe('silenceWindow', () => {
  const now = Date.parse('2026-05-01T10:00:00Z');

  it('ends --for after now, leaving the start to the API', () => {
    expect(silenceWindow({ for: '1h30m' }, now)).toEqual({ endsAt: '2026-05-01T11:30:00.000Z' });
  });

  it('counts --for from --start', () => {
    expect(silenceWindow({ start: '2026-05-02T00:00:00Z', for: '2h' }, now)).toEqual({
      startsAt: '2026-05-02T00:00:00.000Z',
      endsAt: '2026-05-02T02:00:00.000Z',
    });
  });

  it('takes --until as given (the API says when it is in the past)', () => {
    expect(silenceWindow({ until: '2026-05-01T18:00:00+08:00' }, now)).toEqual({
      endsAt: '2026-05-01T10:00:00.000Z',
    });
  });

  it('needs exactly one of --for and --until', () => {
    expect(() => silenceWindow({}, now)).toThrow(
      'a silence needs an end: pass --for <duration> (e.g. 2h) or --until <time>',
    );
    expect(() => silenceWindow({ for: '2h', until: '2026-05-01T18:00:00Z' }, now)).toThrow(
      'give either --for or --until, not both',
    );
    expect(() => silenceWindow({ start: 'soon', for: '2h' }, now)).toThrow(/^--start must be/);
  });
});

describe('annotateMatcherIssues', () => {
  it('names the --match a matcher problem came from, and leaves the others alone', () => {
    const issues = [
      { path: 'matchers[1].value', message: 'is not a valid regular expression' },
      { path: 'matchers[0]', message: 'must be an object' },
      { path: 'matchers', message: 'at least one matcher must not match the empty string' },
      { path: 'endsAt', message: 'must be at most 30 days ahead' },
      { path: 'matchers[7].label', message: 'no such --match' },
    ];
    expect(annotateMatcherIssues(issues, ['idc=sha', 'severity=~('])).toEqual([
      { path: 'matchers[1].value', message: 'is not a valid regular expression (--match "severity=~(")' },
      { path: 'matchers[0]', message: 'must be an object (--match "idc=sha")' },
      issues[2],
      issues[3],
      issues[4],
    ]);
  });
});

describe('parseIdArg and parseVersionArg', () => {
  it('takes a UUID, trimmed and lower-cased, and refuses anything else', () => {
    expect(parseIdArg(' 0F8FAD5B-D9CB-469F-A165-70867728950E ', 'silence id')).toBe(
      '0f8fad5b-d9cb-469f-a165-70867728950e',
    );
    expect(() => parseIdArg('42', 'silence id')).toThrow('silence id must be a UUID, got "42"');
  });

  it('takes whole numbers from the minimum up', () => {
    expect(parseVersionArg('3', 'version')).toBe(3);
    expect(parseVersionArg('0', '--against', 0)).toBe(0);
    expect(() => parseVersionArg('0', '--limit')).toThrow(
      '--limit must be a whole number of 1 or more, got "0"',
    );
    expect(() => parseVersionArg('1e3', '--limit')).toThrow(UsageError);
  });
});

describe('parseWeightsArgs', () => {
  it('reads idc=weight arguments', () => {
    expect(parseWeightsArgs(['bjs=100', 'sha=0'])).toEqual({ bjs: 100, sha: 0 });
    expect(parseWeightsArgs(['sha = 2.5'])).toEqual({ sha: 2.5 });
  });

  it('is a usage error without weights, on a bad pair, a negative weight or an IDC given twice', () => {
    expect(() => parseWeightsArgs([])).toThrow('give the weights as idc=weight, e.g. bjs=100 sha=0');
    for (const bad of ['sha', 'sha=', '=5', 'sha=-1', 'sha=ten', 'sha=1e3']) {
      expect(() => parseWeightsArgs([bad])).toThrow(
        `weights must be idc=weight with a weight of 0 or more, got "${bad}"`,
      );
    }
    expect(() => parseWeightsArgs(['sha=1', 'sha=2'])).toThrow('IDC sha is given twice');
    expect(() => parseWeightsArgs(['sha'])).toThrow(UsageError);
  });
});

describe('freezeUntil', () => {
  const now = Date.parse('2026-05-01T10:00:00Z');

  it('counts --for from now, or takes --until', () => {
    expect(freezeUntil({ for: '2h' }, now)).toBe('2026-05-01T12:00:00.000Z');
    expect(freezeUntil({ until: '2026-05-01T20:00+08:00' }, now)).toBe('2026-05-01T12:00:00.000Z');
  });

  it('needs exactly one of them, each well-formed', () => {
    expect(() => freezeUntil({}, now)).toThrow('a freeze needs an end: pass --for <duration>');
    expect(() => freezeUntil({ for: '1h', until: '2026-05-01T12:00:00Z' }, now)).toThrow(
      'give either --for or --until, not both',
    );
    expect(() => freezeUntil({ for: 'soon' }, now)).toThrow('--for must be a duration');
    expect(() => freezeUntil({ until: 'tomorrow' }, now)).toThrow('--until must be an ISO 8601 time');
  });
});
