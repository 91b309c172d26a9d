import { overrunReason, type RuleOverrun } from '../rules/rule-budget';
import type { Notice } from './types';

/**
 * The notice of a rule disabled for overrunning its evaluation budget: an error, routed like any
 * other event (`rule.disabled`), one per disabling (nothing resolves it but a new config).
 */
export function ruleDisabledNotice(o: RuleOverrun): Notice {
  const incidentKey = `rule/${o.rule}/disabled/${o.at}`;
  return {
    id: `${incidentKey}:trigger:${o.at}`,
    incidentKey,
    event: 'rule.disabled',
    phase: 'trigger',
    severity: 'error',
    title: `rule ${o.rule} disabled: too slow to evaluate`,
    text: [`${overrunReason(o)}.`, 'Until then it fires no action: watch what it guarded by hand.'].join(
      '\n',
    ),
    labels: { event: 'rule.disabled', severity: 'error', rule: o.rule },
    details: {
      rule: o.rule,
      spentMs: Math.round(o.spentMs),
      budgetMs: o.budgetMs,
      evaluations: o.evaluations,
      at: new Date(o.at).toISOString(),
    },
    at: o.at,
    resolvable: false,
  };
}
