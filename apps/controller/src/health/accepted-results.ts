import type { ProbeResult } from '@libs/queue';

/**
 * The results of a batch taken off `results.<queueVantage>` that may be applied: those of that
 * vantage. A prober's ACL user may add to its own vantage's queue only, so a result claiming another
 * vantage there is forged (or a bug) and is dropped; this check is what makes the ACL mean something.
 */
export function acceptedResults(
  queueVantage: string,
  results: readonly ProbeResult[],
): { accepted: ProbeResult[]; rejected: number } {
  const accepted = results.filter((r) => r.vantage === queueVantage);
  return { accepted, rejected: results.length - accepted.length };
}
