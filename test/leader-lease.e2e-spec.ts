import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { LeaderLease } from '@apps/controller';
import { loadEnv } from '@libs/config';
import { poll } from './support/poll';

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
