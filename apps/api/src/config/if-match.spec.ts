import { BadRequestException } from '@nestjs/common';
import { parseIfMatch } from './if-match';

describe('parseIfMatch', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['3', 3],
    ['"3"', 3],
    ['W/"12"', 12],
    [' 0 ', 0],
  ])('reads %p as %p', (header, expected) => {
    expect(parseIfMatch(header)).toBe(expected);
  });

  it.each(['*', 'abc', '3"x', '-1', '1.5'])('rejects %p', (header) => {
    expect(() => parseIfMatch(header)).toThrow(BadRequestException);
  });
});
