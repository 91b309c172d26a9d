/**
 * Flap damping: an endpoint that keeps changing state is held DEGRADED 'flapping' instead of
 * swinging traffic back and forth with every change.
 */

/** Parameters of {@link isFlapping}. */
export interface FlappingParams {
  /** More state changes than this within `windowMs` is flapping. */
  maxTransitions: number;
  windowMs: number;
  /** Flapping ends once no flapping-rate change happened for this long. */
  holdMs: number;
}

/**
 * Whether an endpoint with state changes at `transitions` (epoch ms, any order) is flapping at `now`.
 *
 * A window (s - windowMs, s] with more than `maxTransitions` changes makes it flapping at s; it stays
 * flapping until `holdMs` after the last such window, i.e.
 *
 *   flapping(now) = there is a change at s, now - holdMs < s <= now,
 *                   with count of changes in (s - windowMs, s] > maxTransitions.
 *
 * So exactly `maxTransitions` changes in a window is not flapping, and holdMs without a change always
 * ends it. Slow changes after a burst (fewer than the threshold per window) do not extend the hold:
 * at that rate the endpoint would not count as flapping on its own either. Changes after `now` are
 * ignored. Only changes within `windowMs + holdMs` of `now` matter (see pruneTransitions).
 */
export function isFlapping(transitions: readonly number[], now: number, p: FlappingParams): boolean {
  const past = transitions.filter((t) => t <= now).sort((a, b) => a - b);
  // Two pointers: for each change s (ascending), `from` is the first change inside (s - windowMs, s].
  let from = 0;
  for (let i = 0; i < past.length; i++) {
    const s = past[i];
    while (past[from] <= s - p.windowMs) from++;
    if (s > now - p.holdMs && i - from + 1 > p.maxTransitions) return true;
  }
  return false;
}

/**
 * The changes still relevant at `now`: those newer than `now - keepMs` (and any after `now`, which a
 * skewed clock can produce), sorted. Pass `windowMs + holdMs` to keep isFlapping's answer unchanged
 * while the list stays bounded.
 */
export function pruneTransitions(transitions: readonly number[], now: number, keepMs: number): number[] {
  return transitions.filter((t) => t > now - keepMs).sort((a, b) => a - b);
}

/** A raw state that lasted less than this was a step on the way, not a state of its own. */
export const SETTLE_MS = 1000;

/**
 * The transitions after one more raw change at `now`. A change less than SETTLE_MS after the last
 * one replaces it: an endpoint seen down by one vantage is DEGRADED only until the next vantage's
 * batch, milliseconds later, makes it UNHEALTHY. That is one move, not two flaps (the once-a-second
 * evaluation never saw the step between them).
 */
export function recordTransition(transitions: readonly number[], now: number, keepMs: number): number[] {
  const last = transitions[transitions.length - 1];
  const kept = last !== undefined && now - last < SETTLE_MS ? transitions.slice(0, -1) : transitions;
  return pruneTransitions([...kept, now], now, keepMs);
}
