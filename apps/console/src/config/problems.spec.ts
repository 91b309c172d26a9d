import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { issuesOf, parseConfigYaml, serverProblems } from './problems';
import { compileSchema, configChecker } from './validator';

const schema = JSON.parse(
  readFileSync(join(__dirname, '../../../../libs/config/schema/vigil-config.schema.json'), 'utf8'),
) as object;
const check = configChecker(compileSchema(schema));

const GOOD = `apiVersion: vigil/v1
idcs:
  - name: sha
    capacity: 400
  - name: bjs
    capacity: 400
services:
  - name: web
    endpoints:
      - idc: sha
        url: http://10.0.0.1/healthz
      - idc: bjs
        url: http://10.0.0.2/healthz
    checks:
      - name: healthz
        type: http
`;

/** The problems of `text` as the editor lints it: syntax, then schema and references. */
const lint = (text: string) => check(text).problems;

describe('the editor’s problems', () => {
  it('finds none in a valid config', () => {
    expect(lint(GOOD)).toEqual([]);
  });

  it('puts an unknown IDC at its endpoint’s line', () => {
    const text = GOOD.replace('idc: bjs', 'idc: hkg');
    expect(lint(text)).toEqual([
      expect.objectContaining({
        line: 12,
        path: 'services[0].endpoints[1].idc',
        message: 'unknown IDC "hkg"',
      }),
    ]);
  });

  it('puts a schema error (wrong type) at its line', () => {
    const text = GOOD.replace('capacity: 400\n  - name: bjs', 'capacity: lots\n  - name: bjs');
    const problems = lint(text);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.line === 4 && p.path === 'idcs[0].capacity')).toBe(true);
  });

  it('puts an unknown field at its key, a missing one at its parent', () => {
    const unknown = lint(GOOD.replace('    capacity: 400\n  - name: bjs', '    capcity: 400\n  - name: bjs'));
    expect(unknown).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ line: 4, path: 'idcs[0].capcity', message: 'unknown field' }),
        expect.objectContaining({ line: 3, path: 'idcs[0].capacity', message: 'is required' }),
      ]),
    );
  });

  it('reports a syntax error at its line, and a duplicate key', () => {
    expect(lint('apiVersion: vigil/v1\nidcs:\n  - name: [sha\n')).toEqual([
      expect.objectContaining({ source: 'yaml', line: 4 }),
    ]);
    const duplicate = lint('apiVersion: vigil/v1\nidcs: []\nidcs: []\n');
    expect(duplicate[0]).toMatchObject({ source: 'yaml', line: 3 });
  });
});

describe('without a schema validator', () => {
  it('still checks syntax and endpoint IDCs', () => {
    const check = configChecker(null);
    expect(check(GOOD.replace('idc: bjs', 'idc: hkg')).problems).toEqual([
      expect.objectContaining({ line: 12, message: 'unknown IDC "hkg"' }),
    ]);
    expect(check('a: [').problems[0]).toMatchObject({ source: 'yaml' });
  });
});

describe('serverProblems', () => {
  const doc = parseConfigYaml(GOOD);

  it('places each detail at its path, or at its line and column', () => {
    const problems = serverProblems(doc, GOOD, [
      { path: 'services[0].endpoints[1].idc', message: 'unknown IDC "bjs"' },
      { path: 'services[0].policy', message: 'is required' },
      { path: '', message: 'invalid YAML: bad indentation', line: 9, column: 5 },
    ]);
    expect(problems.map((p) => [p.line, p.path, p.message])).toEqual([
      [12, 'services[0].endpoints[1].idc', 'unknown IDC "bjs"'],
      [8, 'services[0].policy', 'is required'],
      [9, '', 'invalid YAML: bad indentation'],
    ]);
    expect(GOOD.slice(problems[0].from, problems[0].to)).toBe('idc: bjs');
  });

  it('reads the details of a 400 body', () => {
    expect(issuesOf({ message: 'x', details: [{ path: 'a', message: 'b' }, 'junk'] })).toEqual([
      { path: 'a', message: 'b' },
    ]);
    expect(issuesOf(null)).toEqual([]);
  });
});
