import { boundedInt, INT4_MAX, INT8_MAX } from './numeric-params';

describe('boundedInt', () => {
  it.each([
    ['0', 0, 10, 0n],
    ['10', 0, 10, 10n],
    ['007', 0, 10, 7n],
    ['2147483647', 1, INT4_MAX, 2147483647n],
    ['9223372036854775807', 1, INT8_MAX, INT8_MAX],
    ['11', 0, 10, undefined],
    ['0', 1, 10, undefined],
    ['2147483648', 1, INT4_MAX, undefined],
    ['9223372036854775808', 1, INT8_MAX, undefined],
    ['9999999999999999999', 1, INT8_MAX, undefined],
    ['99999999999999999999999', 1, INT8_MAX, undefined],
    ['1e20', 0, INT4_MAX, undefined],
    ['1.5', 0, INT4_MAX, undefined],
    ['-1', 0, INT4_MAX, undefined],
    ['0x10', 0, INT4_MAX, undefined],
    ['NaN', 0, INT4_MAX, undefined],
    ['', 0, INT4_MAX, undefined],
    [' 7', 0, INT4_MAX, undefined],
    [['1', '2'], 0, INT4_MAX, undefined],
    [5, 0, INT4_MAX, undefined],
  ])('%j within %s..%s is %s', (text, min, max, expected) => {
    expect(boundedInt(text, min, max)).toBe(expected);
  });
});
