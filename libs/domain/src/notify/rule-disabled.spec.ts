import { ruleDisabledEvent, type RuleOverrun } from '../rules/rule-budget';
import { routeChannels } from './routing';
import { ruleDisabledNotice } from './rule-disabled';

const overrun: RuleOverrun = { rule: 'slow', spentMs: 812.4, budgetMs: 500, evaluations: 3, at: 1000 };

describe('a rule disabled for overrunning its budget', () => {
  it('is a routed error notice, one per disabling', () => {
    const notice = ruleDisabledNotice(overrun);
    expect(notice).toMatchObject({
      id: 'rule/slow/disabled/1000:trigger:1000',
      event: 'rule.disabled',
      severity: 'error',
      labels: { event: 'rule.disabled', severity: 'error', rule: 'slow' },
      resolvable: false,
    });
    const routes = [{ events: ['rule.disabled' as const], minSeverity: 'info' as const, channels: ['ops'] }];
    expect(routeChannels(notice, routes, ['ops', 'team'])).toEqual(['ops']);
  });

  it('is a timeline event saying why and until when', () => {
    expect(ruleDisabledEvent(overrun)).toEqual({
      kind: 'rule',
      at: 1000,
      before: 'enabled',
      after: 'disabled',
      reason:
        'rule slow disabled: its evaluations took 812 ms in one tick (3 evaluation(s)), over the budget ' +
        'of 500 ms; it stays off until the config changes (simplify its condition)',
      details: { rule: 'slow', spentMs: 812, budgetMs: 500, evaluations: 3 },
    });
  });
});
