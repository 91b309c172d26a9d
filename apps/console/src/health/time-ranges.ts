/** The ranges the history charts offer, and the bucket step the API is asked for with each. */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export type RangeKey = '1h' | '24h' | '7d';

export const RANGES: { key: RangeKey; label: string; ms: number }[] = [
  { key: '1h', label: '1 h', ms: HOUR },
  { key: '24h', label: '24 h', ms: 24 * HOUR },
  { key: '7d', label: '7 d', ms: 7 * 24 * HOUR },
];

export const DEFAULT_RANGE: RangeKey = '24h';

/** The range a URL value names, or the default (24 h) for anything else. */
export function parseRange(value: string | null): RangeKey {
  return RANGES.some((r) => r.key === value) ? (value as RangeKey) : DEFAULT_RANGE;
}

export function rangeMs(key: RangeKey): number {
  return RANGES.find((r) => r.key === key)?.ms ?? 24 * HOUR;
}

/**
 * Steps the history API accepts (whole minutes, at least 1m; it refuses more than 1,440 buckets), as
 * its duration strings, smallest first.
 */
const STEPS: { text: string; ms: number }[] = [
  { text: '1m', ms: MINUTE },
  { text: '2m', ms: 2 * MINUTE },
  { text: '5m', ms: 5 * MINUTE },
  { text: '10m', ms: 10 * MINUTE },
  { text: '15m', ms: 15 * MINUTE },
  { text: '30m', ms: 30 * MINUTE },
  { text: '1h', ms: HOUR },
  { text: '2h', ms: 2 * HOUR },
  { text: '6h', ms: 6 * HOUR },
  { text: '12h', ms: 12 * HOUR },
  { text: '1d', ms: 24 * HOUR },
];

/**
 * The smallest step giving at most `maxBuckets` buckets over `spanMs` (counting the extra bucket the
 * API adds when `from` is not aligned on the step): 1 h → 1m, 24 h → 5m, 7 d → 1h.
 */
export function historyStep(spanMs: number, maxBuckets = 300): { text: string; ms: number } {
  for (const step of STEPS) {
    if (Math.ceil(spanMs / step.ms) + 1 <= maxBuckets) return step;
  }
  return STEPS[STEPS.length - 1];
}
