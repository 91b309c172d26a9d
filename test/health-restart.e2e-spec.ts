import Redis from 'ioredis';
import { fleetConfig, startFleet, type Fleet } from '@libs/fleet';
import { HEALTH_KEYS, type StatusSnapshot } from '@libs/queue';
import { call } from './support/http';
import { poll } from './support/poll';
import { startVigil, type VigilUnderTest } from './support/vigil-app';

/** A restarted (or newly elected) controller goes on from the published state: no relearning, no false events. */
describe('health model across a restart', () => {
  let fleet: Fleet;
  let first: VigilUnderTest;
  let second: VigilUnderTest | undefined;

  beforeAll(async () => {
    fleet = await startFleet({ idcs: ['sha', 'bjs'], endpointsPerIdc: 3, basePort: 23500 });
    first = await startVigil();
  });
  afterAll(async () => {
    await (second ?? first).close();
    await fleet.close();
  });

  it('keeps every state through a restart of every role, and publishes again within one interval', async () => {
    const doc = fleetConfig(fleet, { service: 'live', interval: '3s', timeout: '1s' });
    expect(
      (await call(first.url, 'PUT', '/api/v1/config', { token: first.adminToken, json: doc })).status,
    ).toBe(200);
    const redis = new Redis(first.env.REDIS_URL);
    const snapshot = async () =>
      JSON.parse(
        (await redis.get(`${first.env.VIGIL_REDIS_PREFIX}:${HEALTH_KEYS.status}`)) ?? 'null',
      ) as StatusSnapshot | null;
    try {
      await poll(
        async () =>
          (await snapshot())?.services[0]?.idcs.every((i) => i.state === 'HEALTHY') ? true : undefined,
        30_000,
        'HEALTHY',
      );
      const [{ count: before }] = await first.sql<{ count: string }>('SELECT count(*) FROM health_events');
      const stoppedAt = Date.now();
      await first.stop();

      second = await startVigil({
        DATABASE_URL: first.env.DATABASE_URL,
        VIGIL_REDIS_PREFIX: first.env.VIGIL_REDIS_PREFIX,
      });
      await poll(
        async () => ((await snapshot())!.generatedAt > stoppedAt ? true : undefined),
        15_000,
        'a new snapshot',
      );
      const restarted = Date.now();
      const s = (await snapshot())!;
      expect(s.services[0].idcs.map((i) => i.state)).toEqual(['HEALTHY', 'HEALTHY']);
      expect(s.services[0].endpoints.HEALTHY).toBe(6);
      // One interval later nothing has changed either: no event was written for what did not change.
      await poll(
        async () => ((await snapshot())!.generatedAt > restarted + 3000 ? true : undefined),
        15_000,
        'an interval later',
      );
      const [{ count: after }] = await second.sql<{ count: string }>('SELECT count(*) FROM health_events');
      expect(Number(after)).toBe(Number(before));
    } finally {
      await redis.quit();
    }
  });
});
