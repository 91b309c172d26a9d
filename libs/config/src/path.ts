/**
 * A path segment: an object key, an array index, or `{ name }` for an element of a named list
 * (written `endpoints[sha-1]`, used by plans and secret identities, which must not depend on order).
 */
export type PathSegment = string | number | { readonly name: string };

export type Path = readonly PathSegment[];

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/**
 * Writes a path the way operators read it: `services[0].endpoints[2].idc`, `weights.sha`,
 * `checks[http].interval`, `labels["app.kubernetes.io/name"]`. The root is the empty string.
 */
export function formatPath(path: Path): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'object') out += `[${segment.name}]`;
    else if (PLAIN_KEY.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** One validation problem: where (see formatPath) and what, in words an operator can act on. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/** Builds a ConfigIssue from path segments. */
export function issueAt(path: Path, message: string): ConfigIssue {
  return { path: formatPath(path), message };
}
