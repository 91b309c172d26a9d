import { PathSegment, formatPath } from './path';
import { AnySecret, isPlainSecret, isSealedSecret, isSecret, isSecretRef, REDACTED } from './secret-types';
import { mapSecrets } from './secret-walk';
import { deepEqual, isPlainObject, namedListKeys } from './tree';

/** What a plan shows in place of a secret's value or ciphertext. */
export const SECRET_MASK = '<secret>';
/** What a plan shows as the new value of a secret whose value changed. */
export const SECRET_CHANGED = '<secret changed>';

/** One changed field of an updated object; `before` is absent for an added field, `after` for a removed one. */
export interface FieldChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

/**
 * The field-level differences between two versions of one object. Objects are compared key by key,
 * named lists (endpoints, checks) element by element by name (`endpoints[sha-1].capacity`), other lists
 * as a whole. Secrets compare by secretRef or ciphertext and are never shown, only masked.
 */
export function diffFields(before: unknown, after: unknown): FieldChange[] {
  const out: FieldChange[] = [];
  diffValue(before, after, [], out);
  return out;
}

function diffValue(a: unknown, b: unknown, path: PathSegment[], out: FieldChange[]): void {
  if (isSecret(a) || isSecret(b)) return diffSecret(a, b, path, out);
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const key of sortedUnion(Object.keys(a), Object.keys(b)))
      diffValue(a[key], b[key], [...path, key], out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const namesA = namedListKeys(a);
    const namesB = namedListKeys(b);
    if (namesA && namesB) return diffNamedLists(a, namesA, b, namesB, path, out);
  }
  if (!deepEqual(a, b)) out.push(fieldChange(path, mask(a), mask(b)));
}

function diffNamedLists(
  a: readonly unknown[],
  namesA: string[],
  b: readonly unknown[],
  namesB: string[],
  path: PathSegment[],
  out: FieldChange[],
): void {
  // Index by name once: indexOf per name is quadratic, and a service may list thousands of endpoints.
  const atA = indexOfNames(namesA);
  const atB = indexOfNames(namesB);
  for (const name of sortedUnion(namesA, namesB)) {
    const i = atA.get(name);
    const j = atB.get(name);
    diffValue(
      i === undefined ? undefined : a[i],
      j === undefined ? undefined : b[j],
      [...path, { name }],
      out,
    );
  }
}

/** Each name's position (names of a named list are unique). */
function indexOfNames(names: readonly string[]): Map<string, number> {
  return new Map(names.map((name, i) => [name, i]));
}

function diffSecret(a: unknown, b: unknown, path: PathSegment[], out: FieldChange[]): void {
  if (isSecret(a) && isSecret(b) && sameSecret(a, b)) return;
  const bothHidden = isSecret(a) && isSecret(b) && !isSecretRef(a) && !isSecretRef(b);
  out.push(fieldChange(path, mask(a), bothHidden ? SECRET_CHANGED : mask(b)));
}

/**
 * Same secretRef, same sealed secret (ciphertext), or same plaintext. A value is sealed anew each time
 * it is given, so giving one is always a change, right guess of the stored value or not. A redacted value
 * stands for the stored secret it keeps. A plaintext and a sealed secret count as changed.
 */
function sameSecret(a: AnySecret, b: AnySecret): boolean {
  if (isSecretRef(a) || isSecretRef(b))
    return isSecretRef(a) && isSecretRef(b) && a.secretRef === b.secretRef;
  if (isSealedSecret(a) && isSealedSecret(b)) return a.encrypted === b.encrypted;
  if (isPlainSecret(a) && isPlainSecret(b)) return a.value === b.value;
  const plain = isPlainSecret(a) ? a : (b as { value: string });
  return plain.value === REDACTED;
}

/** A copy with secret values and ciphertexts replaced by SECRET_MASK (secretRefs are not secret). */
function mask(value: unknown): unknown {
  return mapSecrets(value, (secret) => (isSecretRef(secret) ? { secretRef: secret.secretRef } : SECRET_MASK));
}

function fieldChange(path: PathSegment[], before: unknown, after: unknown): FieldChange {
  const change: FieldChange = { path: formatPath(path) };
  if (before !== undefined) change.before = before;
  if (after !== undefined) change.after = after;
  return change;
}

function sortedUnion(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}
