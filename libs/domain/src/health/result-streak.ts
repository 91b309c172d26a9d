/**
 * What a prober remembers of the results it sent for one (check, endpoint, vantage), so it can tell
 * which results may change the controller's track (and are worth sending at once) without keeping
 * any health state of its own.
 */
export interface ResultStreak {
  ok: boolean;
  /** Results in a row with this outcome, as this prober saw them. */
  count: number;
}

/** The streak after one more result (`previous` undefined: the first this prober sees of the key). */
export function nextStreak(previous: ResultStreak | undefined, ok: boolean): ResultStreak {
  return previous?.ok === ok ? { ok, count: previous.count + 1 } : { ok, count: 1 };
}

/**
 * Whether the result that made `streak` may move its track (applyObservation): a failure among the
 * first `unhealthyThreshold` of a run (the one that crosses it is among them; `failOnStatus` crosses
 * on the first), a success among the first `healthyThreshold` after failures or of a key not seen
 * yet (a track that starts UNKNOWN). A long run of the same outcome, the steady state, never does.
 *
 * Several replicas of a vantage share its ticks, so one prober sees only some of a track's results:
 * its runs are at most as long as the controller's in the usual case, and it then says yes at least
 * whenever the track crosses; when it says no wrongly, the result goes out with the next regular batch.
 */
export function mayChangeTrack(
  streak: ResultStreak,
  t: { healthyThreshold: number; unhealthyThreshold: number },
): boolean {
  if (!streak.ok) return streak.count <= Math.max(1, t.unhealthyThreshold);
  return streak.count <= Math.max(1, t.healthyThreshold);
}
