import { formatPath, PathSegment } from './path';
import { AnySecret, isSecret } from './secret-types';
import { isPlainObject, namedListKeys } from './tree';

/** Where a secret sits in a config. */
export interface SecretLocation {
  /** By index, for error messages: `channels[0].secret`. */
  path: string;
  /**
   * By name wherever a list is named: `channels[oncall-hook].secret`. Stable when lists are reordered,
   * so a redacted secret is matched with the right stored one.
   */
  id: string;
}

/**
 * Returns a deep copy of `root` in which every secret (see isSecret) is replaced by `fn`'s result.
 * Visits secrets in document order; other values are copied unchanged.
 */
export function mapSecrets(root: unknown, fn: (secret: AnySecret, at: SecretLocation) => unknown): unknown {
  const walk = (value: unknown, path: PathSegment[], id: PathSegment[]): unknown => {
    if (isSecret(value)) return fn(value, { path: formatPath(path), id: formatPath(id) });
    if (Array.isArray(value)) {
      const names = namedListKeys(value);
      return value.map((item, i) => walk(item, [...path, i], [...id, names ? { name: names[i] } : i]));
    }
    if (isPlainObject(value)) {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, walk(item, [...path, key], [...id, key])]),
      );
    }
    return value;
  };
  return walk(root, [], []);
}

/** Calls `fn` for every secret in `root`, in document order. */
export function visitSecrets(root: unknown, fn: (secret: AnySecret, at: SecretLocation) => void): void {
  mapSecrets(root, (secret, at) => {
    fn(secret, at);
    return secret;
  });
}
