import { MAX_CONFIG_TEXT_LENGTH, parseConfigText } from './parse';

describe('parseConfigText: YAML', () => {
  it('parses a document, with anchors and merge keys', () => {
    const text = ['base: &b { interval: 5s }', 'check:', '  <<: *b', '  name: http', ''].join('\n');
    expect(parseConfigText(text, 'yaml')).toEqual({
      ok: true,
      value: { base: { interval: '5s' }, check: { interval: '5s', name: 'http' } },
    });
  });

  it.each<[string, string, string, number, number]>([
    ['a duplicate key', 'a: 1\nb:\n  c: 2\n  c: 3\n', 'invalid YAML: duplicate key "c"', 4, 3],
    [
      'a bad indent',
      'idcs:\n  - name: sha\n   capacity: 1\n',
      'invalid YAML: Sequence item without - indicator',
      3,
      1,
    ],
    [
      'an unclosed flow sequence',
      'a: [1, 2\nb: 3\n',
      'invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
      2,
      1,
    ],
    [
      'two documents',
      'a: 1\n---\nb: 2\n',
      'invalid YAML: Source contains multiple documents; please use YAML.parseAllDocuments()',
      2,
      1,
    ],
  ])('reports %s with line and column', (_title, text, message, line, column) => {
    expect(parseConfigText(text, 'yaml')).toEqual({
      ok: false,
      details: [{ path: '', message, line, column }],
    });
  });

  it('bounds alias expansion', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++)
      lines.push(
        `${'abcdefgh'[i]}: &${'abcdefgh'[i]} [${Array(10)
          .fill(`*${'abcdefgh'[i - 1]}`)
          .join(', ')}]`,
      );
    const result = parseConfigText(lines.join('\n'), 'yaml');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.details[0].message).toMatch(/alias/i);
  });

  const nested = (depth: number) => `a: ${'['.repeat(depth - 1)}1${']'.repeat(depth - 1)}`;
  const block = (depth: number) =>
    Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + ' 1';

  it.each<[string, string]>([
    ['flow collections', nested(10_000)],
    ['flow collections one level too deep', nested(65)],
    ['block mappings', block(65)],
    ['an alias inside its own anchor', 'a: &a [1, *a]'],
  ])('refuses %s nested deeper than 64 levels, before the parser runs out of memory', (_name, text) => {
    const result = parseConfigText(text, 'yaml');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.details[0].message).toBe(
      'invalid YAML: arrays and objects nested deeper than 64 levels',
    );
  });

  it('accepts nesting up to 64 levels', () => {
    expect(parseConfigText(nested(64), 'yaml').ok).toBe(true);
    expect(parseConfigText(block(64), 'yaml').ok).toBe(true);
  });

  it('parses an empty document as null (validation then reports it)', () => {
    expect(parseConfigText('', 'yaml')).toEqual({ ok: true, value: null });
  });

  it('refuses oversized text', () => {
    const result = parseConfigText(' '.repeat(MAX_CONFIG_TEXT_LENGTH + 1), 'yaml');
    expect(result.ok).toBe(false);
  });
});

describe('parseConfigText: JSON', () => {
  it('refuses arrays and objects nested deeper than 64 levels', () => {
    const deep = `${'{"a":'.repeat(65)}1${'}'.repeat(65)}`;
    expect(parseConfigText(deep, 'json')).toMatchObject({
      ok: false,
      details: [{ message: 'invalid JSON: arrays and objects nested deeper than 64 levels' }],
    });
    expect(parseConfigText(`${'['.repeat(64)}${']'.repeat(64)}`, 'json').ok).toBe(true);
  });

  it('parses JSON', () => {
    expect(parseConfigText('{"a": [1, true, null, "x"], "b": {"c": -1.5e3}}', 'json')).toEqual({
      ok: true,
      value: { a: [1, true, null, 'x'], b: { c: -1500 } },
    });
  });

  it.each<[string, string, string, number, number]>([
    [
      'a trailing comma',
      '{\n  "a": 1,\n}',
      'invalid JSON: expected a double-quoted property name, found "}"',
      3,
      1,
    ],
    ['a duplicate key', '{\n  "a": 1,\n  "a": 2\n}', 'invalid JSON: duplicate key "a"', 3, 3],
    ['a bad literal', '{\n  "a": tru\n}', 'invalid JSON: expected a value, found "t"', 2, 8],
    ['a missing colon', '{"a" 1}', 'invalid JSON: expected ":", found "1"', 1, 6],
    ['truncated text', '{"a": [1, 2', 'invalid JSON: expected "," or "]", found the end of the text', 1, 12],
    ['empty text', '', 'invalid JSON: expected a value, found the end of the text', 1, 1],
    ['text after the value', '{} {}', 'invalid JSON: unexpected text after the end of the JSON value', 1, 4],
    ['a raw newline in a string', '{"a": "x\ny"}', 'invalid JSON: unterminated or invalid string', 1, 7],
    ['YAML sent as JSON', 'a: 1', 'invalid JSON: expected a value, found "a"', 1, 1],
  ])('reports %s with line and column', (_title, text, message, line, column) => {
    expect(parseConfigText(text, 'json')).toEqual({
      ok: false,
      details: [{ path: '', message, line, column }],
    });
  });
});
