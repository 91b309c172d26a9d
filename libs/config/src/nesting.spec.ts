import { jsonNestsDeeperThan, valueNestsDeeperThan } from './nesting';

describe('jsonNestsDeeperThan', () => {
  it.each<[string, string, number, boolean]>([
    ['a scalar', '1', 0, false],
    ['one object', '{"a":1}', 1, false],
    ['one object at max 0', '{"a":1}', 0, true],
    ['siblings do not add up', '[[1],[2],{"a":[3]}]', 3, false],
    ['three levels at max 2', '[[[1]]]', 2, true],
    ['brackets inside strings', '["[[[[", "{{{{"]', 1, false],
    ['an escaped quote inside a string', '["\\\\\\"[[[["]', 1, false],
    ['an escaped backslash ending a string', '["\\\\", [1]]', 1, true],
    ['multibyte text', '{"ä€":"[[["}', 1, false],
  ])('%s', (_name, text, max, expected) => {
    expect(jsonNestsDeeperThan(text, max)).toBe(expected);
    expect(jsonNestsDeeperThan(Buffer.from(text), max)).toBe(expected);
  });
});

describe('valueNestsDeeperThan', () => {
  const cyclic: unknown[] = [1];
  cyclic.push(cyclic);
  it.each<[string, unknown, number, boolean]>([
    ['a scalar', 'x', 0, false],
    ['null', null, 0, false],
    ['one object', { a: 1 }, 1, false],
    ['one object at max 0', { a: 1 }, 0, true],
    ['three levels at max 2', [[[1]]], 2, true],
    ['three levels at max 3', { a: [{ b: 1 }] }, 3, false],
    ['a cycle', cyclic, 64, true],
  ])('%s', (_name, value, max, expected) => {
    expect(valueNestsDeeperThan(value, max)).toBe(expected);
  });
});
