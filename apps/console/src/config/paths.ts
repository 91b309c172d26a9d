/**
 * Paths into a config document, as the server and Ajv write them, read into segments that
 * {@link locatePath} follows through a YAML document.
 */

/** An object key, an array index, or `{ name }`: an element of a named list (`endpoints[sha-1]`). */
export type PathSegment = string | number | { readonly name: string };

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*/;

/**
 * Reads a path as the server writes it (libs/config `formatPath`): `services[0].endpoints[2].idc`,
 * `weights.sha`, `checks[http].interval`, `labels["app.kubernetes.io/name"]`; `''` is the root.
 * Reading stops at the first character that fits no segment: what was read still points near the fault.
 */
export function parseServerPath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  let at = 0;
  while (at < path.length) {
    if (path[at] === '.') at++;
    if (path[at] === '[') {
      const read = readBracket(path, at);
      if (!read) break;
      segments.push(read.segment);
      at = read.end;
      continue;
    }
    const key = PLAIN_KEY.exec(path.slice(at));
    if (!key) break;
    segments.push(key[0]);
    at += key[0].length;
  }
  return segments;
}

/** `[2]` → 2, `["a.b"]` → 'a.b', `[sha-1]` → { name: 'sha-1' }; null when the bracket never closes. */
function readBracket(path: string, start: number): { segment: PathSegment; end: number } | null {
  if (path[start + 1] === '"') {
    // A JSON string: find its closing quote, skipping escaped characters.
    let i = start + 2;
    while (i < path.length && path[i] !== '"') i += path[i] === '\\' ? 2 : 1;
    if (path[i + 1] !== ']') return null;
    try {
      return { segment: JSON.parse(path.slice(start + 1, i + 1)) as string, end: i + 2 };
    } catch {
      return null;
    }
  }
  const close = path.indexOf(']', start);
  if (close < 0) return null;
  const inner = path.slice(start + 1, close);
  return { segment: /^\d+$/.test(inner) ? Number(inner) : { name: inner }, end: close + 1 };
}

/** Reads a JSON Pointer (Ajv's `instancePath`, `/services/0/endpoints/2/idc`) into segments. */
export function parsePointer(pointer: string): PathSegment[] {
  if (pointer === '') return [];
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^(0|[1-9]\d*)$/.test(part) ? Number(part) : part));
}

/** Writes segments the way the server does, for messages: `services[0].endpoints[2].idc`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'object') out += `[${segment.name}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
