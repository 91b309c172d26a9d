import { compileBodyCheck, MAX_BODY_BYTES } from './http-body';

describe('compileBodyCheck bodyRegex (RE2, linear time)', () => {
  // A whole capped body of "a" ending in "b": these patterns backtrack for hours in JavaScript's engine.
  const body = `${'a'.repeat(MAX_BODY_BYTES - 1)}b`;
  const check = (bodyRegex: string) => compileBodyCheck({ bodyRegex } as never)?.(body, true);

  it.each<[string, string | undefined]>([
    ['(.*){24}!', 'body does not match /(.*){24}!/'],
    ['(.*.*.*.*.*.*.*.*.*.*)*!', 'body does not match /(.*.*.*.*.*.*.*.*.*.*)*!/'],
    ['^(a|aa)*$', 'body does not match /^(a|aa)*$/'],
    ['^(a|aa)*b$', undefined],
    ['(a+)+b', undefined],
  ])('%s over a 64 KiB body', (pattern, expected) => {
    expect(check(pattern)).toBe(expected);
  });

  it('throws, with RE2 message, on a pattern RE2 refuses (the probe then fails as "other")', () => {
    expect(() => check('(a)\\1')).toThrow(
      'bodyRegex is not a valid RE2 regular expression: invalid escape sequence: `\\1`',
    );
    expect(() => check('up(?=time)')).toThrow(/invalid or unsupported Perl syntax: `\(\?=`/);
  });
});
