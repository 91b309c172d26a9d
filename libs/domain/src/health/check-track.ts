/**
 * Per (check, vantage): hysteresis on consecutive results, as Envoy and Kubernetes do, so a single
 * lost packet does not flip a check and a single lucky answer does not revive it.
 */
import type { CheckThresholds, CheckTrack, Observation } from './types';

/**
 * A track that has seen nothing: UNKNOWN, both counters 0, `lastAt` 0 (epoch ms; "never").
 * Plain data, so it can be stored as JSON between controller runs.
 */
export function initialTrack(): CheckTrack {
  return { state: 'UNKNOWN', successes: 0, failures: 0, lastAt: 0, lastOk: false };
}

/**
 * Applies one probe result to a track and returns the new track (the input is not changed).
 *
 * | from    | result                                   | to                                   |
 * |---------|------------------------------------------|--------------------------------------|
 * | any     | failure, `failOnStatus` and errorKind 'status' | DOWN at once (Envoy's behaviour) |
 * | UNKNOWN | `healthyThreshold` successes in a row    | UP                                   |
 * | UNKNOWN | `unhealthyThreshold` failures in a row   | DOWN                                 |
 * | UP      | `unhealthyThreshold` failures in a row   | DOWN                                 |
 * | DOWN    | `healthyThreshold` successes in a row    | UP                                   |
 * | any     | otherwise                                | unchanged                            |
 *
 * A success resets the failure counter and a failure the success counter, so alternating results
 * never cross a threshold above 1. Thresholds below 1 count as 1.
 *
 * Envoy marks a new host healthy after its first success; we deliberately do not: UNKNOWN needs
 * the full `healthyThreshold` like DOWN does (as a Kubernetes readiness probe starts not ready),
 * so a freshly configured or restarted check cannot count as UP on one answer.
 *
 * Results can arrive out of order across batches: an observation older than `track.lastAt` is
 * ignored, and so is one with the same time once the track has seen anything (a redelivered
 * batch), which makes re-applying a batch harmless.
 *
 * `lastError` is the error kind of the latest failure ('unknown' when the result named none); it is
 * kept across later successes as history, `lastOk` says whether it is current.
 */
export function applyObservation(track: CheckTrack, obs: Observation, t: CheckThresholds): CheckTrack {
  const seenAny = track.successes + track.failures > 0;
  if (obs.at < track.lastAt || (seenAny && obs.at === track.lastAt)) return track;

  const healthyThreshold = Math.max(1, t.healthyThreshold);
  const unhealthyThreshold = Math.max(1, t.unhealthyThreshold);

  if (obs.ok) {
    const successes = track.successes + 1;
    const state = track.state !== 'UP' && successes >= healthyThreshold ? 'UP' : track.state;
    return { ...track, state, successes, failures: 0, lastAt: obs.at, lastOk: true };
  }

  const failures = track.failures + 1;
  const lastError = obs.errorKind ?? 'unknown';
  const immediate = t.failOnStatus && obs.errorKind === 'status';
  const state = immediate || failures >= unhealthyThreshold ? 'DOWN' : track.state;
  return { ...track, state, successes: 0, failures, lastAt: obs.at, lastOk: false, lastError };
}
