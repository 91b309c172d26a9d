import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { LeaderLease, RuleMemory, RulesRunner } from '@apps/controller';
import { loadEnv, parseDuration, validateConfig, type StoredConfig } from '@libs/config';
import type { StatusSnapshot } from '@libs/queue';

const env = loadEnv();

const config = (() => {
  const result = validateConfig({
    apiVersion: 'vigil/v1',
    idcs: [
      { name: 'sha', capacity: 10 },
      { name: 'szx', capacity: 10 },
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
      { name: 'slow', when: 'idc.state == "UNHEALTHY"', for: '30s', actions: [{ type: 'shift-away' }] },
      {
        name: 'fast',
        when: 'idc.state == "DEGRADED"',
        for: '0s',
        cooldown: '1m',
        actions: [{ type: 'shift-away' }],
      },
    ],
  });
  if (!result.ok) throw new Error(JSON.stringify(result.details));
  return result.config as StoredConfig;
})();
const RULES = new Set(config.rules.map((r) => r.name));

/** szx in `state`, sha HEALTHY. */
const snapshot = (state: string): StatusSnapshot => ({
  generatedAt: 0,
  configVersion: 1,
  vantages: { live: ['sha', 'szx'], suspect: [] },
  services: [
    {
      service: 'live',
      endpoints: { UNKNOWN: 0, HEALTHY: 2, DEGRADED: 0, UNHEALTHY: 0 },
      idcs: ['sha', 'szx'].map((idc) => ({
        idc,
        state: (idc === 'szx' ? state : 'HEALTHY') as 'HEALTHY',
        reason: 'ok',
        score: 100,
        healthyRatio: 1,
        healthyCapacity: 1,
        totalCapacity: 1,
        weight: 50,
        since: 0,
        endpoints: { UNKNOWN: 0, HEALTHY: 1, DEGRADED: 0, UNHEALTHY: 0 },
      })),
    },
  ],
});

/**
 * The rules' timing across a change of leader, on real Redis: two controllers (a lease, a runner and
 * its memory each), evaluated the way AutomationService does it, with the time given.
 */
describe('rule timing kept with the leader state (real Redis)', () => {
  const prefix = `vigil-e2e-${randomBytes(4).toString('hex')}`;
  const leaseKey = `${prefix}:leader:controller`;
  const bookKey = `${prefix}:rules:book`;
  let redis: Redis;
  const leases: LeaderLease[] = [];

  /** A controller: the lease (a TTL no test outlives), the runner and the memory on Redis. */
  const controller = (holder: string) => {
    const lease = new LeaderLease({ redis, key: leaseKey, holder, ttlMs: 60_000, onChange: () => undefined });
    leases.push(lease);
    const runner = new RulesRunner();
    runner.setConfig(config);
    const memory = new RuleMemory(runner, {
      load: () => redis.get(bookKey),
      save: (text, token) => lease.setIfLeader({ [bookKey]: text }, token),
    });
    /** One evaluation at `now` (seconds): the rules acted on, as AutomationService.tick does. */
    const evaluate = async (state: string, seconds: number): Promise<string[]> => {
      const now = seconds * 1000;
      const token = lease.fencingToken!;
      await memory.begin(token, now);
      const acted: string[] = [];
      for (const firing of runner.tick(snapshot(state), now, () => 50)) {
        const key = `${firing.rule.name}|${firing.service}|${firing.idc}`;
        if (memory.coolingDown('actedAt', key, now, parseDuration(firing.rule.cooldown))) continue;
        memory.record('actedAt', key, now);
        acted.push(`${firing.rule.name}:${firing.idc}${firing.fresh ? '!' : ''}`);
      }
      await memory.end(token, now, RULES);
      return acted;
    };
    return { lease, evaluate };
  };

  /** `to` takes the lease over from whoever has it (that one's lease ran out: a pause, a crash). */
  const moveLease = async (to: LeaderLease) => {
    await redis.del(leaseKey);
    await to.tick();
    expect(to.isLeader).toBe(true);
  };

  beforeAll(() => {
    redis = new Redis(env.REDIS_URL);
  });
  afterAll(async () => {
    for (const l of leases) await l.stop();
    await redis.del(leaseKey, `${leaseKey}:token`, bookKey);
    await redis.quit();
  });
  beforeEach(() => redis.del(leaseKey, bookKey));

  it('a pending `for:` goes on under the new leader: it fires at the original time, not `for` later', async () => {
    const a = controller('a');
    const b = controller('b');
    await a.lease.start();
    expect(await a.evaluate('UNHEALTHY', 0)).toEqual([]); // slow: pending since 0, for 30s
    expect(await a.evaluate('UNHEALTHY', 10)).toEqual([]);

    await moveLease(b.lease);
    expect(await b.evaluate('UNHEALTHY', 12)).toEqual([]);
    expect(await b.evaluate('UNHEALTHY', 29)).toEqual([]);
    expect(await b.evaluate('UNHEALTHY', 30)).toEqual(['slow:szx!']);
  });

  it('a rule in its cooldown stays in it after a leader change, and the old leader cannot undo that', async () => {
    const a = controller('a');
    const b = controller('b');
    await a.lease.start();
    expect(await a.evaluate('DEGRADED', 0)).toEqual(['fast:szx!']); // cooldown 1m from 0
    expect(await a.evaluate('HEALTHY', 5)).toEqual([]);

    await moveLease(b.lease);
    expect(await b.evaluate('DEGRADED', 20)).toEqual([]); // fires again, but cools down until 60
    expect(await b.evaluate('DEGRADED', 59)).toEqual([]);
    // a, paused, resumes believing it leads: what it would save is refused, and b's book stays.
    const saved = await redis.get(bookKey);
    expect(await a.evaluate('UNHEALTHY', 61)).toEqual([]);
    expect(await redis.get(bookKey)).toBe(saved);
    expect(await b.evaluate('DEGRADED', 60)).toEqual(['fast:szx']);
  });
});
