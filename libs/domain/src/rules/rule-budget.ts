/**
 * The run-time bound of rules: a rule whose evaluations take longer than the budget in one tick is
 * disabled (on this leader, until the next config version), so one costly rule cannot stall the
 * controller every second; the other rules go on. Cost estimated at apply (cost.ts) keeps each
 * evaluation short; this catches what the estimate cannot see (many pairs, many alerts, long labels).
 */

/** Why a rule was disabled. */
export interface RuleOverrun {
  rule: string;
  /** Milliseconds its evaluations took in the tick, up to where it was stopped. */
  spentMs: number;
  budgetMs: number;
  /** Evaluations done in the tick before it was stopped. */
  evaluations: number;
  /** Epoch ms. */
  at: number;
}

/** A rule disabled, on the timeline beside health and alert events. */
export interface RuleEvent {
  kind: 'rule';
  at: number;
  service?: undefined;
  idc?: undefined;
  endpoint?: undefined;
  before: 'enabled';
  after: 'disabled';
  reason: string;
  details: { rule: string; spentMs: number; budgetMs: number; evaluations: number };
}

/** One line that says what happened and what to do. */
export function overrunReason(o: RuleOverrun): string {
  return (
    `rule ${o.rule} disabled: its evaluations took ${Math.round(o.spentMs)} ms in one tick ` +
    `(${o.evaluations} evaluation(s)), over the budget of ${o.budgetMs} ms; it stays off until the ` +
    'config changes (simplify its condition)'
  );
}

export function ruleDisabledEvent(o: RuleOverrun): RuleEvent {
  return {
    kind: 'rule',
    at: o.at,
    before: 'enabled',
    after: 'disabled',
    reason: overrunReason(o),
    details: {
      rule: o.rule,
      spentMs: Math.round(o.spentMs),
      budgetMs: o.budgetMs,
      evaluations: o.evaluations,
    },
  };
}
