/**
 * The endpoints in drain after draining or undraining `endpoint`, from those in drain now: sorted,
 * without duplicates. Computed from the set in force when it is applied, so two drains of one service
 * never undo each other.
 */
export function drainedAfter(
  direction: 'drain' | 'undrain',
  endpoint: string,
  inDrain: readonly string[],
): string[] {
  const rest = inDrain.filter((name) => name !== endpoint);
  return direction === 'drain' ? [...rest, endpoint].sort() : [...rest].sort();
}
