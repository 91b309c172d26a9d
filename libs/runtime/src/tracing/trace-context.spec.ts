import { formatTraceparent, parseTraceparent } from './trace-context';

describe('traceparent', () => {
  const valid = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it('reads a version-00 traceparent and writes it back unchanged', () => {
    const parsed = parseTraceparent(valid);
    expect(parsed).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      flags: 1,
    });
    expect(formatTraceparent(parsed!)).toBe(valid);
  });

  it.each([
    ['not a string', 42],
    ['another version', valid.replace(/^00/, '01')],
    ['upper-case hex', valid.toUpperCase()],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`],
    ['an all-zero span id', `00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01`],
    ['a short span id', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa-01'],
    ['trailing text', `${valid}-x`],
  ])('refuses %s', (_what, value) => {
    expect(parseTraceparent(value)).toBeUndefined();
  });
});
