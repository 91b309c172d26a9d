import { activeSilence, checkMatchers, matcherMatches, type Matcher } from './silences';
import type { Silence } from './types';

const m = (label: string, op: Matcher['op'], value: string): Matcher => ({ label, op, value });
const LABELS = { event: 'idc.state', severity: 'critical', service: 'live-edge', idc: 'sha' };

describe('matcherMatches', () => {
  it.each<[string, Matcher, string, boolean]>([
    ['= equal', m('idc', '=', 'sha'), 'sha', true],
    ['= other', m('idc', '=', 'sha'), 'bjs', false],
    ['= empty matches a missing label', m('endpoint', '=', ''), '', true],
    ['!= other', m('idc', '!=', 'sha'), 'bjs', true],
    ['!= equal', m('idc', '!=', 'sha'), 'sha', false],
    ['=~ anchored: whole value', m('idc', '=~', 'sh'), 'sha', false],
    ['=~ anchored: prefix pattern', m('idc', '=~', 'sh.*'), 'sha', true],
    ['=~ alternation is anchored as a whole', m('idc', '=~', 'bjs|sh'), 'sha', false],
    ['=~ alternation', m('idc', '=~', 'bjs|sha'), 'sha', true],
    ['=~ on a missing label sees ""', m('endpoint', '=~', '.*'), '', true],
    ['!~ matching', m('idc', '!~', 'sh.*'), 'sha', false],
    ['!~ not matching', m('idc', '!~', 'bj.*'), 'sha', true],
    ['=~ invalid regex never matches', m('idc', '=~', '(sha'), 'sha', false],
    ['!~ invalid regex never matches', m('idc', '!~', '(sha'), 'bjs', false],
  ])('%s', (_name, matcher, value, expected) => {
    expect(matcherMatches(matcher, value)).toBe(expected);
  });
});

describe('activeSilence', () => {
  const silence = (id: string, matchers: Matcher[], startsAt = 0, endsAt = 1000): Silence => ({
    id,
    matchers,
    startsAt,
    endsAt,
  });
  it.each<[string, Silence[], number, string | undefined]>([
    ['none', [], 500, undefined],
    ['one matching', [silence('s1', [m('idc', '=', 'sha')])], 500, 's1'],
    [
      'all matchers must match',
      [silence('s1', [m('idc', '=', 'sha'), m('service', '=', 'vod')])],
      500,
      undefined,
    ],
    [
      'the first that applies wins',
      [
        silence('s1', [m('idc', '=', 'bjs')]),
        silence('s2', [m('severity', '=~', 'crit.*')]),
        silence('s3', [m('idc', '=', 'sha')]),
      ],
      500,
      's2',
    ],
    ['starts inclusive', [silence('s1', [m('idc', '=', 'sha')], 500, 1000)], 500, 's1'],
    ['not started', [silence('s1', [m('idc', '=', 'sha')], 501, 1000)], 500, undefined],
    ['ends exclusive', [silence('s1', [m('idc', '=', 'sha')], 0, 500)], 500, undefined],
    ['a missing label is ""', [silence('s1', [m('vantage', '=', ''), m('idc', '=', 'sha')])], 500, 's1'],
    ['a missing label does not equal a value', [silence('s1', [m('vantage', '=', 'bjs')])], 500, undefined],
    ['!= on a missing label', [silence('s1', [m('vantage', '!=', 'bjs')])], 500, 's1'],
    ['no matchers matches nothing', [silence('s1', [])], 500, undefined],
    ['an invalid regex never matches', [silence('s1', [m('idc', '!~', '[')])], 500, undefined],
  ])('%s', (_name, silences, now, expected) => {
    expect(activeSilence(LABELS, silences, now)).toBe(expected);
  });
});

describe('regex matchers run on RE2 (linear time)', () => {
  // Each of these backtracks for seconds to hours in JavaScript's engine over such a value.
  const long = 'a'.repeat(64 * 1024);
  it.each<[string, string, string, boolean]>([
    ['nested repeats of .*', '(.*){24}!', long, false],
    ['a repeated group of many .*', '(.*.*.*.*.*.*.*.*.*.*)*!', long, false],
    ['many .* in a row', '.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*!', long, false],
    ['an ambiguous repeated alternation', '(a|aa)*$', `${long}b`, false],
    ['an ambiguous repeated alternation that matches', '(a|aa)*', long, true],
    ['a nested quantifier', '(a+)+b', long, false],
    ['a nested quantifier that matches', '(a+)+', long, true],
  ])('%s: %s', (_name, pattern, value, expected) => {
    expect(matcherMatches(m('idc', '=~', pattern), value)).toBe(expected);
    expect(matcherMatches(m('idc', '!~', pattern), value)).toBe(!expected);
  });

  it.each<[string, string]>([
    ['a backreference', '(a)\\1'],
    ['a lookahead', 'sha(?=-1)'],
    ['a negative lookahead', 'sha(?!-1)'],
    ['a repeat count over 1000', 'a{1001}'],
  ])('refuses what RE2 does not support, with its message: %s', (_name, pattern) => {
    const problems = checkMatchers([m('idc', '=~', pattern)]);
    expect(problems).toEqual([
      {
        path: 'matchers[0].value',
        message: expect.stringMatching(/^is not a valid RE2 regular expression: /),
      },
    ]);
    expect(matcherMatches(m('idc', '=~', pattern), 'sha')).toBe(false);
  });

  it('accepts what RE2 has and JavaScript lacks: named classes and inline flags', () => {
    expect(checkMatchers([m('idc', '=~', '[[:alpha:]]+'), m('service', '=~', '(?i)LIVE-.*')])).toEqual([]);
    expect(matcherMatches(m('service', '=~', '(?i)LIVE-.*'), 'live-edge')).toBe(true);
  });
});

describe('checkMatchers', () => {
  const long = (n: number) => 'x'.repeat(n);
  it.each<[string, unknown, Array<{ path: string; message: string }> | string[]]>([
    ['valid', [m('idc', '=', 'sha')], []],
    [
      'valid, every operator',
      [m('a', '=', 'x'), m('b', '!=', 'y'), m('c', '=~', 'z.*'), m('d', '!~', 'w')],
      [],
    ],
    ['not an array', { label: 'idc' }, ['matchers']],
    ['missing', undefined, ['matchers']],
    ['empty', [], ['matchers']],
    ['too many', Array.from({ length: 33 }, (_, i) => m(`l${i}`, '=', 'x')), ['matchers']],
    ['32 is fine', Array.from({ length: 32 }, (_, i) => m(`l${i}`, '=', 'x')), []],
    ['an item not an object', [m('idc', '=', 'sha'), 'idc=sha'], ['matchers[1]']],
    ['an unknown field', [{ ...m('idc', '=', 'sha'), isRegex: true }], ['matchers[0].isRegex']],
    ['label missing', [{ op: '=', value: 'sha' }], ['matchers[0].label']],
    ['label with a dash', [m('my-label', '=', 'x')], ['matchers[0].label']],
    ['label starting with a digit', [m('1abc', '=', 'x')], ['matchers[0].label']],
    ['label empty', [m('', '=', 'x')], ['matchers[0].label']],
    ['label of 100', [m(`a${long(99)}`, '=', 'x')], []],
    ['label of 101', [m(`a${long(100)}`, '=', 'x')], ['matchers[0].label']],
    ['bad op', [{ label: 'idc', op: '==', value: 'x' }], ['matchers[0].op']],
    ['value not a string', [{ label: 'idc', op: '=', value: 3 }], ['matchers[0].value']],
    ['value of 1000', [m('idc', '=', long(1000))], []],
    ['value of 1001', [m('idc', '=', long(1001))], ['matchers[0].value']],
    ['regex that does not compile', [m('idc', '=', 'x'), m('idc', '=~', '(sha')], ['matchers[1].value']],
    ['"(sha" is fine for =', [m('idc', '=', '(sha')], []],
    ['a nested quantifier is fine on RE2', [m('idc', '=~', '(a+)+')], []],
    [
      'several problems at once',
      [{ label: '-', op: '?', value: null }],
      ['matchers[0].label', 'matchers[0].op', 'matchers[0].value'],
    ],
    ['matches everything: =""', [m('endpoint', '=', '')], ['matchers']],
    ['matches everything: =~".*"', [m('idc', '=~', '.*')], ['matchers']],
    ['matches everything: != and !~', [m('idc', '!=', 'sha'), m('idc', '!~', '.+')], ['matchers']],
    ['one matcher that needs a value is enough', [m('idc', '=~', '.*'), m('service', '=', 'live-edge')], []],
    ['=~ "x|" matches "" too', [m('idc', '=~', 'sha|')], ['matchers']],
    ['!~ "" does not match ""', [m('idc', '!~', '')], []],
  ])('%s', (_name, matchers, expected) => {
    const problems = checkMatchers(matchers);
    expect(problems.map((p) => p.path)).toEqual(expected);
    for (const p of problems) expect(p.message).toEqual(expect.any(String));
  });

  it('says why', () => {
    expect(checkMatchers([m('idc', '=~', '.*')])).toEqual([
      {
        path: 'matchers',
        message: 'at least one matcher must not match the empty string (a silence cannot match everything)',
      },
    ]);
    expect(checkMatchers([m('idc', '=~', '(')])[0].message).toBe(
      'is not a valid RE2 regular expression: missing closing ): `(`',
    );
  });
});
