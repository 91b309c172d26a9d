/** Rolling a shift back. */
import type { Weights } from './types';

/**
 * The weights to apply to undo an action: exactly the recorded `before` (PlannedShift.before), as a
 * copy. No guardrail applies: a rollback returns to a state an action started from, and it is an
 * operator's decision; the caller records it as an action of its own.
 */
export function rollbackWeights(before: Weights): Weights {
  return { ...before };
}
