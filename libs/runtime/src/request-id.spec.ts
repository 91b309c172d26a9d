import { requestIdFrom } from './request-id';

describe('requestIdFrom', () => {
  const make = () => 'made';

  it.each([
    '7b0e4a9c-5f6d-4e7a-9b1c-2d3e4f5a6b7c',
    '01HGW2N7EXAMPLE0000000000',
    'lb-1:8080-42',
    'a'.repeat(128),
  ])('keeps the sane incoming id %s', (id) => {
    expect(requestIdFrom(id, make)).toBe(id);
  });

  it.each([
    ['none', undefined],
    ['empty', ''],
    ['too long', 'a'.repeat(129)],
    ['a space', 'a b'],
    ['a newline', 'a\nb'],
    ['a quote', 'a"b'],
    ['JSON', '{"level":"fatal"}'],
    ['several headers', ['a', 'b']],
  ])('makes a new one for %s', (_what, header) => {
    expect(requestIdFrom(header, make)).toBe('made');
  });

  it('makes UUIDs by default', () => {
    expect(requestIdFrom(undefined)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
