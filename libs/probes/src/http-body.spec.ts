import { compileStatusMatcher, getJsonPath, parseJsonPath } from './http-body';

describe('compileStatusMatcher', () => {
  it.each([
    [['2xx'], 200, true],
    [['2xx'], 299, true],
    [['2xx'], 301, false],
    [[200, '3xx'], 302, true],
    [[200, '3xx'], 201, false],
    [[404], 404, true],
  ] as const)('%j accepts %i: %s', (expect_, status, accepted) => {
    expect(compileStatusMatcher(expect_)(status)).toBe(accepted);
  });
});

describe('JSON path', () => {
  const doc = { a: { b: [{ c: 1 }, 'two'] }, 'x-y': true, n: null };
  it.each([
    ['$', doc],
    ['$.a.b[0].c', 1],
    ['$.a.b[1]', 'two'],
    ["$['x-y']", true],
    ['$.n', null],
    ['$.a.b[2]', undefined],
    ['$.a.b.c', undefined],
    ['$.a[0]', undefined],
    ['$.missing.deeper', undefined],
  ])('%s', (path, value) => {
    expect(getJsonPath(doc, parseJsonPath(path))).toEqual(value);
  });

  it.each(['$..a', '$.a[*]', 'a.b', '$.a[-1]'])('rejects %s', (path) => {
    expect(() => parseJsonPath(path)).toThrow('unsupported JSON path');
  });
});
