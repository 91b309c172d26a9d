import type { Readable } from 'node:stream';
import { compileRe2 } from '@libs/domain';
import { shorten } from './errors';
import type { HttpCheck } from './types';

/** The most of a response body any check reads; the rest is never buffered. */
export const MAX_BODY_BYTES = 64 * 1024;

type HttpOptions = HttpCheck['http'];
type JsonValue = string | number | boolean | null;

/** Compiles `expectStatus` (200, "2xx", ...) into a lookup table: one array index per probe. */
export function compileStatusMatcher(expect: ReadonlyArray<number | string>): (status: number) => boolean {
  const accepted = new Uint8Array(600);
  for (const entry of expect) {
    if (typeof entry === 'number') accepted[entry] = 1;
    else accepted.fill(1, Number(entry[0]) * 100, Number(entry[0]) * 100 + 100);
  }
  return (status) => accepted[status] === 1;
}

/** One step of a JSON path: an object key or an array index. */
type PathStep = string | number;

/**
 * Parses a small JSONPath subset: `$`, `.name`, `['name']` / `["name"]`, `[0]`.
 * @throws Error for anything else (filters, wildcards, slices).
 */
export function parseJsonPath(path: string): PathStep[] {
  if (!path.startsWith('$')) throw new Error(`unsupported JSON path "${path}"`);
  const steps: PathStep[] = [];
  const token = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[(['"])(.*?)\3\]/y;
  token.lastIndex = 1;
  while (token.lastIndex < path.length) {
    const match = token.exec(path);
    if (match === null) throw new Error(`unsupported JSON path "${path}"`);
    steps.push(match[1] ?? (match[2] !== undefined ? Number(match[2]) : match[4]));
  }
  return steps;
}

/** Reads the value at `steps` from parsed JSON; undefined when any step is missing. */
export function getJsonPath(value: unknown, steps: readonly PathStep[]): unknown {
  let current = value;
  for (const step of steps) {
    if (current === null || typeof current !== 'object') return undefined;
    if (typeof step === 'number' ? !Array.isArray(current) : Array.isArray(current)) return undefined;
    current = (current as Record<PathStep, unknown>)[step];
  }
  return current;
}

/** A compiled body check: undefined when the body is fine, else why not. */
export type BodyCheck = (body: string, truncated: boolean) => string | undefined;

/**
 * Compiles bodyContains / bodyRegex (RE2 syntax) / jsonPath into one function; undefined when the check
 * has none.
 * @throws Error for a bodyRegex RE2 refuses or a JSON path outside the subset.
 */
export function compileBodyCheck(http: HttpOptions): BodyCheck | undefined {
  const checks: BodyCheck[] = [];
  const { bodyContains, bodyRegex, jsonPath } = http;
  if (bodyContains !== undefined)
    checks.push((body) =>
      body.includes(bodyContains) ? undefined : `body lacks "${shorten(bodyContains)}"`,
    );
  if (bodyRegex !== undefined) {
    // RE2 (linear time): a pattern runs over up to 64 KiB of body on every probe.
    const compiled = compileRe2(bodyRegex);
    if (!compiled.ok) throw new Error(`bodyRegex is not a valid RE2 regular expression: ${compiled.message}`);
    const { regex } = compiled;
    checks.push((body) => (regex.test(body) ? undefined : `body does not match /${shorten(bodyRegex)}/`));
  }
  if (jsonPath !== undefined) checks.push(jsonPathCheck(jsonPath.path, jsonPath.equals));
  if (checks.length === 0) return undefined;
  return (body, truncated) => {
    for (const check of checks) {
      const problem = check(body, truncated);
      if (problem !== undefined) return problem;
    }
    return undefined;
  };
}

function jsonPathCheck(path: string, equals: JsonValue | undefined): BodyCheck {
  const steps = parseJsonPath(path);
  return (body, truncated) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return truncated ? `body is not JSON (cut at ${MAX_BODY_BYTES} bytes)` : 'body is not JSON';
    }
    const value = getJsonPath(parsed, steps);
    if (value === undefined) return `${shorten(path)} is missing`;
    if (equals !== undefined && value !== equals)
      return `${shorten(path)} is ${shorten(JSON.stringify(value))}, expected ${shorten(JSON.stringify(equals))}`;
    return undefined;
  };
}

type ResponseHeaders = Record<string, string | string[] | undefined>;

/**
 * Compiles headerMatch: each named response header must contain its text (a substring, as the config
 * schema documents). A wrong header is a wrong answer with a right status, so it fails as "body": the
 * kind that means "the content of the response is not what we expect"; "status" stays the status code.
 */
export function compileHeaderCheck(
  match: Record<string, string> | undefined,
): ((headers: ResponseHeaders) => string | undefined) | undefined {
  if (match === undefined || Object.keys(match).length === 0) return undefined;
  const wanted = Object.entries(match).map(([name, text]) => [name.toLowerCase(), text] as const);
  return (headers) => {
    for (const [name, text] of wanted) {
      const value = headers[name];
      const joined = Array.isArray(value) ? value.join(', ') : value;
      if (joined === undefined) return `header ${name} is missing`;
      if (!joined.includes(text)) return `header ${name} lacks "${shorten(text)}"`;
    }
    return undefined;
  };
}

/**
 * Reads at most MAX_BODY_BYTES of a body as UTF-8 and stops there (the caller destroys the rest, which
 * closes the connection rather than downloading a huge body).
 */
export async function readCapped(body: Readable): Promise<{ text: string; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    const room = MAX_BODY_BYTES - size;
    chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
    size += Math.min(chunk.length, room);
    if (size >= MAX_BODY_BYTES) return { text: Buffer.concat(chunks).toString('utf8'), truncated: true };
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated: false };
}
