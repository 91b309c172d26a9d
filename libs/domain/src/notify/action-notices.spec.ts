import { actionNotice, ruleNotice } from './action-notices';
import type { ActionChange, NotifyEvent, Severity } from './types';

const change = (over: Partial<ActionChange> = {}): ActionChange => ({
  id: 'a1',
  service: 'live-edge',
  idc: 'sha',
  kind: 'shift-away',
  state: 'executing',
  reason: 'sha is UNHEALTHY: healthy capacity 30%',
  rule: 'sha-down',
  mode: 'enforce',
  at: 1_700_000_000_000,
  ...over,
});

describe('actionNotice', () => {
  it.each<[string, Partial<ActionChange>, [NotifyEvent, Severity] | null]>([
    ['dry run', { state: 'dry-run', mode: 'dry-run' }, ['action.proposed', 'info']],
    ['executing, new', { state: 'executing' }, ['action.proposed', 'info']],
    ['executing, new (before null)', { state: 'executing', before: null }, ['action.proposed', 'info']],
    ['executing after approval', { state: 'executing', before: 'awaiting-approval' }, null],
    ['executing after a hold', { state: 'executing', before: 'held' }, null],
    [
      'awaiting approval',
      { state: 'awaiting-approval', mode: 'approval' },
      ['action.awaiting-approval', 'warning'],
    ],
    ['completed', { state: 'completed' }, ['action.executed', 'info']],
    ['failed', { state: 'failed' }, ['action.failed', 'error']],
    ['held', { state: 'held' }, ['action.held', 'error']],
    ['refused by panic', { state: 'refused', guardrail: 'panic' }, ['panic', 'critical']],
    ['refused: stale (fail-static)', { state: 'refused', guardrail: 'stale' }, ['panic', 'critical']],
    ['refused by cooldown', { state: 'refused', guardrail: 'cooldown' }, ['action.refused', 'warning']],
    ['refused, guardrail unknown', { state: 'refused' }, ['action.refused', 'warning']],
    ['rejected', { state: 'rejected' }, null],
    ['cancelled', { state: 'cancelled' }, null],
    ['rolled back', { state: 'rolled-back' }, null],
    ['an unknown state', { state: 'exploded' }, null],
  ])('%s', (_name, over, expected) => {
    const notice = actionNotice(change(over));
    expect(notice && [notice.event, notice.severity]).toEqual(expected);
    if (notice) {
      expect(notice).toMatchObject({
        incidentKey: 'action/a1',
        id: 'action/a1:trigger:1700000000000',
        phase: 'trigger',
        resolvable: false,
        at: 1_700_000_000_000,
      });
      expect(notice.labels).toMatchObject({ event: notice.event, severity: notice.severity });
    }
  });

  it('says what, where, and why', () => {
    const notice = actionNotice(
      change({ state: 'refused', guardrail: 'panic', reason: 'too much is down' }),
    )!;
    expect(notice.title).toBe('shift-away live-edge/sha: refused (panic)');
    expect(notice.text).toContain('too much is down');
    expect(notice.text).toContain('Vigil fails static');
    expect(notice.labels).toEqual({
      event: 'panic',
      severity: 'critical',
      service: 'live-edge',
      idc: 'sha',
      rule: 'sha-down',
      action: 'a1',
      kind: 'shift-away',
    });
    expect(notice.details).toMatchObject({
      action: 'a1',
      state: 'refused',
      guardrail: 'panic',
      mode: 'enforce',
    });
  });

  it('an action without IDC or rule has no such labels', () => {
    const notice = actionNotice(change({ state: 'completed', idc: null, rule: null, kind: 'set-weights' }))!;
    expect(notice.title).toBe('set-weights live-edge: completed');
    expect(notice.labels).not.toHaveProperty('idc');
    expect(notice.labels).not.toHaveProperty('rule');
  });
});

describe('ruleNotice', () => {
  it('is a warning keyed by rule, target and time, not resolvable', () => {
    const notice = ruleNotice({
      rule: 'sha-slow',
      service: 'live-edge',
      idc: 'sha',
      state: 'DEGRADED',
      reason: 'latency',
      at: 5000,
    });
    expect(notice).toMatchObject({
      id: 'rule/sha-slow/live-edge/sha/5000:trigger:5000',
      incidentKey: 'rule/sha-slow/live-edge/sha/5000',
      event: 'rule.notify',
      phase: 'trigger',
      severity: 'warning',
      title: 'rule sha-slow: live-edge in sha is DEGRADED',
      resolvable: false,
      at: 5000,
      labels: {
        event: 'rule.notify',
        severity: 'warning',
        rule: 'sha-slow',
        service: 'live-edge',
        idc: 'sha',
      },
      details: { rule: 'sha-slow', state: 'DEGRADED', reason: 'latency' },
    });
    expect(notice.text).toContain('latency');
  });
});
