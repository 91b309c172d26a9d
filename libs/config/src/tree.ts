/** Small helpers for walking plain JSON-like data (configs after parsing). */

export type PlainObject = Record<string, unknown>;

/** True for `{...}` objects (not arrays, not null, not class instances). */
export function isPlainObject(value: unknown): value is PlainObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * The names of a "named list" (every element an object with a unique string `name`), or null.
 * Named lists (idcs, services, endpoints, checks, rules, channels) are matched by name, not by index,
 * so reordering them is not a change. An empty array counts as a named list.
 */
export function namedListKeys(value: readonly unknown[]): string[] | null {
  const names: string[] = [];
  for (const element of value) {
    if (!isPlainObject(element) || typeof element.name !== 'string') return null;
    names.push(element.name);
  }
  return new Set(names).size === names.length ? names : null;
}

/** Structural equality for JSON-like values; object key order does not matter. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keysA = definedKeys(a);
    const keysB = definedKeys(b);
    return keysA.length === keysB.length && keysA.every((key) => deepEqual(a[key], b[key]));
  }
  return false;
}

/** Keys whose value is not undefined (an absent key and `key: undefined` mean the same in a config). */
export function definedKeys(value: PlainObject): string[] {
  return Object.keys(value).filter((key) => value[key] !== undefined);
}
