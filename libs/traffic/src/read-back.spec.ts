import { readBackMismatch } from './read-back';

const read = (weights: Record<string, number>, drained: string[] = [], tolerance = 0.5) =>
  ({ ok: true, weights, drained, tolerance, detail: 'read' }) as const;

describe('readBackMismatch', () => {
  it('accepts weights within the tolerance and IDCs at 0 on one side only', () => {
    expect(readBackMismatch({ weights: { a: 50, b: 50, c: 0 } }, read({ a: 50.4, b: 49.6 }))).toBeUndefined();
  });

  it('names every IDC outside the tolerance with both figures', () => {
    expect(readBackMismatch({ weights: { a: 50, b: 50 } }, read({ a: 100, b: 0 }))).toBe(
      'weights differ: a 50% applied, 100% in force; b 50% applied, 0% in force',
    );
    expect(readBackMismatch({ weights: { a: 100 } }, read({ a: 99, z: 1 }))).toContain(
      'z 0% applied, 1% in force',
    );
  });

  it('compares drained endpoints only when asked to', () => {
    const inForce = read({ a: 100 }, ['x']);
    expect(readBackMismatch({ weights: { a: 100 } }, inForce)).toBeUndefined();
    expect(readBackMismatch({ weights: { a: 100 }, drained: ['x'] }, inForce)).toBeUndefined();
    expect(readBackMismatch({ weights: { a: 100 }, drained: ['y'] }, inForce)).toBe(
      'not in drain: y; in drain although not drained by Vigil: x',
    );
  });
});
