import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { LeaderLease } from '@apps/controller';
import { loadEnv } from '@libs/config';
import { poll } from './support/poll';
import { TcpProxy } from './support/tcp-proxy';

const env = loadEnv();

describe('controller leader lease (real Redis)', () => {
  const key = `vigil-e2e-${randomBytes(4).toString('hex')}:leader:controller`;
  const connections: Redis[] = [];
  const lease = (holder: string, changes: Array<number | null>) => {
    const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 });
    connections.push(redis);
    return new LeaderLease({
      redis,
      key,
      holder,
      ttlMs: 1000,
      onChange: (token) => void changes.push(token),
    });
  };

  afterAll(async () => {
    const redis = new Redis(env.REDIS_URL);
    await redis.del(key, `${key}:token`);
    await redis.quit();
    for (const c of connections) c.disconnect();
  });

  it('lets exactly one lead, hands over when the leader dies, and fences with a growing token', async () => {
    const aChanges: Array<number | null> = [];
    const bChanges: Array<number | null> = [];
    const a = lease('a', aChanges);
    const b = lease('b', bChanges);
    await a.start();
    await b.start();
    expect(a.isLeader).toBe(true);
    expect(b.isLeader).toBe(false);
    const first = a.fencingToken!;

    // a dies without a word: its connection goes, its renewals stop.
    connections[0].disconnect();
    const diedAt = Date.now();
    await poll(async () => (b.isLeader ? true : undefined), 5000, 'b to take over');
    expect(Date.now() - diedAt).toBeLessThan(1000 + 1000); // TTL plus one renewal period and slack
    expect(b.fencingToken).toBeGreaterThan(first);
    await poll(async () => (a.isLeader ? undefined : true), 5000, 'a to know it lost the lease');
    expect(aChanges).toEqual([first, null]);
    expect(bChanges).toEqual([b.fencingToken]);
    await b.stop();
    await a.stop();
    expect(b.isLeader).toBe(false);
  });
});

describe('leader lease through a Redis outage (real Redis behind a TCP proxy)', () => {
  const key = `vigil-e2e-${randomBytes(4).toString('hex')}:leader:controller`;
  let proxy: TcpProxy;
  let redis: Redis;

  beforeAll(async () => {
    const target = new URL(env.REDIS_URL);
    proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    await proxy.start();
    redis = new Redis(proxy.rewrite(env.REDIS_URL));
  });
  afterAll(async () => {
    await proxy.restore();
    await redis.del(key, `${key}:token`);
    redis.disconnect();
    await proxy.stop();
  });

  it('takes the lease again after the outage even though its step-down never settles', async () => {
    const changes: Array<number | null> = [];
    const lease = new LeaderLease({
      redis,
      key,
      holder: 'a',
      ttlMs: 1000,
      // The step-down hangs, as BullMQ's graceful worker close did while Redis was unreachable.
      onChange: (token) => {
        changes.push(token);
        return token === null ? new Promise<void>(() => undefined) : undefined;
      },
    });
    await lease.start();
    const first = lease.fencingToken!;
    expect(first).toBeGreaterThan(0);

    await proxy.cut('blackhole');
    await poll(async () => (lease.isLeader ? undefined : true), 10_000, 'the lease lost in the outage');
    await proxy.restore();
    try {
      // The take-over runs too, at most the step-down's bound later.
      await poll(async () => (changes.length === 3 ? true : undefined), 10_000, 'the lease taken again');
      expect(changes).toEqual([first, null, lease.fencingToken]);
      expect(lease.fencingToken).toBeGreaterThan(first);
    } finally {
      await lease.stop();
    }
  });
});

describe('writes of the leader state (real Redis)', () => {
  const prefix = `vigil-e2e-${randomBytes(4).toString('hex')}`;
  const key = `${prefix}:leader:controller`;
  const state = `${prefix}:notify:incidents`;
  let redis: Redis;
  const leases: LeaderLease[] = [];
  /** A TTL long enough that no lease expires by itself during the test. */
  const lease = (holder: string) => {
    const made = new LeaderLease({ redis, key, holder, ttlMs: 60_000, onChange: () => undefined });
    leases.push(made);
    return made;
  };

  beforeAll(() => {
    redis = new Redis(env.REDIS_URL);
  });
  afterAll(async () => {
    for (const l of leases) await l.stop();
    await redis.del(key, `${key}:token`, state);
    await redis.quit();
  });

  it('are made only while this holder has the lease, even before it learns it lost it', async () => {
    const a = lease('a');
    const b = lease('b');
    await a.start();
    await b.start();
    expect([a.isLeader, b.isLeader]).toEqual([true, false]);
    expect(await a.setIfLeader({ [state]: 'from a' })).toBe(true);
    expect(await b.setIfLeader({ [state]: 'from b' })).toBe(false);
    expect(await redis.get(state)).toBe('from a');

    // a's lease runs out (a long pause) and b takes over before a renews: a still thinks it leads.
    await redis.del(key);
    await b.tick();
    expect([a.isLeader, b.isLeader]).toEqual([true, true]);
    expect(await b.setIfLeader({ [state]: 'from b' })).toBe(true);
    expect(await a.setIfLeader({ [state]: 'stale a' })).toBe(false);
    expect(await redis.get(state)).toBe('from b');
  });

  it('are refused under an older fencing token once the lease was lost and regained', async () => {
    const c = lease('c');
    await redis.del(key);
    await c.start();
    expect(c.isLeader).toBe(true);
    const before = c.fencingToken!;
    expect(await c.setIfLeader({ [state]: 'from c' }, before)).toBe(true);

    // c's lease runs out and c takes it again before noticing: same holder, a new token.
    await redis.del(key);
    await redis.set(key, 'c', 'PX', 60_000);
    await redis.incr(`${key}:token`);
    expect(c.fencingToken).toBe(before); // c has not noticed
    expect(await c.setIfLeader({ [state]: 'stale c' })).toBe(false);
    expect(await c.setIfLeader({ [state]: 'stale c' }, before)).toBe(false);
    expect(await redis.get(state)).toBe('from c');
  });

  it('holds(token) asks Redis, not the local flag: false once the lease moved or the token did', async () => {
    const d = lease('d');
    const e = lease('e');
    await redis.del(key);
    await d.start();
    const token = d.fencingToken!;
    expect(await d.holds(token)).toBe(true);
    expect(await d.holds(token - 1)).toBe(false);

    await redis.del(key); // d paused past its TTL; e takes over
    await e.tick();
    expect([d.isLeader, e.isLeader]).toEqual([true, true]);
    expect(await d.holds(token)).toBe(false);
    expect(await e.holds(e.fencingToken!)).toBe(true);
  });
});
