import { normaliseRuleStates } from './rule-states';

describe('normaliseRuleStates', () => {
  it('reads rules with per-target states', () => {
    expect(
      normaliseRuleStates({
        items: [
          {
            rule: 'drain-sha',
            when: 'idc.state == UNHEALTHY',
            action: { 'shift-away': {} },
            mode: 'approval',
            targets: [
              {
                service: 'pay',
                idc: 'sha',
                state: 'cooldown',
                pendingSince: null,
                lastFiredAt: '2026-12-03T10:00:00Z',
                cooldownUntil: '2026-12-03T10:10:00Z',
                cooldownLeftMs: 60_000,
                extra: true,
              },
            ],
          },
        ],
      }),
    ).toEqual([
      {
        rule: 'drain-sha',
        when: 'idc.state == UNHEALTHY',
        action: '{"shift-away":{}}',
        mode: 'approval',
        targets: [
          {
            service: 'pay',
            idc: 'sha',
            state: 'cooldown',
            pendingSince: null,
            lastFiredAt: '2026-12-03T10:00:00Z',
            cooldownUntil: '2026-12-03T10:10:00Z',
            cooldownLeftMs: 60_000,
          },
        ],
      },
    ]);
  });

  it('turns per-rule fields into one unscoped target', () => {
    const [rule] = normaliseRuleStates([{ rule: 'r', state: 'firing', lastFiredAt: 5 }]);
    expect(rule.targets).toEqual([
      {
        service: null,
        idc: null,
        state: 'firing',
        pendingSince: null,
        lastFiredAt: 5,
        cooldownUntil: null,
        cooldownLeftMs: null,
      },
    ]);
  });

  it('survives junk', () => {
    expect(normaliseRuleStates(null)).toEqual([]);
    expect(normaliseRuleStates({ items: [1, null, { when: 3 }] })).toEqual([
      { rule: '(unnamed)', when: '3', action: null, mode: null, targets: [] },
    ]);
  });
});
