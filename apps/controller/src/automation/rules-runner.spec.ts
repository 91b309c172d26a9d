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

describe('RulesRunner: rules evaluated per endpoint (drain-endpoint)', () => {
  const endpointConfig = (() => {
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
            { idc: 'sha', name: 'c', url: 'http://127.0.0.1:3/', labels: { role: 'canary' } },
            { idc: 'sha', name: 'a', url: 'http://127.0.0.1:1/' },
            { idc: 'szx', name: 'b', url: 'http://127.0.0.1:2/' },
          ],
          checks: [{ name: 'http', type: 'http' }],
        },
      ],
      rules: [
        {
          name: 'drain-down',
          when: 'endpoint.state == "UNHEALTHY"',
          for: '10s',
          priority: 5,
          actions: [{ type: 'drain-endpoint' }],
        },
        {
          name: 'drain-edge',
          when: 'endpoint.state == "UNHEALTHY"',
          for: '0s',
          priority: 1,
          scope: { labels: { tier: 'edge' } },
          actions: [{ type: 'drain-endpoint' }],
        },
        {
          // Every fact of an endpoint rule: its endpoint, and the (service, IDC) around it.
          name: 'drain-canary',
          when:
            '"role" in endpoint.labels && endpoint.labels.role == "canary" && endpoint.score < 50 && ' +
            'endpoint.id == service.name + "." + endpoint.name && endpoint.idc == idc.name && idc.weight == 50.0',
          for: '0s',
          priority: 3,
          actions: [{ type: 'drain-endpoint' }],
        },
        {
          name: 'idc-down',
          when: 'idc.state == "UNHEALTHY"',
          for: '0s',
          priority: 9,
          actions: [{ type: 'shift-away' }],
        },
      ],
    });
    if (!result.ok) throw new Error(JSON.stringify(result.details));
    return result.config as StoredConfig;
  })();

  type Health = { state: 'HEALTHY' | 'DEGRADED' | 'UNHEALTHY' | 'UNKNOWN'; score: number };
  const up: Health = { state: 'HEALTHY', score: 100 };
  const down: Health = { state: 'UNHEALTHY', score: 0 };
  /** The endpoints' health (a, b, c: HEALTHY unless given); an endpoint set to null has no status yet. */
  const endpointsOf = (given: Partial<Record<'a' | 'b' | 'c', Health | null>> = {}) =>
    new Map([
      [
        'live',
        (['a', 'b', 'c'] as const).flatMap((name) => {
          const health = given[name] === undefined ? up : given[name];
          if (health === null) return [];
          return [
            { id: `live.${name}`, idc: name === 'b' ? 'szx' : 'sha', reason: 'r', since: 0, ...health },
          ];
        }),
      ],
    ]);
  const fire = (r: RulesRunner, now: number, endpoints?: ReturnType<typeof endpointsOf>, szx = 'HEALTHY') =>
    r
      .tick(snapshot(szx), now, () => 50, [], endpoints)
      .map((f) => `${f.rule.name}:${f.idc}${f.endpoint ? `/${f.endpoint}` : ''}${f.fresh ? '!' : ''}`);
  const runner = () => {
    const r = new RulesRunner();
    r.setConfig(endpointConfig);
    return r;
  };

  it('fires for exactly the down endpoint, after its `for:`, keyed per endpoint', () => {
    const r = runner();
    const sick = endpointsOf({ a: down });
    expect(fire(r, 0, sick)).toEqual([]);
    expect(r.exportStates()).toEqual({ 'drain-down|live|sha|a': { phase: 'pending', since: 0 } });
    expect(fire(r, 9_999, sick)).toEqual([]);
    expect(fire(r, 10_000, sick)).toEqual(['drain-down:sha/a!']);
    expect(fire(r, 11_000, sick)).toEqual(['drain-down:sha/a']);
    const [firing] = r.tick(snapshot('HEALTHY'), 12_000, () => 50, [], sick);
    expect(firing).toMatchObject({
      service: 'live',
      idc: 'sha',
      endpoint: 'a',
      key: 'drain-down|live|sha|a',
    });
    // Back up: resolved, and a new outage waits out its `for:` again.
    expect(fire(r, 13_000, endpointsOf())).toEqual([]);
    expect(fire(r, 14_000, sick)).toEqual([]);
  });

  it('applies the scope: the edge-only rule fires for the down endpoint in szx, not in sha', () => {
    const r = runner();
    expect(fire(r, 0, endpointsOf({ a: down }))).toEqual([]);
    expect(fire(r, 1000, endpointsOf({ a: down, b: down }))).toEqual(['drain-edge:szx/b!']);
    expect(Object.keys(r.exportStates()).sort()).toEqual([
      'drain-down|live|sha|a',
      'drain-down|live|szx|b',
      'drain-edge|live|szx|b',
    ]);
  });

  it('sees the endpoint, its labels and the (service, IDC) facts; order: priority, then endpoint name', () => {
    const r = runner();
    const sick = endpointsOf({ a: down, c: { state: 'DEGRADED', score: 40 } });
    expect(fire(r, 0, sick)).toEqual(['drain-canary:sha/c!']);
    expect(fire(r, 10_000, endpointsOf({ a: down, c: down }))).toEqual([
      'drain-down:sha/a!',
      'drain-canary:sha/c',
    ]);
    expect(fire(r, 20_000, endpointsOf({ a: down, c: down }))).toEqual([
      'drain-down:sha/a',
      'drain-down:sha/c!',
      'drain-canary:sha/c',
    ]);
  });

  it('leaves IDC rules as they were: one per (service, IDC), keyed without an endpoint, first by priority', () => {
    const r = runner();
    const firings = r.tick(snapshot('UNHEALTHY'), 0, () => 50, [], endpointsOf({ b: down }));
    expect(firings.map((f) => [f.rule.name, f.idc, f.endpoint, f.key])).toEqual([
      ['idc-down', 'szx', undefined, 'idc-down|live|szx'],
      ['drain-edge', 'szx', 'b', 'drain-edge|live|szx|b'],
    ]);
    expect(firings[0]).not.toHaveProperty('endpoint');
  });

  it('runs endpoint rules only for endpoints with a health status', () => {
    const r = runner();
    // No endpoint health at all: the IDC rules run alone.
    expect(fire(r, 0, undefined, 'UNHEALTHY')).toEqual(['idc-down:szx!']);
    expect(Object.keys(r.exportStates())).toEqual(['idc-down|live|szx']);
    // Only c has a status: a and b are not evaluated.
    expect(fire(r, 1000, endpointsOf({ a: null, b: null, c: down }), 'UNHEALTHY')).toEqual([
      'drain-canary:sha/c!',
      'idc-down:szx',
    ]);
    expect(Object.keys(r.exportStates()).sort()).toEqual([
      'drain-canary|live|sha|c',
      'drain-down|live|sha|c',
      'idc-down|live|szx',
    ]);
  });

  it('counts each endpoint evaluation against the rule budget', () => {
    let ms = 0;
    const overruns: RuleOverrun[] = [];
    const r = new RulesRunner({ budgetMs: 25, clock: () => (ms += 10), onOverrun: (o) => overruns.push(o) });
    r.setConfig(endpointConfig);
    // Per tick: drain-down and drain-canary run for a, c (sha) and b (szx): 30 ms; drain-edge for b only.
    fire(r, 0, endpointsOf({ a: down }));
    expect(overruns.map((o) => [o.rule, o.spentMs, o.evaluations])).toEqual([
      ['drain-down', 30, 3],
      ['drain-canary', 30, 3],
    ]);
    expect(Object.keys(r.exportStates())).toEqual([]);
    expect(r.exportDisabled()).toEqual({ 'drain-down': 0, 'drain-canary': 0 });
  });

  it('stops a rule at the endpoint where it overran, within the tick', () => {
    let ms = 0;
    const overruns: RuleOverrun[] = [];
    const r = new RulesRunner({ budgetMs: 5, clock: () => (ms += 10), onOverrun: (o) => overruns.push(o) });
    r.setConfig(endpointConfig);
    // Every rule overruns on its first evaluation: the endpoint rules on a (sha; b for the edge rule),
    // and are not run for c after it.
    fire(r, 0, endpointsOf());
    expect(overruns.map((o) => [o.rule, o.evaluations])).toEqual([
      ['idc-down', 1],
      ['drain-down', 1],
      ['drain-canary', 1],
      ['drain-edge', 1],
    ]);
  });

  it('keeps, across leaders, only the states a rule of the config still owns', () => {
    const r = runner();
    const pending = { phase: 'pending' as const, since: 0 };
    r.restoreStates({
      'drain-down|live|sha|a': pending,
      'idc-down|live|sha': pending,
      'drain-down|live|sha|gone': pending, // endpoint no longer in the config
      'drain-down|live|szx|a': pending, // a is in sha, not szx
      'drain-down|live|sha': pending, // an IDC key of a rule now run per endpoint
      'idc-down|live|sha|a': pending, // an endpoint key of an IDC rule
      'removed|live|sha': pending,
      'not a key': pending,
    });
    expect(Object.keys(r.exportStates()).sort()).toEqual(['drain-down|live|sha|a', 'idc-down|live|sha']);
  });
});
