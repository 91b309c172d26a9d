/**
 * Per endpoint: a quorum across vantages. A failure seen from only a minority of vantages is a
 * network path problem (DEGRADED), not a dead node.
 */
import type { EndpointVerdict, VantageView } from './types';

/** A view older than this many intervals is stale: never HEALTHY on old data. */
export const STALE_INTERVALS = 3;

/** Options of {@link endpointVerdict}. */
export interface VerdictOptions {
  /** The evaluation time (epoch ms). */
  now: number;
  /** Vantages with at least one live prober. */
  live: ReadonlySet<string>;
  /** Vantages set aside by suspectVantages. */
  suspect: ReadonlySet<string>;
  /** DOWN views needed for UNHEALTHY; default a majority of the counting views. */
  quorum?: number;
}

/**
 * Whether a view is stale at `now`: more than {@link STALE_INTERVALS} intervals since its newest result.
 */
export function isStale(view: VantageView, now: number): boolean {
  return now - view.lastAt > STALE_INTERVALS * view.intervalMs;
}

/**
 * The endpoint's state from what each vantage sees of it.
 *
 * A view counts when its vantage is live (has a live prober), is not suspect and the view is not
 * stale. If a vantage appears twice, its newest view is used. With n counting views, the quorum q
 * is `quorum` when given (at least 1, capped to n), else a majority, floor(n/2) + 1.
 *
 * | counting views (n), DOWN (d), UP (u)           | state     | reason    |
 * |------------------------------------------------|-----------|-----------|
 * | n = 0, some view from a non-suspect vantage    | UNKNOWN   | 'stale'   |
 * | n = 0, no views (or only suspect vantages')    | UNKNOWN   | 'unknown' |
 * | d >= q                                         | UNHEALTHY | 'down'    |
 * | 0 < d < q                                      | DEGRADED  | 'path'    |
 * | d = 0, u = n                                   | HEALTHY   | 'ok'      |
 * | d = 0, q <= u < n (the rest UNKNOWN)           | HEALTHY   | 'ok'      |
 * | d = 0, u < q (the rest UNKNOWN)                | UNKNOWN   | 'unknown' |
 *
 * A view from a vantage that is no longer live counts as stale: its prober is gone, so its data can
 * only get older. `downFrom` and `upFrom` list the counting vantages, sorted.
 */
export function endpointVerdict(views: VantageView[], opts: VerdictOptions): EndpointVerdict {
  const newest = new Map<string, VantageView>();
  for (const view of views) {
    const seen = newest.get(view.vantage);
    if (!seen || view.lastAt > seen.lastAt) newest.set(view.vantage, view);
  }
  const trusted = [...newest.values()].filter((v) => !opts.suspect.has(v.vantage));
  const counting = trusted.filter((v) => opts.live.has(v.vantage) && !isStale(v, opts.now));

  const downFrom = counting
    .filter((v) => v.state === 'DOWN')
    .map((v) => v.vantage)
    .sort();
  const upFrom = counting
    .filter((v) => v.state === 'UP')
    .map((v) => v.vantage)
    .sort();
  const n = counting.length;
  if (n === 0)
    return { state: 'UNKNOWN', reason: trusted.length > 0 ? 'stale' : 'unknown', downFrom, upFrom };

  const quorum =
    opts.quorum === undefined ? Math.floor(n / 2) + 1 : Math.min(n, Math.max(1, Math.ceil(opts.quorum)));
  if (downFrom.length >= quorum) return { state: 'UNHEALTHY', reason: 'down', downFrom, upFrom };
  if (downFrom.length > 0) return { state: 'DEGRADED', reason: 'path', downFrom, upFrom };
  if (upFrom.length === n || upFrom.length >= quorum)
    return { state: 'HEALTHY', reason: 'ok', downFrom, upFrom };
  return { state: 'UNKNOWN', reason: 'unknown', downFrom, upFrom };
}
