/**
 * The `for:` lifecycle of a rule for one subject ((service, IDC) or endpoint), as in Prometheus
 * alerting rules. Pure: the caller keeps one state per (rule, subject) and passes the time.
 *
 * | state    | condition holds                        | condition does not hold |
 * |----------|----------------------------------------|-------------------------|
 * | inactive | pending since now (firing if for = 0)  | inactive                |
 * | pending  | firing once now - since >= for         | inactive                |
 * | firing   | firing                                 | resolved                |
 * | resolved | pending since now (firing if for = 0)  | resolved                |
 */

export type RuleState =
  | { readonly phase: 'inactive' }
  /** The condition has held since `since` (epoch ms), not yet for `for`. */
  | { readonly phase: 'pending'; readonly since: number }
  /** The condition has held since `since` and the rule fired at `firedAt`. */
  | { readonly phase: 'firing'; readonly since: number; readonly firedAt: number }
  /** It fired at `firedAt`; the condition stopped holding at `resolvedAt`. */
  | {
      readonly phase: 'resolved';
      readonly since: number;
      readonly firedAt: number;
      readonly resolvedAt: number;
    };

export type RulePhase = RuleState['phase'];

export const INACTIVE: RuleState = Object.freeze({ phase: 'inactive' });

export interface RuleStep {
  state: RuleState;
  /** The phase changed. */
  changed: boolean;
  /** Set only on the step that moved to firing: the rule fires now (its actions may run). */
  firedAt?: number;
}

/**
 * One evaluation of the condition (`matched`) at `now`, for a rule with `for` = `forMs` (negative
 * counts as 0). Pending becomes firing exactly when the condition has held for `forMs`.
 */
export function advanceRuleState(state: RuleState, matched: boolean, now: number, forMs: number): RuleStep {
  const holdMs = Math.max(0, forMs);
  if (!matched) {
    switch (state.phase) {
      case 'pending':
        return { state: INACTIVE, changed: true };
      case 'firing':
        return {
          state: { phase: 'resolved', since: state.since, firedAt: state.firedAt, resolvedAt: now },
          changed: true,
        };
      default:
        return { state, changed: false };
    }
  }
  switch (state.phase) {
    case 'firing':
      return { state, changed: false };
    case 'pending':
      return now - state.since >= holdMs ? fire(state.since, now) : { state, changed: false };
    default:
      return holdMs === 0 ? fire(now, now) : { state: { phase: 'pending', since: now }, changed: true };
  }
}

function fire(since: number, now: number): RuleStep {
  return { state: { phase: 'firing', since, firedAt: now }, changed: true, firedAt: now };
}
