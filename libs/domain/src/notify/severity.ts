import { SEVERITIES, type Severity } from './types';

/** Whether severity `a` is `min` or stronger (SEVERITIES is weakest first). */
export function severityAtLeast(a: Severity, min: Severity): boolean {
  return SEVERITIES.indexOf(a) >= SEVERITIES.indexOf(min);
}
