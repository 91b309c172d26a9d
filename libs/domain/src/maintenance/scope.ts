import type { ScopeTarget, WindowScope } from './types';

/**
 * Whether a window's scope covers a target. Each axis given by the window must be matched: the
 * service among `services`, the IDC among `idcs`, every label equal among the service's labels. A
 * target that does not know an axis the window restricts (a vantage's notice has no service) is not
 * covered; an empty scope covers everything.
 */
export function scopeCovers(scope: WindowScope, target: ScopeTarget): boolean {
  if (scope.services.length && (target.service === undefined || !scope.services.includes(target.service)))
    return false;
  if (scope.idcs.length && (target.idc === undefined || !scope.idcs.includes(target.idc))) return false;
  const labels = Object.entries(scope.labels);
  if (labels.length) {
    const own = target.serviceLabels;
    if (!own) return false;
    return labels.every(([k, v]) => own[k] === v);
  }
  return true;
}
