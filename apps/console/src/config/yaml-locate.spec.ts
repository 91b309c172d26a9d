import { parseDocument } from 'yaml';
import { parseServerPath } from './paths';
import { lineAt, locatePath, offsetAt } from './yaml-locate';

const CONFIG = `apiVersion: vigil/v1
idcs:
  - name: sha
    capacity: 400
    labels: { tier: core }
  - name: bjs
    capacity: 400
services:
  - name: live-edge
    endpoints:
      - { idc: sha, name: sha-edge-1, url: 'http://10.1.0.11:8080/healthz' }
      - idc: bjs
        name: bjs-edge-1
        url: http://10.2.0.11:8080/healthz
      - idc: hkg
        name: hkg-edge-1
    checks:
      - name: healthz
        type: http
        http:
          path: /healthz
labels:
  "app.kubernetes.io/name": vigil
`;

/** The 1-based line a server path lands on in CONFIG, and whether all of it exists. */
function place(path: string, text = CONFIG) {
  const located = locatePath(parseDocument(text), parseServerPath(path));
  return { line: lineAt(text, located.from), exact: located.exact };
}

describe('locatePath', () => {
  it.each([
    ['apiVersion', 1, true],
    ['idcs', 2, true],
    ['idcs[1]', 6, true],
    ['idcs[1].capacity', 7, true],
    ['idcs[0].labels.tier', 5, true],
    ['services[0].endpoints[0].url', 11, true],
    ['services[0].endpoints[1].url', 14, true],
    ['services[0].endpoints[2].idc', 15, true],
    ['services[0].checks[0].http.path', 21, true],
    ['labels["app.kubernetes.io/name"]', 23, true],
    // A named element (as plans write paths) is found by its name.
    ['services[0].endpoints[bjs-edge-1].name', 13, true],
    ['services[live-edge].checks[healthz].type', 19, true],
  ])('%s is on line %i', (path, line, exact) => {
    expect(place(path)).toEqual({ line, exact });
  });

  it.each([
    // Missing fields, indexes past the end and unknown names land on the nearest existing ancestor.
    ['idcs[1].region', 6],
    ['idcs[5].name', 2],
    ['services[0].endpoints[2].capacity', 15],
    ['services[0].checks[0].http.jsonPath.path', 20],
    ['services[nope].name', 8],
    ['notifications.routes[0]', 1],
  ])('%s does not exist: line %i', (path, line) => {
    expect(place(path)).toEqual({ line, exact: false });
  });

  it('puts the root at the start of the text, and an empty document at 0', () => {
    expect(place('')).toEqual({ line: 1, exact: true });
    expect(locatePath(parseDocument(''), ['idcs'])).toMatchObject({ from: 0, exact: false });
  });

  it('underlines a scalar value with its key, a collection by its key only', () => {
    const doc = parseDocument(CONFIG);
    const capacity = locatePath(doc, ['idcs', 0, 'capacity']);
    expect(CONFIG.slice(capacity.from, capacity.to)).toBe('capacity: 400');
    const labels = locatePath(doc, ['idcs', 0, 'labels']);
    expect(CONFIG.slice(labels.from, labels.to)).toBe('labels');
  });
});

describe('lineAt and offsetAt', () => {
  it('are inverse on line starts', () => {
    const text = 'a: 1\nb:\n  - 2\n';
    expect(lineAt(text, 0)).toBe(1);
    expect(lineAt(text, offsetAt(text, 3, 3))).toBe(3);
    expect(text.slice(offsetAt(text, 3, 5))).toBe('2\n');
    expect(offsetAt(text, 99, 1)).toBe(text.length);
  });
});
