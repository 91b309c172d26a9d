/**
 * How well a flapping endpoint serves right now: the share of its recent probes that succeeded.
 */

/** The results the ratio is taken over, newest last, at most. */
export const RECENT_RESULTS = 20;

/** Options of {@link recentSuccessRatio}. */
export interface SuccessRatioOptions {
  /** Vantages with a live prober. */
  live: ReadonlySet<string>;
  /** Vantages set aside by suspectVantages. */
  suspect: ReadonlySet<string>;
}

/**
 * The success share of an endpoint's newest results (oldest first) from live, non-suspect vantages:
 * the newest {@link RECENT_RESULTS} of them.
 *
 * | results from live, non-suspect vantages | ratio                               |
 * |-----------------------------------------|-------------------------------------|
 * | none                                    | undefined (nothing to judge by)     |
 * | n > 0 (the newest 20 at most)           | successes / n, 0-1                  |
 *
 * Why 20 results: they are the endpoint's published `lastResults`, so the operator sees what the
 * number comes from, and at 3 vantages x 1 s they cover about 7 s, so the ratio follows a flaky
 * endpoint as fast as the checks' thresholds do. The 5-minute score window is too slow for this (an
 * endpoint just turned flaky would still look ~90% available) and mixes in suspect vantages, whose
 * failures say nothing about the endpoint. 20 samples of a 50% failure rate give 0.5 +- 0.11 per
 * endpoint; the IDC averages over its endpoints.
 */
export function recentSuccessRatio(
  results: ReadonlyArray<{ vantage: string; ok: boolean }>,
  opts: SuccessRatioOptions,
): number | undefined {
  const counting = results
    .filter((r) => opts.live.has(r.vantage) && !opts.suspect.has(r.vantage))
    .slice(-RECENT_RESULTS);
  if (counting.length === 0) return undefined;
  return counting.filter((r) => r.ok).length / counting.length;
}
