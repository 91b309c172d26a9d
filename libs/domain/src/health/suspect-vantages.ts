/**
 * A vantage that suddenly sees most of everything down is itself suspect (its own network, DNS or
 * prober is broken) and is set aside, so it cannot vote endpoints in other IDCs down.
 */

/** Options of {@link suspectVantages}. */
export interface SuspectOptions {
  /** Probes a vantage needs in the window to be judged or compared with; default 20. */
  minSamples?: number;
  /** How many times the others' median failure rate makes a vantage suspect; default 3. */
  ratio?: number;
  /** How far (absolute, 0-1) above the others' median it must also be; default 0.3. */
  minGap?: number;
}

/** Slack for float rounding at the boundaries (0.45 vs 3 x 0.15). */
const EPSILON = 1e-9;

/** The median of a non-empty list. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The vantages to set aside, from each vantage's failed / total probes across ALL IDCs in a recent
 * window.
 *
 * Only vantages with at least `minSamples` probes take part. One of them is suspect when its
 * failure rate is both at least `ratio` times the median rate of the OTHER participating vantages
 * and at least `minGap` above that median (the gap keeps 3% vs 1% from counting; the ratio keeps
 * 60% vs 40% from counting).
 *
 * - Fewer than 3 participating vantages: nobody is suspect. With two, "the others" is one vantage,
 *   and when they disagree nothing says which of the two is wrong; there is no majority to trust.
 * - Never a majority, nor half: if the would-be suspects are not a strict minority of the
 *   participants, nobody is suspect. When most vantages see failures everywhere it is the
 *   services, not the vantages; and the trusted vantages must remain a majority for quorums.
 *   This is all or nothing: picking some of the candidates would be arbitrary.
 */
export function suspectVantages(
  rates: ReadonlyMap<string, { failed: number; total: number }>,
  opts: SuspectOptions = {},
): Set<string> {
  const minSamples = opts.minSamples ?? 20;
  const ratio = opts.ratio ?? 3;
  const minGap = opts.minGap ?? 0.3;

  const sampled: Array<{ vantage: string; rate: number }> = [];
  for (const [vantage, { failed, total }] of rates) {
    if (total > 0 && total >= minSamples)
      sampled.push({ vantage, rate: Math.min(1, Math.max(0, failed / total)) });
  }
  if (sampled.length < 3) return new Set();

  const suspects = new Set<string>();
  for (const candidate of sampled) {
    const others = median(sampled.filter((s) => s !== candidate).map((s) => s.rate));
    if (candidate.rate + EPSILON >= ratio * others && candidate.rate - others + EPSILON >= minGap)
      suspects.add(candidate.vantage);
  }
  return suspects.size * 2 < sampled.length ? suspects : new Set();
}
