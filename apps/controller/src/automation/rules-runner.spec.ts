import { validateConfig, type StoredConfig } from '@libs/config';
import type { StatusSnapshot } from '@libs/queue';
import type { RuleOverrun } from '@libs/domain';
import { RulesRunner } from './rules-runner';

const config = (() => {
  const result = validateConfig({
    apiVersion: 'vigil/v1',
    idcs: [
      { name: 'sha', capacity: 10, labels: { tier: 'core' } },
      { name: 'szx', capacity: 10, labels: { tier: 'edge' } },
    ],
    services: [
      {
        name: 'live',
        endpoints: [
          { idc: 'sha', name: 'a', url: 'http://127.0.0.1:1/' },
          { idc: 'szx', name: 'b', url: 'http://127.0.0.1:2/' },
        ],
        checks: [{ name: 'http', type: 'http' }],
      },
    ],
    rules: [
      {
        name: 'low',
        when: 'idc.state == "UNHEALTHY"',
        for: '0s',
        priority: 1,
        cooldown: '1m',
        actions: [{ type: 'shift-away' }],
      },
      {
        name: 'high',
        when: 'idc.state == "UNHEALTHY"',
        for: '10s',
        priority: 9,
        actions: [{ type: 'shift-away' }],
      },
      {
        name: 'core-only',
        when: 'idc.healthyRatio < 0.5',
        scope: { labels: { tier: 'core' } },
        actions: [{ type: 'shift-away' }],
      },
    ],
  });
  if (!result.ok) throw new Error(JSON.stringify(result.details));
  return result.config as StoredConfig;
})();

const snapshot = (szx: string, ratio = 1): StatusSnapshot => ({
  generatedAt: 0,
  configVersion: 1,
  vantages: { live: ['sha', 'szx'], suspect: [] },
  services: [
    {
      service: 'live',
      endpoints: { UNKNOWN: 0, HEALTHY: 2, DEGRADED: 0, UNHEALTHY: 0 },
      idcs: ['sha', 'szx'].map((idc) => ({
        idc,
        state: (idc === 'szx' ? szx : 'HEALTHY') as 'HEALTHY',
        reason: 'ok',
        score: 100,
        healthyRatio: idc === 'sha' ? ratio : 1,
        healthyCapacity: 1,
        totalCapacity: 1,
        weight: 50,
        since: 0,
        endpoints: { UNKNOWN: 0, HEALTHY: 1, DEGRADED: 0, UNHEALTHY: 0 },
      })),
    },
  ],
});

describe('RulesRunner', () => {
  const fired = (r: RulesRunner, s: StatusSnapshot, now: number) =>
    r.tick(s, now, () => 50).map((f) => `${f.rule.name}:${f.idc}${f.fresh ? '!' : ''}`);

  it('fires per (service, IDC) after `for`, highest priority first, fresh once, then reported while it holds', () => {
    const r = new RulesRunner();
    r.setConfig(config);
    expect(fired(r, snapshot('HEALTHY'), 0)).toEqual([]);
    expect(fired(r, snapshot('UNHEALTHY'), 1000)).toEqual(['low:szx!']); // for: 0s
    expect(fired(r, snapshot('UNHEALTHY'), 5000)).toEqual(['low:szx']); // still firing: not fresh
    expect(fired(r, snapshot('UNHEALTHY'), 11_000)).toEqual(['high:szx!', 'low:szx']); // for: 10s held
  });

  it('stops reporting when the condition ends, and fires fresh when it comes back', () => {
    const r = new RulesRunner();
    r.setConfig(config);
    expect(fired(r, snapshot('UNHEALTHY'), 0)).toEqual(['low:szx!']);
    expect(fired(r, snapshot('HEALTHY'), 1000)).toEqual([]);
    expect(fired(r, snapshot('UNHEALTHY'), 2000)).toEqual(['low:szx!']);
  });

  it('applies the scope (labels of the IDC or the service)', () => {
    const r = new RulesRunner();
    r.setConfig(config);
    expect(fired(r, snapshot('HEALTHY', 0.2), 0)).toEqual(['core-only:sha!']);
  });

  describe('with an evaluation budget', () => {
    // A clock that moves 10 ms on each reading: every evaluation (read before and after) takes 10 ms.
    function budgeted(budgetMs: number) {
      let ms = 0;
      const overruns: RuleOverrun[] = [];
      const runner = new RulesRunner({
        budgetMs,
        clock: () => (ms += 10),
        onOverrun: (o) => overruns.push(o),
      });
      runner.setConfig(config);
      return { runner, overruns };
    }

    it('disables a rule whose evaluations overrun the budget in a tick, and the others go on', () => {
      // low and high run for sha and szx (20 ms a tick), core-only for sha only (10 ms).
      const { runner, overruns } = budgeted(15);
      const sick = snapshot('UNHEALTHY', 0.2);
      expect(fired(runner, sick, 0)).toEqual(['core-only:sha!']);
      expect(overruns).toEqual([
        { rule: 'high', spentMs: 20, budgetMs: 15, evaluations: 2, at: 0 },
        { rule: 'low', spentMs: 20, budgetMs: 15, evaluations: 2, at: 0 },
      ]);
      // Disabled: not evaluated again (no new overrun), while core-only still reports its firing.
      expect(fired(runner, sick, 11_000)).toEqual(['core-only:sha']);
      expect(overruns).toHaveLength(2);
    });

    it('drops the for: states of a rule it disables, so no leader resumes them', () => {
      let ms = 0;
      let step = 1; // ms an evaluation takes: 1 at first, then 10
      const runner = new RulesRunner({ budgetMs: 15, clock: () => (ms += step), onOverrun: () => undefined });
      runner.setConfig(config);
      fired(runner, snapshot('UNHEALTHY'), 0);
      expect(runner.exportStates()).toHaveProperty(['high|live|szx', 'phase'], 'pending');
      step = 10;
      fired(runner, snapshot('UNHEALTHY'), 1000);
      expect(Object.keys(runner.exportStates()).filter((key) => /^(high|low)\|/.test(key))).toEqual([]);
    });

    it('enables them again with the next config', () => {
      const { runner, overruns } = budgeted(15);
      fired(runner, snapshot('UNHEALTHY'), 0);
      expect(overruns.map((o) => o.rule)).toEqual(['high', 'low']);
      expect(runner.exportDisabled()).toEqual({ high: 0, low: 0 });
      runner.setConfig(config);
      expect(runner.exportDisabled()).toEqual({});
      fired(runner, snapshot('UNHEALTHY'), 1000);
      expect(overruns.map((o) => o.rule)).toEqual(['high', 'low', 'high', 'low']);
    });

    it('leaves rules within the budget alone', () => {
      const { runner, overruns } = budgeted(20);
      expect(fired(runner, snapshot('UNHEALTHY'), 0)).toEqual(['low:szx!']);
      expect(overruns).toEqual([]);
    });
  });
});
