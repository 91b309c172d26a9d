/**
 * A sliding-window rate limit: at most `max` sends in any `perMs`. `history` holds the send times in
 * the window (oldest first); the returned history replaces it and never holds more than `max` times.
 */
export function admitRate(
  history: readonly number[],
  now: number,
  limit: { max: number; perMs: number },
): { admitted: boolean; history: number[] } {
  const recent = history.filter((t) => t > now - limit.perMs);
  const admitted = recent.length < limit.max;
  if (admitted) recent.push(now);
  return { admitted, history: limit.max > 0 ? recent.slice(-limit.max) : [] };
}
