import { fork } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Registry } from 'prom-client';
import { ProberEngine } from '@apps/prober';
import { loadEnv, parseDuration, validateConfig, type StoredConfig } from '@libs/config';
import { fleetConfig, startFleet, type Fleet } from '@libs/fleet';
import { compileProbe } from '@libs/probes';
import type { ProbeResult } from '@libs/queue';
import { ResultCollector } from './support/result-collector';

const env = loadEnv();

/**
 * The fleet's endpoints `ids`, every `interval`. The timeout is three quarters of it: on a busy machine
 * the probes and the fleet share one starved event loop, and a tighter one fails endpoints that are up.
 */
function config(fleet: Fleet, ids: readonly string[], interval: string, vantages = ['sha']): StoredConfig {
  const layout = { ...fleet, endpoints: fleet.endpoints.filter((e) => ids.includes(e.id)) };
  const timeout = `${(parseDuration(interval) * 3) / 4}ms`;
  const result = validateConfig(fleetConfig(layout, { service: 'live', interval, timeout, vantages }));
  if (!result.ok) throw new Error(JSON.stringify(result.details));
  return result.config as StoredConfig;
}

/** Probes of one endpoint by due time: each (endpoint, vantage, due time) must appear once. */
const key = (r: ProbeResult) => `${r.endpoint}@${r.vantage}@${r.scheduledAt}`;

describe('probe engine on real Redis', () => {
  let fleet: Fleet;
  let prefix: string;
  let collector: ResultCollector;
  const engines: ProberEngine[] = [];
  const connections: Redis[] = [];

  const engine = (serve: string[]) => {
    const connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
    connections.push(connection);
    const e = new ProberEngine({
      proberId: `test-${engines.length}`,
      serve,
      connection,
      prefix,
      registry: new Registry(),
      concurrency: 200,
      compile: (check, endpoint) => compileProbe(check, endpoint, { secret: () => '' }),
    });
    engines.push(e);
    return e;
  };

  beforeAll(async () => {
    // Fixed ports below the ephemeral range: a port closed for "refused" cannot be taken meanwhile.
    fleet = await startFleet({ idcs: ['sha', 'bjs'], endpointsPerIdc: 60, basePort: 23200 });
  });
  afterAll(() => fleet.close());

  beforeEach(() => {
    prefix = `vigil-e2e-${randomBytes(4).toString('hex')}:bull`;
    collector = new ResultCollector(env.REDIS_URL, prefix, ['sha', 'bjs']);
  });

  afterEach(async () => {
    await Promise.all(engines.splice(0).map((e) => e.stop()));
    await collector.close();
    await Promise.all(connections.splice(0).map((c) => c.quit()));
    const redis = new Redis(env.REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('probes every endpoint once per interval, spread evenly, with two replicas and no double scheduling', async () => {
    const ids = fleet.endpoints.map((e) => e.id); // 120 endpoints at 2 s: 60 probes/s
    const cfg = config(fleet, ids, '2s');
    const [a, b] = [engine(['sha']), engine(['sha'])];
    await Promise.all([a.setConfig(cfg, 1), b.setConfig(cfg, 1)]);
    await Promise.all([a.start(), b.start()]);
    const from = Math.ceil(Date.now() / 2000) * 2000 + 2000; // a whole interval, after start-up
    const to = from + 4000;
    await collector.until(
      (rs) => rs.some((r) => r.scheduledAt >= to + 1000),
      20_000,
      'two intervals of results',
    );

    const window = collector.results.filter((r) => r.scheduledAt >= from && r.scheduledAt < to);
    expect(window.length).toBe(ids.length * 2); // each endpoint twice in two intervals...
    expect(new Set(window.map(key)).size).toBe(window.length); // ...and never twice at once
    expect(window.every((r) => r.ok && r.vantage === 'sha' && r.check === 'live/healthz')).toBe(true);
    const perSecond = new Map<number, number>();
    for (const r of window)
      perSecond.set(
        Math.floor(r.scheduledAt / 1000),
        (perSecond.get(Math.floor(r.scheduledAt / 1000)) ?? 0) + 1,
      );
    for (const count of perSecond.values()) {
      expect(count).toBeGreaterThanOrEqual(35); // 60/s expected; phases are hashes, not a grid
      expect(count).toBeLessThanOrEqual(85);
    }
    // Both replicas took ticks (the shards spread across them).
    expect(new Set(window.map((r) => r.endpoint)).size).toBe(ids.length);
  });

  it('follows a new config within one interval: added endpoints are probed, removed ones stop', async () => {
    const sha = fleet.endpoints.filter((e) => e.idc === 'sha').map((e) => e.id);
    const [first, second] = [sha.slice(0, 10), sha.slice(5, 20)];
    const e = engine(['sha']);
    await e.setConfig(config(fleet, first, '1s'), 1);
    await e.start();
    await collector.until((rs) => new Set(rs.map((r) => r.endpoint)).size === 10, 10_000, 'the first config');

    await e.setConfig(config(fleet, second, '1s'), 2);
    const switched = Date.now();
    const tickAfter = Math.ceil(switched / 1000) * 1000 + 1000; // ticks already handed out may use the old table
    await collector.until(
      (rs) => rs.some((r) => r.scheduledAt >= tickAfter + 1000),
      10_000,
      'one interval on the new config',
    );
    const after = collector.results.filter(
      (r) => r.scheduledAt >= tickAfter && r.scheduledAt < tickAfter + 1000,
    );
    expect(new Set(after.map((r) => r.endpoint))).toEqual(new Set(second.map((id) => `live.${id}`)));
  });

  it('reports failures with their error kind', async () => {
    const [up, refused] = fleet.endpoints.filter((e) => e.idc === 'bjs').map((e) => e.id);
    await fleet.set({ endpoint: refused }, 'refused');
    try {
      const e = engine(['bjs']);
      await e.setConfig(config(fleet, [up, refused], '1s', ['bjs']), 1);
      await e.start();
      await collector.until((rs) => rs.some((r) => !r.ok), 10_000, 'a failed probe');
      const failed = collector.results.find((r) => !r.ok)!;
      expect(failed).toMatchObject({ endpoint: `live.${refused}`, errorKind: 'refused', vantage: 'bjs' });
      expect(collector.results.filter((r) => r.endpoint === `live.${up}`).every((r) => r.ok)).toBe(true);
    } finally {
      await fleet.set({ endpoint: refused }, 'up');
    }
  });

  it('takes over a prober replica killed with SIGKILL: every endpoint is probed again within interval + stall time', async () => {
    const ids = fleet.endpoints.filter((e) => e.idc === 'sha').map((e) => e.id);
    const cfg = config(fleet, ids, '1s');
    const child = fork(
      join(__dirname, 'support', 'prober-child.ts'),
      [env.REDIS_URL, prefix, 'sha', JSON.stringify(cfg)],
      {
        execArgv: ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'],
        env: { ...process.env, TS_NODE_PROJECT: join(__dirname, '..', 'tsconfig.json') },
      },
    );
    const exited = once(child, 'exit');
    try {
      await once(child, 'message');
      const survivor = engine(['sha']);
      await survivor.setConfig(cfg, 1);
      await survivor.start();
      await collector.until((rs) => rs.length >= ids.length * 2, 15_000, 'both replicas probing');
      child.kill('SIGKILL');
      await exited;
      const killedAt = Date.now();
      // The dead replica's locked ticks are lost (stall time: lockDuration 5 s); everything after runs.
      const bound = killedAt + 1000 + 5000 + 1000;
      await collector.until(
        (rs) => rs.some((r) => r.scheduledAt >= bound + 2000),
        20_000,
        'probes after the kill',
      );
      const after = collector.results.filter((r) => r.scheduledAt >= bound && r.scheduledAt < bound + 2000);
      expect(new Set(after.map((r) => r.endpoint)).size).toBe(ids.length);
      expect(new Set(after.map(key)).size).toBe(after.length);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
