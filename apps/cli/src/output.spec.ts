import { parse } from 'yaml';
import { formatItem, formatOutput } from './output';

const answer = { items: [{ id: 'a', state: 'executing', weights: { bjs: 50, sha: 50 } }], next: null };

describe('formatOutput', () => {
  it('prints the API answer as indented JSON with -o json', () => {
    expect(formatOutput(answer, 'json', () => 'text')).toBe(JSON.stringify(answer, null, 2));
  });

  it('prints the same data as YAML with -o yaml, which parses back to it', () => {
    const text = formatOutput(answer, 'yaml', () => 'text');
    expect(text).toContain('state: executing');
    expect(text.endsWith('\n')).toBe(false);
    expect(parse(text)).toEqual(answer);
  });

  it('renders text with -o text, and only then', () => {
    const render = jest.fn(() => 'the table');
    expect(formatOutput(answer, 'text', render)).toBe('the table');
    formatOutput(answer, 'yaml', render);
    expect(render).toHaveBeenCalledTimes(1);
  });
});

describe('formatItem (one item of a stream)', () => {
  const event = { kind: 'idc', service: 'web', idc: 'sha', before: 'HEALTHY', after: 'UNHEALTHY' };

  it('is one line of JSON with -o json (NDJSON)', () => {
    const line = formatItem(event, 'json', () => 'x');
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual(event);
  });

  it('is one YAML document with -o yaml', () => {
    const doc = formatItem(event, 'yaml', () => 'x');
    expect(doc.startsWith('---\n')).toBe(true);
    expect(parse(doc)).toEqual(event);
  });

  it('is the text line otherwise', () => {
    expect(formatItem(event, 'text', () => 'a line')).toBe('a line');
  });
});
