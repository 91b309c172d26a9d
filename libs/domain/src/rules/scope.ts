/** Which (service, IDC) pairs a rule applies to. */

/** A rule's scope, as in the config; every constraint given must hold, a missing one holds. */
export interface RuleScope {
  readonly services?: readonly string[];
  readonly idcs?: readonly string[];
  /** Each label must be on the service or on the IDC with this value. */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface Scoped {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Whether a rule with this scope applies to (service, IDC): the service is listed (or no services
 * are), the IDC is listed (or no IDCs are), and every scope label is on the service or the IDC with
 * the same value. No scope: everything.
 */
export function inScope(scope: RuleScope | undefined, service: Scoped, idc: Scoped): boolean {
  if (!scope) return true;
  if (scope.services && !scope.services.includes(service.name)) return false;
  if (scope.idcs && !scope.idcs.includes(idc.name)) return false;
  return Object.entries(scope.labels ?? {}).every(
    ([key, value]) => hasLabel(service.labels, key, value) || hasLabel(idc.labels, key, value),
  );
}

function hasLabel(labels: Readonly<Record<string, string>> | undefined, key: string, value: string): boolean {
  return labels !== undefined && Object.hasOwn(labels, key) && labels[key] === value;
}
