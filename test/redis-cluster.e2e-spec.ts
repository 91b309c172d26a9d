import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { fleetConfig, startFleet, type Fleet } from '@libs/fleet';
import { loadEnv } from '@libs/config';
import { call } from './support/http';
import { poll } from './support/poll';
import { startCluster, type ClusterSetup } from './support/redis-servers';
import { dropDatabase, startVigil, type VigilUnderTest } from './support/vigil-app';
import { everyIdcHealthy } from './support/waits';

/** This suite's fixed loopback ports: three cluster masters, their cluster bus, the fleet. */
const CLUSTER_PORTS = [27787, 27788, 27789];
const BUS_PORTS = [27790, 27791, 27792];
const FLEET_PORT = 27798;

interface StatusBody {
  vantages: { live: string[] };
  services: Array<{ idcs: Array<{ idc: string; state: string }> }>;
}

/**
 * Vigil (every role) on a three-master Redis Cluster (REDIS_CLUSTER_NODES) with a hash-tag prefix:
 * BullMQ's scripts and Vigil's own multi-key commands run in one slot, the controller finds the
 * probers' heartbeats on whichever master holds them, and probes turn into health.
 */
describe('Vigil on a Redis Cluster', () => {
  let cluster: ClusterSetup;
  let fleet: Fleet;
  let vigil: VigilUnderTest;
  const prefix = `{vigil-e2e-${randomBytes(5).toString('hex')}}`;

  beforeAll(async () => {
    cluster = await startCluster(CLUSTER_PORTS, BUS_PORTS);
    fleet = await startFleet({ idcs: ['sha', 'bjs'], endpointsPerIdc: 2, basePort: FLEET_PORT });
    vigil = await startVigil({
      REDIS_URL: `redis://127.0.0.1:${CLUSTER_PORTS[0]}`,
      REDIS_CLUSTER_NODES: cluster.nodeList,
      VIGIL_REDIS_PREFIX: prefix,
    });
  }, 120_000);

  afterAll(async () => {
    await vigil?.stop();
    if (vigil) await dropDatabase(loadEnv().DATABASE_URL, vigil.env.DATABASE_URL);
    await fleet?.close();
    await cluster?.stop();
  });

  it('probes and health work, with every key in the slot of the prefix', async () => {
    const applied = await call(vigil.url, 'PUT', '/api/v1/config', {
      token: vigil.adminToken,
      json: fleetConfig(fleet, {
        service: 'live',
        interval: '1s',
        timeout: '800ms',
        healthyThreshold: 2,
        unhealthyThreshold: 2,
      }),
    });
    expect(applied.status).toBe(200);
    await everyIdcHealthy(vigil, { idcs: 2, deadlineMs: 60_000 });

    // The heartbeats were found (a SCAN of each master): both vantages count.
    const status = await call<StatusBody>(vigil.url, 'GET', '/api/v1/status', { token: vigil.adminToken });
    expect([...status.body.vantages.live].sort()).toEqual(['bjs', 'sha']);

    const [broken] = fleet.endpoints;
    await fleet.set({ endpoint: broken.id }, 'refused');
    await poll(
      async () => {
        const reply = await call<{ state: string }>(
          vigil.url,
          'GET',
          `/api/v1/endpoints/live.${broken.id}/health`,
          {
            token: vigil.adminToken,
          },
        );
        return reply.body.state === 'UNHEALTHY' ? true : undefined;
      },
      30_000,
      `${broken.id} UNHEALTHY`,
    );

    // Every Vigil and BullMQ key sits on the one master that owns the prefix's slot.
    const holders: number[] = [];
    for (const port of CLUSTER_PORTS) {
      const node = new Redis({ port, host: '127.0.0.1' });
      try {
        const keys = await node.keys(`${prefix}:*`);
        if (keys.length) holders.push(port);
        if (keys.length) expect(keys.some((k) => k.startsWith(`${prefix}:bull:results.`))).toBe(true);
      } finally {
        node.disconnect();
      }
    }
    expect(holders).toHaveLength(1);
  });
});
