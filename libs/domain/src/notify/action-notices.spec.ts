import { actionNotice, ruleNotice, stepAction } from './action-notices';
import type { ActionChange, ActionIncident, NotifyEvent, Severity } from './types';

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
      // Awaiting approval, held and failed are resolved by the action's next state: their own key.
      const resolvable = ['awaiting-approval', 'held', 'failed'].includes(notice.details.state as string);
      const state = String(notice.details.state);
      expect(notice).toMatchObject({
        incidentKey: resolvable ? `action/a1/${state}` : 'action/a1',
        id: resolvable ? `action/a1/${state}:trigger` : `action/a1:${state}`,
        phase: 'trigger',
        resolvable,
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

describe('stepAction', () => {
  /** Runs the changes of one action in order; returns each step's notices as `phase event incidentKey`. */
  function run(states: string[]): { notices: string[][]; open?: ActionIncident } {
    let open: ActionIncident | undefined;
    const notices = states.map((state, i) => {
      const step = stepAction(open, change({ state, mode: 'approval', at: 1000 * (i + 1) }));
      open = step.open;
      return step.notices.map((n) => `${n.phase} ${n.event} ${n.incidentKey}`);
    });
    return { notices, open };
  }

  it.each<[string, string[], string[][]]>([
    [
      'awaiting approval, then approved: the request is resolved',
      ['awaiting-approval', 'executing', 'completed'],
      [
        ['trigger action.awaiting-approval action/a1/awaiting-approval'],
        ['resolve action.awaiting-approval action/a1/awaiting-approval'],
        ['trigger action.executed action/a1'],
      ],
    ],
    [
      'awaiting approval, then rejected',
      ['awaiting-approval', 'rejected'],
      [
        ['trigger action.awaiting-approval action/a1/awaiting-approval'],
        ['resolve action.awaiting-approval action/a1/awaiting-approval'],
      ],
    ],
    [
      'proposed, failed, then rolled back: each page resolved by the next state',
      ['executing', 'failed', 'rolled-back'],
      [
        ['trigger action.proposed action/a1'],
        ['trigger action.failed action/a1/failed'],
        ['resolve action.failed action/a1/failed'],
      ],
    ],
    [
      'held, then rolled back (a hold has no resume)',
      ['held', 'rolled-back'],
      [['trigger action.held action/a1/held'], ['resolve action.held action/a1/held']],
    ],
    [
      'held, then cancelled',
      ['held', 'cancelled'],
      [['trigger action.held action/a1/held'], ['resolve action.held action/a1/held']],
    ],
    [
      'the same state seen again changes nothing',
      ['awaiting-approval', 'awaiting-approval'],
      [['trigger action.awaiting-approval action/a1/awaiting-approval'], []],
    ],
    [
      'one-shot notices open nothing: a panic is not resolved by Vigil',
      ['refused'],
      [['trigger action.refused action/a1']],
    ],
  ])('%s', (_name, states, expected) => {
    expect(run(states).notices).toEqual(expected);
  });

  it('keeps an incident open only while its state holds', () => {
    expect(run(['awaiting-approval']).open).toMatchObject({
      id: 'action/a1/awaiting-approval',
      state: 'awaiting-approval',
      reached: [],
    });
    expect(run(['awaiting-approval', 'rejected']).open).toBeUndefined();
  });

  it('the resolve goes where the trigger went, with its severity, naming both states', () => {
    const open: ActionIncident = {
      id: 'action/a1/held',
      action: 'a1',
      state: 'held',
      event: 'action.held',
      severity: 'error',
      openedAt: 1000,
      reached: ['pd', 'slack'],
    };
    const { notices } = stepAction(open, change({ state: 'cancelled', at: 61_000 }));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      id: 'action/a1/held:resolve',
      incidentKey: 'action/a1/held',
      phase: 'resolve',
      event: 'action.held',
      severity: 'error',
      title: 'resolved: shift-away live-edge/sha: held -> cancelled',
      reached: ['pd', 'slack'],
      resolvable: true,
      labels: { event: 'action.held', severity: 'error', action: 'a1', service: 'live-edge', idc: 'sha' },
      details: { state: 'cancelled', before: 'held', durationMs: 60_000 },
    });
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
